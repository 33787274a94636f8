/**
 * Seeded random numbers: the same seed gives the same stream on every machine.
 *
 * Generator: xoshiro128** (Blackman & Vigna, "Scrambled linear pseudorandom number generators",
 * ACM TOMS 2021), 32-bit state words so it runs on plain JS integer arithmetic; seeded through
 * SplitMix32 so that nearby seeds give unrelated streams. Single normals by the Box-Muller
 * transform, arrays of them (`fillNormal`) by the ziggurat method.
 */
import { LAYER_BITS, zigguratFastTables, zigguratSlow } from './ziggurat.js';

const { accept: ACCEPT, scale: SCALE } = zigguratFastTables();
const LAYERS = 2 ** LAYER_BITS;
const FIELD_MASK = 2 * LAYERS - 1;
const MAGNITUDE_SHIFT = LAYER_BITS + 1;

/** Mixes a 32-bit value (SplitMix32 finaliser). */
function mix32(x: number): number {
  x = (x + 0x9e3779b9) | 0;
  let z = x;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** Hashes a seed and any labels (strings or numbers) into one 32-bit seed. */
export function hashSeed(seed: number, ...labels: (string | number)[]): number {
  let h = mix32(seed >>> 0 ^ Math.floor(seed / 2 ** 32));
  for (const label of labels) {
    const s = String(label);
    for (let i = 0; i < s.length; i++) h = mix32(h ^ s.charCodeAt(i));
    h = mix32(h ^ 0x2f);
  }
  return h >>> 0;
}

export class Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spareNormal: number | undefined;
  /** State of the readout kernel's xoshiro128** streams (`simdLanes`). */
  private lanes: Int32Array | undefined;
  readonly seed: number;

  constructor(seed: number) {
    if (!Number.isFinite(seed)) throw new Error(`Rng seed must be a finite number, got ${seed}`);
    this.seed = seed >>> 0;
    let x = this.seed;
    x = mix32(x);
    this.s0 = x;
    x = mix32(x);
    this.s1 = x;
    x = mix32(x);
    this.s2 = x;
    x = mix32(x);
    this.s3 = x;
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** An independent stream derived from this one's seed and a label (does not advance this stream). */
  fork(...labels: (string | number)[]): Rng {
    return new Rng(hashSeed(this.seed, ...labels));
  }

  /** Next 32-bit unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /**
   * The state of five xoshiro128** streams for the readout kernel: four run side by side in SIMD
   * lanes (words s0..s3, each for lanes 0..3), a fifth scalar one (words 16..19) gives the wedge
   * tests' uniforms. Drawn from this stream on first use, then advanced by the kernel in place, so
   * a seed gives the same numbers every run.
   */
  simdLanes(): Int32Array {
    if (!this.lanes) {
      const lanes = new Int32Array(20);
      for (let i = 0; i < 20; i++) lanes[i] = mix32(this.nextUint32());
      // a stream whose four words are all zero would stay zero forever
      for (let l = 0; l < 4; l++) if ((lanes[l]! | lanes[4 + l]! | lanes[8 + l]! | lanes[12 + l]!) === 0) lanes[l] = 1;
      if ((lanes[16]! | lanes[17]! | lanes[18]! | lanes[19]!) === 0) lanes[16] = 1;
      this.lanes = lanes;
    }
    return this.lanes;
  }

  /** Uniform in [0, 1). */
  uniform(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.uniform() * n);
  }

  /** Standard normal (mean 0, std 1). */
  normal(): number {
    if (this.spareNormal !== undefined) {
      const v = this.spareNormal;
      this.spareNormal = undefined;
      return v;
    }
    let u = 0;
    while (u === 0) u = this.uniform();
    const v = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /**
   * Fills `out` with normal(mean, std) samples (ziggurat method: exact in distribution, about 3.5 ns
   * a sample). The hot loop of read-noise generation: xoshiro128** and the ziggurat's fast path
   * inlined on local copies of the state; the rare wedge and tail draws (about 1 %) go through
   * `zigguratSlow` on the stream itself.
   */
  fillNormal(out: Float32Array, mean = 0, std = 1): Float32Array {
    const accept = ACCEPT;
    const scale = SCALE;
    const len = out.length;
    let s0 = this.s0;
    let s1 = this.s1;
    let s2 = this.s2;
    let s3 = this.s3;
    for (let n = 0; n < len; n++) {
      const m = Math.imul(s1, 5);
      const u = Math.imul((m << 7) | (m >>> 25), 9); // the output as int32: only its bit fields are used
      const t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = (s3 << 11) | (s3 >>> 21);
      const i = u & FIELD_MASK;
      const j = u >>> MAGNITUDE_SHIFT;
      if (j < accept[i]!) {
        out[n] = j * scale[i]!;
        continue;
      }
      this.s0 = s0;
      this.s1 = s1;
      this.s2 = s2;
      this.s3 = s3;
      out[n] = zigguratSlow(u >>> 0, this);
      s0 = this.s0;
      s1 = this.s1;
      s2 = this.s2;
      s3 = this.s3;
    }
    this.s0 = s0;
    this.s1 = s1;
    this.s2 = s2;
    this.s3 = s3;
    if (mean !== 0 || std !== 1) for (let n = 0; n < len; n++) out[n] = mean + std * out[n]!;
    return out;
  }

  /** Fills `out` with uniform samples in [lo, hi). */
  fillUniform(out: Float32Array, lo = 0, hi = 1): Float32Array {
    const span = hi - lo;
    for (let i = 0; i < out.length; i++) {
      out[i] = lo + span * this.uniform();
      // Rounding to float32 can give hi itself (u > 1 - 2^-25 for [0, 1)); keep the interval half-open.
      if (out[i]! >= hi) out[i] = below(hi);
    }
    return out;
  }

  /** In-place Fisher-Yates shuffle. */
  shuffle<T>(items: T[] | Int32Array | Uint32Array): typeof items {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = items[i];
      items[i] = items[j];
      items[j] = t;
    }
    return items;
  }

  /** A permutation of 0..n-1. */
  permutation(n: number): Int32Array {
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    this.shuffle(p);
    return p;
  }

  /** A seed for tfjs random ops (they take a number seed), advancing this stream. */
  tfSeed(): number {
    return this.nextUint32() % 2147483647;
  }
}

/** The float32 just below x rounded to float32 (so below x itself), for x of either sign. */
function below(x: number): number {
  const f = new Float32Array([x]);
  const bits = new Int32Array(f.buffer);
  if (f[0] === 0) return -1.401298464324817e-45; // -(smallest subnormal)
  bits[0]! += f[0]! > 0 ? -1 : 1;
  return f[0]!;
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
