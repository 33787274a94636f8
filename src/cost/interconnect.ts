/**
 * Chip-level interconnect: the H-tree bus between the global (activation) buffer and the tiles,
 * the figures behind `components.interconnect`.
 *
 * Model after DNN_NeuroSim V1.3 (neurosim/DNN_NeuroSim_V1.3, Inference_pytorch/NeuroSIM):
 * `HTree.cpp` (repeated wires: optimal repeater size and spacing for the wire's r and c, relaxed by a
 * delay tolerance to save energy; delay and energy per unit length; area of the repeater tracks),
 * `Chip.cpp` (the tiles on a square floorplan; per layer the bits loaded in and out cross the tree
 * from the root to the layer's tiles in ceil(bits / busWidth) transfers), `Param.cpp` (wire width,
 * aspect ratio and resistivity at 32 nm, delay tolerance, folded-tree ratio), `formula.cpp` (gate
 * and drain capacitance with folding, on-resistance, gate area) and `Technology.cpp` (PTM 32 nm LP).
 * Formulas re-derived here, no code taken; docs/sources.md section 12 lists every value and where
 * this model departs from NeuroSim's code.
 *
 * Units: SI (m, F, F/m, ohm/m, V, s, J, m^2).
 */
import { type CmosTechnology, JUNCTION, LAYOUT, PTM_32NM_LP } from './switch-model.js';

/** The metal of the chip-level bus (NeuroSim: Param.cpp and HTree.cpp). */
export interface WireParameters {
  /** Wire capacitance per length (F/m). */
  capacitancePerLength: number;
  /** Resistance per length the repeaters are designed for (ohm/m): the minimum-width wire of the node. */
  designResistancePerLength: number;
  /** Resistance per length of the bus segments themselves (ohm/m): the wider semi-global wire. */
  segmentResistancePerLength: number;
  /** Allowed delay above the fastest repeater design, traded for energy (0.1 = +10 %). */
  delayTolerance: number;
  /** Switching activity of a bus line per bit transferred. */
  activity: number;
  /** Layout folding of the tree (divides its track area). */
  foldedRatio: number;
}

/** Resistance per length rho / (w^2 AR) of a wire of width w (m) and aspect ratio AR. */
const wireResistance = (rho: number, width: number, aspectRatio: number): number => rho / (width * width * aspectRatio);

/**
 * NeuroSim V1.3 at 32 nm: Param.cpp wireWidth 56 nm (technode 32), AR 1.80, rho 3.70e-8 ohm m at
 * 300 K -> 6.56 ohm/um (the repeater design); HTree.cpp GetUnitLengthRes: bus segments are twice
 * that width, 112 nm, AR 1.6, rho 2.52e-8 -> 1.26 ohm/um; HTree.cpp unitLengthWireCap 0.2e-15 / 1e-6
 * F/m = 0.2 fF/um; Param.cpp globalBusDelayTolerance 0.1, treeFoldedRatio 4; HTree.cpp
 * CalculatePower: activity 0.25 per bit.
 */
export const NEUROSIM_32NM_WIRE: WireParameters = {
  capacitancePerLength: 0.2e-15 / 1e-6,
  designResistancePerLength: wireResistance(3.7e-8, 56e-9, 1.8),
  segmentResistancePerLength: wireResistance(2.52e-8, 112e-9, 1.6),
  delayTolerance: 0.1,
  activity: 0.25,
  foldedRatio: 4,
};

/** An inverter of `size` x minimum devices: input and output (drain) capacitance, on-resistance, layout. */
interface Inverter {
  capInput: number;
  capOutput: number;
  resistance: number;
  /** Layout width (m) at the standard-cell height. */
  width: number;
  height: number;
}

/**
 * An inverter of NMOS width 2F x size and PMOS pn x that (MIN_NMOS_SIZE 2, pnSizeRatio = I_onN / I_onP)
 * in a standard cell 28F high: devices wider than the cell allows are folded (formula.cpp
 * CalculateGateArea, CalculateGateCapacitance); on-resistance of the pull-up plus the pull-down
 * (HTree.cpp resOnRep = R_onN + R_onP).
 */
