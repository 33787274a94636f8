/**
 * Transmission-gate switch and its configuration flip-flop, derived from a CMOS technology model:
 * the figures behind `components.switchMatrix` (the hypernetwork's switch matrices).
 *
 * Model after DNN_NeuroSim V1.3 (neurosim/DNN_NeuroSim_V1.3, Inference_pytorch/NeuroSIM):
 * `SwitchMatrix.cpp` (a transmission gate per line, read energy 3 C_drain V^2, delay
 * Horowitz(R_tg (3 C_drain + C_load)), R_tg = LINEAR_REGION_RATIO x on-resistance), `DFF.cpp` (a
 * flip-flop = 12 minimum inverter cells), `formula.cpp` (gate and drain capacitance per width,
 * on-resistance, gate-area layout rule, Horowitz delay) with the technology tables of
 * `Technology.cpp` (PTM models) and the layout rules of `constant.h`. Formulas re-derived here, no
 * code taken; docs/sources.md section 11 lists every value.
 *
 * Units: SI (m, F, F/m, A/m, V, s, J, m^2).
 */

/** A bulk CMOS node as NeuroSim's `Technology::Initialize` describes it (300 K). */
export interface CmosTechnology {
  name: string;
  /** Feature size F (m). */
  featureSize: number;
  vdd: number;
  /** Ideal gate capacitance per width (F/m); overlap = 0.2 x this (NeuroSim, nodes >= 22 nm). */
  capIdealGate: number;
  /** Fringe capacitance per width (F/m). */
  capFringe: number;
  /** R_on = multiplier x Vdd / (I_on x W) (CACTI's effective-resistance multiplier). */
  effectiveResistanceMultiplier: number;
  /** Saturation on-current per width at 300 K (A/m = uA/um). */
  currentOnNmos: number;
  currentOnPmos: number;
}

/** PTM 32 nm low-power (LSTP) as in NeuroSim V1.3 Technology.cpp, featureSizeInNano 32, LSTP branch. */
export const PTM_32NM_LP: CmosTechnology = {
  name: 'PTM 32 nm LP (NeuroSim V1.3 Technology.cpp)',
  featureSize: 32e-9, vdd: 0.9, capIdealGate: 8.375279e-10, capFringe: 6.856677e-10,
  effectiveResistanceMultiplier: 1.77, currentOnNmos: 600.2, currentOnPmos: 400.0,
};

/** PTM 32 nm high-performance as in NeuroSim V1.3 Technology.cpp, featureSizeInNano 32, HP branch. */
export const PTM_32NM_HP: CmosTechnology = {
  name: 'PTM 32 nm HP (NeuroSim V1.3 Technology.cpp)',
  featureSize: 32e-9, vdd: 0.9, capIdealGate: 3.767721e-10, capFringe: 4.713762e-10,
  effectiveResistanceMultiplier: 1.54, currentOnNmos: 1.41e3, currentOnPmos: 1.22e3,
};

/** NeuroSim's junction capacitances (Technology.cpp, all nodes) and layout rules in F (constant.h). */
export const JUNCTION = { cjd: 1e-3, cjswd: 2.5e-10, cjswgd: 0.5e-10, mjd: 0.5, mjswd: 0.33, mjswgd: 0.33, builtInPotential: 0.9 };
export const LAYOUT = {
  maxTransistorHeight: 28, gapPAndNDiffs: 3.5, gapGatePoly: 2.8, polyExtDiff: 1.0, gapFieldPoly: 1.6, polyWidth: 1.0,
  /** Overlap capacitance / ideal gate capacitance (Technology.cpp, >= 22 nm). */
  overlapRatio: 0.2,
  /** Linear-region resistance of a pass transistor / its saturation on-resistance (constant.h). */
  linearRegionRatio: 0.2,
  /** Inverter cells of a D flip-flop (DFF.cpp). */
  dffCells: 12,
};

export interface SwitchFigures {
  /** Energy per line passed through a closed gate: 3 C_drain Vdd^2 (the gate is static while configured). */
  energy: number;
  /** Delay through a closed gate into one gate load: ln 2 x R_tg (3 C_drain + C_load). */
  latency: number;
  /** Layout area of one transmission gate. */
  area: number;
  /** Layout area of one configuration flip-flop. */
  configBitArea: number;
  /** The intermediate quantities, for the documentation. */
  detail: { widthN: number; widthP: number; capGate: number; capDrain: number; resistance: number; areaF2: number; configBitAreaF2: number };
}

/**
 * A transmission gate of minimum-size devices enlarged to fill NeuroSim's standard-cell height (as
 * DFF.cpp sizes its gates, EnlargeSize), switching full-swing (Vdd) digital lines, driving one
 * minimum gate; its configuration held in a D flip-flop of 12 inverter cells.
 */
export function transmissionGateSwitch(tech: CmosTechnology): SwitchFigures {
  const F = tech.featureSize;
  const pn = tech.currentOnNmos / tech.currentOnPmos;
  // EnlargeSize: widths filling the cell height minus the P-N gap and the poly extensions, split as pn : 1
  const usable = (LAYOUT.maxTransistorHeight - LAYOUT.gapPAndNDiffs - (LAYOUT.polyExtDiff + LAYOUT.gapFieldPoly / 2) * 2) * F;
  const widthP = (pn / (1 + pn)) * usable;
  const widthN = usable - widthP;
  // CalculateGateCap: (ideal + overlap + fringe) x width
  const capPerWidth = tech.capIdealGate * (1 + LAYOUT.overlapRatio) + tech.capFringe;
  const capGate = capPerWidth * (widthN + widthP);
  // CalculateGateCapacitance (unfolded INV): drain bottom, sidewall and drain-to-channel junctions at Vdd bias
  const bias = 1 + tech.vdd / JUNCTION.builtInPotential;
  const capJunction = JUNCTION.cjd / bias ** JUNCTION.mjd;
  const capSidewall = JUNCTION.cjswd / bias ** JUNCTION.mjswd;
  const capDrainToChannel = JUNCTION.cjswgd / bias ** JUNCTION.mjswgd;
  const drainLength = LAYOUT.gapGatePoly * F;
  const capDrain = drainLength * (widthN + widthP) * capJunction
    + (2 * drainLength + widthN + 2 * drainLength + widthP) * capSidewall
    + (widthN + widthP) * capDrainToChannel;
  // CalculateOnResistance, the two devices in parallel, in the linear region
  const rN = (tech.effectiveResistanceMultiplier * tech.vdd) / (tech.currentOnNmos * widthN);
  const rP = (tech.effectiveResistanceMultiplier * tech.vdd) / (tech.currentOnPmos * widthP);
  const resistance = LAYOUT.linearRegionRatio * ((rN * rP) / (rN + rP));
  // horowitz() with a step input: tr x |ln 0.5|; the load is one gate like the switch's own
  const latency = Math.LN2 * resistance * (3 * capDrain + capGate);
  // CalculateGateArea (INV, no folding): 2 (poly + gate-poly gap) wide, one cell high
  const cellWidthF = 2 * (LAYOUT.polyWidth + LAYOUT.gapGatePoly);
  const areaF2 = cellWidthF * LAYOUT.maxTransistorHeight;
  const configBitAreaF2 = LAYOUT.dffCells * areaF2;
  return {
    energy: 3 * capDrain * tech.vdd ** 2,
    latency,
    area: areaF2 * F * F,
    configBitArea: configBitAreaF2 * F * F,
    detail: { widthN, widthP, capGate, capDrain, resistance, areaF2, configBitAreaF2 },
  };
}
