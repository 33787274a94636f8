/**
 * Standard normal samples by the ziggurat method (Marsaglia & Tsang, "The ziggurat method for
 * generating random variables", J. Stat. Softw. 5(8), 2000), 256 layers. Exact in distribution;
 * most samples cost one 32-bit draw, a table lookup and a multiply, several times faster than
 * Box-Muller. Read noise of analog arrays needs many normals per input, so this is on a hot path.
 *
 * Each 32-bit draw is split into disjoint fields (layer: 8 bits, sign: 1 bit, magnitude: 23 bits),
 * so layer choice and value never share bits (the bit-reuse flaw Doornik (2005) found in the
 * original code does not arise).
 */
/** Bits of a draw that choose the layer; the next bit is the sign, the rest the magnitude. */
export const LAYER_BITS = 8;
const LAYERS = 2 ** LAYER_BITS;
// 256 layers (Marsaglia & Tsang's constants for 256; V = R f(R) + the tail's area, to 1e-16): about
// 1 % of draws leave the fast path, against 2.8 % with 128
const R = 3.6541528853610088; // right edge of the base layer
const V = 4.928673233974658e-3; // area of each layer
const M = 2 ** (31 - LAYER_BITS); // magnitude resolution

export const kn = new Float64Array(LAYERS); // fast-accept thresholds on the magnitude
export const wn = new Float64Array(LAYERS); // magnitude -> x scale per layer
export const fn = new Float64Array(LAYERS); // density at each layer's edge

{
  const f = (x: number) => Math.exp(-0.5 * x * x);
  let dn = R;
  let tn = dn;
  const q = V / f(dn);
  kn[0] = (dn / q) * M;
  kn[1] = 0;
  wn[0] = q / M;
  wn[LAYERS - 1] = dn / M;
  fn[0] = 1;
  fn[LAYERS - 1] = f(dn);
  for (let i = LAYERS - 2; i >= 1; i--) {
    dn = Math.sqrt(-2 * Math.log(V / dn + f(dn)));
    kn[i + 1] = (dn / tn) * M;
    tn = dn;
    fn[i] = f(dn);
    wn[i] = dn / M;
  }
}

/**
 * The ziggurat's fast path as two tables indexed by a draw's low LAYER_BITS + 1 bits (layer, then
 * sign): the integer accept threshold on the magnitude (j < kn <=> j < ceil(kn) for integer j) and
 * the signed scale. The same decisions and values as `zigguratFast`, without a branch on the sign;
 * used by `Rng.fillNormal` and the readout kernel.
 */
export function zigguratFastTables(): { accept: Int32Array; scale: Float64Array } {
  const accept = new Int32Array(2 * LAYERS);
  const scale = new Float64Array(2 * LAYERS);
  for (let i = 0; i < 2 * LAYERS; i++) {
    const layer = i & (LAYERS - 1);
    accept[i] = Math.ceil(kn[layer]!);
    scale[i] = (i & LAYERS) !== 0 ? -wn[layer]! : wn[layer]!;
  }
  return { accept, scale };
}

/**
 * One normal sample from a 32-bit draw `u`, or NaN when `u` falls outside the fast region; then
 * `zigguratSlow` finishes the sample (about 1 % of draws).
 */
export function zigguratFast(u: number): number {
  const i = u & (LAYERS - 1);
  const j = u >>> (LAYER_BITS + 1);
  if (j < kn[i]) return (u & LAYERS) !== 0 ? -j * wn[i] : j * wn[i];
  return NaN;
}

/** Completes a sample whose first draw `u` missed the fast region (wedges and tail). */
export function zigguratSlow(u: number, rng: { nextUint32(): number; uniform(): number }): number {
  for (;;) {
    const i = u & (LAYERS - 1);
    const j = u >>> (LAYER_BITS + 1);
    const negative = (u & LAYERS) !== 0;
    if (j < kn[i]) return negative ? -j * wn[i] : j * wn[i];
    if (i === 0) {
      // the tail beyond R (Marsaglia 1964)
      let t: number;
      let y: number;
      do {
        t = -Math.log(1 - rng.uniform()) / R;
        y = -Math.log(1 - rng.uniform());
      } while (y + y < t * t);
      return negative ? -(R + t) : R + t;
    }
    const v = j * wn[i];
    if (fn[i] + rng.uniform() * (fn[i - 1] - fn[i]) < Math.exp(-0.5 * v * v)) return negative ? -v : v;
    u = rng.nextUint32();
  }
}