function inverter(tech: CmosTechnology, size: number): Inverter {
  const F = tech.featureSize;
  const pn = tech.currentOnNmos / tech.currentOnPmos;
  const widthN = 2 * F * size;
  const widthP = pn * widthN;
  const height = LAYOUT.maxTransistorHeight * F;
  const usable = height - LAYOUT.gapPAndNDiffs * F - (LAYOUT.polyExtDiff + LAYOUT.gapFieldPoly / 2) * 2 * F;
  const ratio = widthP / (widthP + widthN);
  const maxP = ratio * usable;
  const maxN = (1 - ratio) * usable;
  const pitch = (LAYOUT.polyWidth + LAYOUT.gapGatePoly) * F;
  const foldsN = widthN <= maxN ? 1 : Math.ceil(widthN / maxN);
  const foldsP = widthP <= maxP ? 1 : Math.ceil(widthP / maxP);
  const regionWidth = (folds: number): number => (folds === 1 ? 2 * pitch : (folds + 1) * pitch);
  const width = Math.max(regionWidth(foldsN), regionWidth(foldsP));
  const capInput = (tech.capIdealGate * (1 + LAYOUT.overlapRatio) + tech.capFringe) * (widthN + widthP);
  // drain junctions: bottom, sidewall and drain-to-channel, at Vdd bias (Technology.cpp), folded drains
  const bias = 1 + tech.vdd / JUNCTION.builtInPotential;
  const cj = JUNCTION.cjd / bias ** JUNCTION.mjd;
  const cjsw = JUNCTION.cjswd / bias ** JUNCTION.mjswd;
  const cjswg = JUNCTION.cjswgd / bias ** JUNCTION.mjswgd;
  const drain = (w: number, max: number, folds: number): { drainWidth: number; drainHeight: number } =>
    folds === 1
      ? { drainWidth: LAYOUT.gapGatePoly * F, drainHeight: w }
      : { drainWidth: Math.ceil((folds + 1) / 2) * LAYOUT.gapGatePoly * F, drainHeight: max };
  const dn = drain(widthN, maxN, foldsN);
  const dp = drain(widthP, maxP, foldsP);
  // NeuroSim takes the PMOS folding for both devices' sidewall count (formula.cpp, INV case)
  const sides = 1 + ((foldsP + 1) % 2);
  const capOutput = (dn.drainWidth * dn.drainHeight + dp.drainWidth * dp.drainHeight) * cj
    + (dn.drainWidth * 2 + dn.drainHeight * sides + dp.drainWidth * 2 + dp.drainHeight * sides) * cjsw
    + (foldsN * dn.drainHeight + foldsP * dp.drainHeight) * cjswg;
  const rOn = (current: number, w: number): number => (tech.effectiveResistanceMultiplier * tech.vdd) / (current * w);
  return { capInput, capOutput, resistance: rOn(tech.currentOnNmos, widthN) + rOn(tech.currentOnPmos, widthP), width, height };
}

export interface RepeatedWireFigures {
  /** Delay per length of the repeated bus (s/m). */
  delayPerLength: number;
  /** Dynamic energy per length per bit transferred (J/m): (C_in + C_out + c d) Vdd^2 / d x activity. */
  energyPerLengthPerBit: number;
  /** Track area per bus line per length of tree (m^2/m = m): the repeater cell's pitch / folding. */
  trackPitch: number;
  /** The intermediate quantities, for the documentation. */
  detail: { repeaterSize: number; repeaterSpacing: number; fastestDelayPerLength: number; repeaterWidth: number; repeaterHeight: number };
}

/**
 * The repeated wire of NeuroSim's H-tree (HTree.cpp Initialize, CalculateArea, CalculateLatency,
 * CalculatePower), re-derived:
 * - fastest design for the wire r, c and a minimum inverter (R_0, C_in0, C_out0): size
 *   floor(sqrt(R_0 c / (C_in0 r))), spacing d = sqrt(2 R_0 (C_out0 + C_in0) / (r c));
 * - delay per length 0.7 (R (C_in + C_out + c d) + r c d^2 / 2 + r d C_in) / d;
 * - with a delay tolerance: halve the (whole-number) size and shorten d by 10 % until the delay per length exceeds
 *   (1 + tolerance) x the fastest;
 * - the bus then runs on the wider segment wire (its r in the delay) with that repeater; energy per
 *   bit and length (C_in + C_out + c d) Vdd^2 / d x activity.
 * The track pitch for the area is the repeater cell's width (vertical stages) averaged with its
 * height (horizontal stages and main bus), divided by the folding ratio.
 */
export function repeatedWire(tech: CmosTechnology = PTM_32NM_LP, wire: WireParameters = NEUROSIM_32NM_WIRE): RepeatedWireFigures {
  const c = wire.capacitancePerLength;
  const r = wire.designResistancePerLength;
  const min = inverter(tech, 1);
  let size = Math.floor(Math.sqrt((min.resistance * c) / (min.capInput * r)));
  let spacing = Math.sqrt((2 * min.resistance * (min.capOutput + min.capInput)) / (r * c));
  const delay = (inv: Inverter, d: number, rw: number): number =>
    (0.7 * (inv.resistance * (inv.capInput + inv.capOutput + c * d) + 0.5 * rw * c * d * d + rw * d * inv.capInput)) / d;
  const fastest = delay(inverter(tech, size), spacing, r);
  if (wire.delayTolerance > 0) {
    let t = 0;
    while (t < fastest * (1 + wire.delayTolerance)) {
      size = Math.floor(size / 2); // an int in HTree.h: integer halving
      spacing *= 0.9;
      t = delay(inverter(tech, size), spacing, r);
    }
  }
  const rep = inverter(tech, Math.max(1, size));
  const delayPerLength = delay(rep, spacing, wire.segmentResistancePerLength);
  const energyPerLengthPerBit = ((rep.capInput + rep.capOutput + c * spacing) * tech.vdd ** 2 / spacing) * wire.activity;
  const trackPitch = (rep.width + 2 * rep.height) / 3 / wire.foldedRatio;
  return {
    delayPerLength, energyPerLengthPerBit, trackPitch,
    detail: { repeaterSize: Math.max(1, size), repeaterSpacing: spacing, fastestDelayPerLength: fastest, repeaterWidth: rep.width, repeaterHeight: rep.height },
  };
}

/** Interconnect figures of the component library (`components.interconnect`). */
export interface InterconnectComponent {
  /** Off: no interconnect energy, latency or area (the cost model before it existed). */
  enabled: boolean;
  /** Energy per bit per metre of wire travelled (J/(bit m)). */
  energyPerBitLength: number;
  /** Delay per metre of repeated wire (s/m), paid once per bus transfer. */
  delayPerLength: number;
  /** Bus width (bits per transfer). */
  busWidth: number;
  /** Wire length from the buffer to a tile over the side of the square floorplan. */
  pathPerSide: number;
  /** Track pitch per bus line (m): tree area = busWidth x pitch x tree length. */
  trackPitch: number;
  /** Length of the tree's tracks over the side of the floorplan. */
  treeLengthPerSide: number;
}

/** The H-tree on a square floorplan of `area` (m^2): chip side, buffer-to-tile path, tree area. */
export function htreeGeometry(area: number, ic: InterconnectComponent): { side: number; path: number; area: number } {
  const side = Math.sqrt(Math.max(0, area));
  return { side, path: ic.pathPerSide * side, area: ic.busWidth * ic.trackPitch * ic.treeLengthPerSide * side };
}

/**
 * Energy (J) and latency (s) of moving `bits` between the global buffer and a tile over a path of
 * `path` metres: every bit travels the path; the bus moves busWidth bits per transfer, one after
 * another, each taking the path's repeated-wire delay (NeuroSim: root-to-leaf readLatency x numRead,
 * asynchronous).
 */
export function transferCost(bits: number, path: number, ic: InterconnectComponent): { energy: number; latency: number } {
  if (!ic.enabled || bits <= 0) return { energy: 0, latency: 0 };
  return { energy: bits * path * ic.energyPerBitLength, latency: (bits / ic.busWidth) * path * ic.delayPerLength };
}
