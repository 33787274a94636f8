/**
 * The crossbar readout's hot loop in WebAssembly SIMD: per-read noise, ADC and digital shift-add,
 * `acc[e] += scale * Q(current[e] + sqrt(variance[e]) z_e)` with z_e fresh standard normals, run in
 * place on the TensorFlow.js wasm backend's memory (the column currents and their variances are
 * tensors there; nothing is copied).
 *
 * Normals: the same 256-layer ziggurat as `Rng.fillNormal` (src/engine/ziggurat.ts), drawn a
 * chunk at a time on four xoshiro128** streams side by side (one per SIMD lane). A draw outside the
 * fast region (about 1.5 %) is finished by Marsaglia & Tsang's wedge test in wasm, its uniforms from
 * a fifth, scalar stream (all five seeded from the chip's stream by `Rng.simdLanes`); the rare draw
 * in the base layer's tail (about 0.03 % of samples) goes to `zigguratSlow` in JS. The wedge and
 * tail tests only need independent uniforms, so every sample is exactly normal in distribution (up
 * to the float32 the normals are stored in). The conversion runs in float32 (`MAX_FLOAT32_CODE`).
 *
 * The module is written in the WebAssembly text format and assembled at start-up with wabt (about
 * 60 ms, once per thread); it imports the backend's memory, so the backend must be initialised first.
 */
import wabtInit from 'wabt';
import { tf } from './tf.js';
import { LAYER_BITS, fn, wn, zigguratFastTables, zigguratSlow } from './ziggurat.js';
import type { Rng } from './rng.js';

/** One lane's ziggurat record (signed scale f32, accept threshold i32: 8 bytes) for its draw's low bits. */
function recordLane(lane: number): string {
  return `
        (local.set $r${lane} (v128.load64_zero (i32.add (local.get $tables) (i32x4.extract_lane ${lane} (local.get $idx)))))`;
}

/** A lane whose draw missed the fast region: its element index and draw go on the pending list. */
function pendingLane(lane: number): string {
  return `
            (if (i32.eqz (i32x4.extract_lane ${lane} (local.get $ok)))
              (then
                (i32.store (local.get $np) (i32.add (local.get $e) (i32.const ${lane})))
                (i32.store offset=4 (local.get $np) (i32x4.extract_lane ${lane} (local.get $u)))
                (local.set $np (i32.add (local.get $np) (i32.const 8)))))`;
}

/** Entries of the fast-path table: the low LAYER_BITS + 1 bits of a draw (layer, then sign). */
const LAYERS_AND_SIGN = 2 ** (LAYER_BITS + 1);
/** Bytes of one entry: the signed scale (float32) and the accept threshold (int32). */
const RECORD_BYTES = 8;
/** Normals drawn per kernel call: float32, 8 KiB, stays in L1 between drawing and converting. */
const CHUNK = 2048;
const LAYERS = 2 ** LAYER_BITS;
/** The wedge test's tables after the records: each layer's x scale `wn` and edge density `fn` (float64). */
const WN_OFFSET = RECORD_BYTES * LAYERS_AND_SIGN;
const FN_OFFSET = WN_OFFSET + 8 * LAYERS;
/**
 * Scratch after the tables: the stream state (four lanes as four i32x4, then the scalar wedge
 * stream's four words), the chunk's normals, its pending list, a 4-element tail.
 */
const STATE_OFFSET = FN_OFFSET + 8 * LAYERS;
const STATE_WORDS = 20;
const Z_OFFSET = STATE_OFFSET + 4 * STATE_WORDS;
const PENDING_OFFSET = Z_OFFSET + 4 * CHUNK;
const TAIL_OFFSET = PENDING_OFFSET + 8 * CHUNK;
const SCRATCH_BYTES = TAIL_OFFSET + 3 * 16;
/** Largest ADC code the kernel converts (16-bit signed); wider converters take the float64 JS path. */
export const MAX_FLOAT32_CODE = 2 ** 15 - 1;

/** How `xoshiroStep` reads and writes one stream's state words and does its arithmetic. */
interface StreamOps {
  word: (k: number) => string;
  store: (k: number, value: string) => string;
  mul: string;
  xor: string;
  shl: string;
  rotl: (value: string, bits: number) => string;
  constant: (value: number) => string;
}

/** Four streams side by side in the SIMD lanes: state in the locals $s0..$s3 (i32x4). */
const SIMD_LANES: StreamOps = {
  word: (k) => `(local.get $s${k})`,
  store: (k, value) => `(local.set $s${k} ${value})`,
  mul: 'i32x4.mul',
  xor: 'v128.xor',
  shl: 'i32x4.shl',
  rotl: (value, bits) => `(v128.or (i32x4.shl ${value} (i32.const ${bits})) (i32x4.shr_u ${value} (i32.const ${32 - bits})))`,
  constant: (value) => `(i32x4.splat (i32.const ${value}))`,
};

/** One scalar stream: state in the globals $w0..$w3. */
const SCALAR_STREAM: StreamOps = {
  word: (k) => `(global.get $w${k})`,
  store: (k, value) => `(global.set $w${k} ${value})`,
  mul: 'i32.mul',
  xor: 'i32.xor',
  shl: 'i32.shl',
  rotl: (value, bits) => `(i32.rotl ${value} (i32.const ${bits}))`,
  constant: (value) => `(i32.const ${value})`,
};

/**
 * WAT for one xoshiro128** step (Blackman & Vigna, as `Rng.nextUint32`): the output
 * rotl(s1 * 5, 7) * 9 into the local `out`, then the state update. Uses a local $t of the
 * stream's type (and $m for the product).
 */
function xoshiroStep(ops: StreamOps, out: string): string {
  const { word, store, mul, xor, shl, rotl, constant } = ops;
  return [
    `(local.set $m (${mul} ${word(1)} ${constant(5)}))`,
    `(local.set ${out} (${mul} ${rotl('(local.get $m)', 7)} ${constant(9)}))`,
    `(local.set $t (${shl} ${word(1)} (i32.const 9)))`,
    store(2, `(${xor} ${word(2)} ${word(0)})`),
    store(3, `(${xor} ${word(3)} ${word(1)})`),
    store(1, `(${xor} ${word(1)} ${word(2)})`),
    store(0, `(${xor} ${word(0)} ${word(3)})`),
    store(2, `(${xor} ${word(2)} (local.get $t))`),
    store(3, rotl(word(3), 11)),
  ].join('\n    ');
}

function factorial(n: number): number {
  return n <= 1 ? 1 : n * factorial(n - 1);
}

/**
 * WAT setting $p to sum_{n=0}^{13} r^n / n! by Estrin's scheme: pairs c_2k + c_2k+1 r, joined with
 * r^2, then r^4, then r^8 (four levels instead of Horner's thirteen dependent steps). Uses $r, $r2, $r4.
 */
function estrinTaylorExp(): string {
  const c = (n: number) => `(f64.const ${1 / factorial(n)})`;
  const r = '(local.get $r)';
  const pairs = Array.from({ length: 7 }, (_, k) => `(f64.add ${c(2 * k)} (f64.mul ${c(2 * k + 1)} ${r}))`);
  const join = (terms: string[], power: string) =>
    Array.from({ length: Math.ceil(terms.length / 2) }, (_, k) =>
      terms[2 * k + 1] ? `(f64.add ${terms[2 * k]} (f64.mul ${terms[2 * k + 1]} ${power}))` : terms[2 * k]!);
  const level2 = join(pairs, '(local.get $r2)');
  const level4 = join(level2, '(local.get $r4)');
  const [low, high] = level4;
  return `(local.set $r2 (f64.mul ${r} ${r}))
    (local.set $r4 (f64.mul (local.get $r2) (local.get $r2)))
    (local.set $p (f64.add ${low} (f64.mul ${high} (f64.mul (local.get $r4) (local.get $r4)))))`;
}
const LOW_LOW = '0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23';
const EVEN_LANES = '0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27';
const ODD_LANES = '4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31';

const WAT = `
(module
  (import "env" "memory" (memory 1))
  ;; normals(z, n, tables, state, pending) -> pending entries
  ;; n normals (n a multiple of 4) as float32 at z from four xoshiro128** lanes (state: s0..s3 as
  ;; four i32x4) by the ziggurat's fast path; a draw that misses it leaves (element, draw) at pending
  (func (export "normals")
    (param $z i32) (param $n i32) (param $tables i32) (param $state i32) (param $pending i32) (result i32)
    (local $s0 v128) (local $s1 v128) (local $s2 v128) (local $s3 v128) (local $m v128) (local $u v128)
    (local $t v128) (local $idx v128) (local $j v128) (local $r0 v128) (local $r1 v128) (local $r2 v128)
    (local $r3 v128) (local $ok v128)
    (local $e i32) (local $np i32)
    (local.set $s0 (v128.load (local.get $state)))
    (local.set $s1 (v128.load offset=16 (local.get $state)))
    (local.set $s2 (v128.load offset=32 (local.get $state)))
    (local.set $s3 (v128.load offset=48 (local.get $state)))
    (local.set $np (local.get $pending))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $e) (local.get $n)))
        ;; four xoshiro128** draws: u = rotl(s1 * 5, 7) * 9, then the state update
        ${xoshiroStep(SIMD_LANES, '$u')}
        ;; ziggurat fields: layer and sign (low bits, as a byte offset into the table), magnitude
        (local.set $idx (i32x4.shl (v128.and (local.get $u) (i32x4.splat (i32.const ${LAYERS_AND_SIGN - 1}))) (i32.const 3)))
        (local.set $j (i32x4.shr_u (local.get $u) (i32.const ${LAYER_BITS + 1})))
        ${[0, 1, 2, 3].map(recordLane).join('')}
        ;; records side by side: [scale0 accept0 scale1 accept1], [scale2 accept2 scale3 accept3]
        (local.set $r0 (i8x16.shuffle ${LOW_LOW} (local.get $r0) (local.get $r1)))
        (local.set $r2 (i8x16.shuffle ${LOW_LOW} (local.get $r2) (local.get $r3)))
        ;; accepted when j < accept; z = j * scale
        (local.set $ok (i32x4.lt_s (local.get $j) (i8x16.shuffle ${ODD_LANES} (local.get $r0) (local.get $r2))))
        (v128.store (i32.add (local.get $z) (i32.shl (local.get $e) (i32.const 2)))
          (f32x4.mul (f32x4.convert_i32x4_s (local.get $j)) (i8x16.shuffle ${EVEN_LANES} (local.get $r0) (local.get $r2))))
        (if (i32.eqz (i32x4.all_true (local.get $ok)))
          (then ${[0, 1, 2, 3].map(pendingLane).join('')}))
        (local.set $e (i32.add (local.get $e) (i32.const 4)))
        (br $next)))
    (v128.store (local.get $state) (local.get $s0))
    (v128.store offset=16 (local.get $state) (local.get $s1))
    (v128.store offset=32 (local.get $state) (local.get $s2))
    (v128.store offset=48 (local.get $state) (local.get $s3))
    (i32.shr_u (i32.sub (local.get $np) (local.get $pending)) (i32.const 3)))

  ;; the wedge stream (xoshiro128**, one scalar stream): its state lives in these globals during finish
  (global $w0 (mut i32) (i32.const 0)) (global $w1 (mut i32) (i32.const 0))
  (global $w2 (mut i32) (i32.const 0)) (global $w3 (mut i32) (i32.const 0))
  (func $draw (result i32)
    (local $r i32) (local $m i32) (local $t i32)
    ${xoshiroStep(SCALAR_STREAM, '$r')}
    (local.get $r))

  ;; exp(y) for y in [-708, 0]: y = k ln2 + r with |r| <= ln2 / 2 (ln2 split in two parts, fdlibm's
  ;; constants, so k ln2 is exact), e^r by its Taylor series to r^13 (truncation below 2e-16
  ;; relative) evaluated by Estrin's scheme (short dependency chains), times 2^k from the exponent bits
  (func $exp (export "exp") (param $y f64) (result f64)
    (local $k f64) (local $r f64) (local $r2 f64) (local $r4 f64) (local $p f64)
    (local.set $k (f64.nearest (f64.mul (local.get $y) (f64.const 1.4426950408889634))))
    (local.set $r (f64.sub (f64.sub (local.get $y) (f64.mul (local.get $k) (f64.const 0x1.62e42feep-1)))
      (f64.mul (local.get $k) (f64.const 0x1.a39ef35793c76p-33))))
    ${estrinTaylorExp()}
    (f64.mul (local.get $p) (f64.reinterpret_i64 (i64.shl (i64.add (i64.trunc_f64_s (local.get $k)) (i64.const 1023)) (i64.const 52)))))

  ;; finish(z, pending, count, tables, state) -> entries left at pending
  ;; completes the draws that missed the fast path (Marsaglia & Tsang's wedge test, uniforms from the
  ;; wedge stream; a rejected draw starts over with a fresh one); a draw in the base layer's tail is
  ;; left on the pending list for JS
  (func (export "finish") (param $z i32) (param $pending i32) (param $count i32) (param $tables i32) (param $state i32) (result i32)
    (local $k i32) (local $left i32) (local $e i32) (local $u i32) (local $field i32) (local $layer i32) (local $j i32)
    (local $x f64)
    (global.set $w0 (i32.load offset=64 (local.get $state)))
    (global.set $w1 (i32.load offset=68 (local.get $state)))
    (global.set $w2 (i32.load offset=72 (local.get $state)))
    (global.set $w3 (i32.load offset=76 (local.get $state)))
    (block $all
      (loop $each
        (br_if $all (i32.ge_u (local.get $k) (local.get $count)))
        (local.set $e (i32.load (i32.add (local.get $pending) (i32.shl (local.get $k) (i32.const 3)))))
        (local.set $u (i32.load offset=4 (i32.add (local.get $pending) (i32.shl (local.get $k) (i32.const 3)))))
        (block $stored
          (loop $retry
            (local.set $field (i32.and (local.get $u) (i32.const ${LAYERS_AND_SIGN - 1})))
            (local.set $layer (i32.and (local.get $u) (i32.const ${LAYERS - 1})))
            (local.set $j (i32.shr_u (local.get $u) (i32.const ${LAYER_BITS + 1})))
            ;; the fast path (a fresh draw after a rejection usually lands there)
            (if (i32.lt_s (local.get $j) (i32.load offset=4 (i32.add (local.get $tables) (i32.shl (local.get $field) (i32.const 3)))))
              (then
                (f32.store (i32.add (local.get $z) (i32.shl (local.get $e) (i32.const 2)))
                  (f32.mul (f32.convert_i32_s (local.get $j)) (f32.load (i32.add (local.get $tables) (i32.shl (local.get $field) (i32.const 3))))))
                (br $stored)))
            ;; the base layer beyond the fast region: the tail, finished in JS
            (if (i32.eqz (local.get $layer))
              (then
                (i32.store (i32.add (local.get $pending) (i32.shl (local.get $left) (i32.const 3))) (local.get $e))
                (i32.store offset=4 (i32.add (local.get $pending) (i32.shl (local.get $left) (i32.const 3))) (local.get $u))
                (local.set $left (i32.add (local.get $left) (i32.const 1)))
                (br $stored)))
            ;; the wedge: accept x when fn[i] + U (fn[i-1] - fn[i]) < exp(-x^2 / 2)
            (local.set $x (f64.mul (f64.convert_i32_s (local.get $j))
              (f64.load offset=${WN_OFFSET} (i32.add (local.get $tables) (i32.shl (local.get $layer) (i32.const 3))))))
            (if (f64.lt
                  (f64.add (f64.load offset=${FN_OFFSET} (i32.add (local.get $tables) (i32.shl (local.get $layer) (i32.const 3))))
                    (f64.mul (f64.mul (f64.convert_i32_u (call $draw)) (f64.const 0x1p-32))
                      (f64.sub (f64.load offset=${FN_OFFSET - 8} (i32.add (local.get $tables) (i32.shl (local.get $layer) (i32.const 3))))
                        (f64.load offset=${FN_OFFSET} (i32.add (local.get $tables) (i32.shl (local.get $layer) (i32.const 3)))))))
                  (call $exp (f64.mul (f64.const -0.5) (f64.mul (local.get $x) (local.get $x)))))
              (then
                (f32.store (i32.add (local.get $z) (i32.shl (local.get $e) (i32.const 2)))
                  (f32.demote_f64 (select (f64.neg (local.get $x)) (local.get $x) (i32.and (local.get $u) (i32.const ${LAYERS})))))
                (br $stored)))
            (local.set $u (call $draw))
            (br $retry)))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $each)))
    (i32.store offset=64 (local.get $state) (global.get $w0))
    (i32.store offset=68 (local.get $state) (global.get $w1))
    (i32.store offset=72 (local.get $state) (global.get $w2))
    (i32.store offset=76 (local.get $state) (global.get $w3))
    (local.get $left))

  ;; convert(current, variance, acc, z, n, 1/step, hi, step*scale) -> clipped
  (func (export "convert")
    (param $cur i32) (param $var i32) (param $acc i32) (param $z i32) (param $n i32)
    (param $inv f64) (param $hi f64) (param $out f64) (result i32)
    (local $x v128) (local $clip v128)
    (local $invv v128) (local $hiv v128) (local $nhiv v128) (local $outv v128) (local $off i32) (local $end i32)
    (local.set $invv (f32x4.splat (f32.demote_f64 (local.get $inv))))
    (local.set $hiv (f32x4.splat (f32.demote_f64 (local.get $hi))))
    (local.set $nhiv (f32x4.neg (local.get $hiv)))
    (local.set $outv (f32x4.splat (f32.demote_f64 (local.get $out))))
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $off) (local.get $end)))
        (local.set $x (f32x4.nearest (f32x4.mul (local.get $invv) (f32x4.add (v128.load (i32.add (local.get $cur) (local.get $off)))
          (f32x4.mul (f32x4.sqrt (v128.load (i32.add (local.get $var) (local.get $off)))) (v128.load (i32.add (local.get $z) (local.get $off))))))))
        (local.set $clip (i32x4.sub (local.get $clip) (f32x4.gt (f32x4.abs (local.get $x)) (local.get $hiv))))
        (local.set $x (f32x4.pmin (f32x4.pmax (local.get $x) (local.get $nhiv)) (local.get $hiv)))
        (v128.store (i32.add (local.get $acc) (local.get $off))
          (f32x4.add (v128.load (i32.add (local.get $acc) (local.get $off))) (f32x4.mul (local.get $x) (local.get $outv))))
        (local.set $off (i32.add (local.get $off) (i32.const 16)))
        (br $next)))
    (i32.add (i32.add (i32x4.extract_lane 0 (local.get $clip)) (i32x4.extract_lane 1 (local.get $clip)))
      (i32.add (i32x4.extract_lane 2 (local.get $clip)) (i32x4.extract_lane 3 (local.get $clip))))))
`;

/**
 * The parts of the WebAssembly JS API used here (Node has them; TypeScript declares them only in
 * its DOM library, which this Node project does not load).
 */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
}
interface WasmApi {
  compile(bytes: Uint8Array): Promise<object>;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}
const wasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/** The parts of tfjs-backend-wasm's emscripten module the kernel uses. */
interface BackendModule {
  asm: { memory: WasmMemory };
  _malloc(bytes: number): number;
}

interface KernelExports {
  normals(z: number, n: number, tables: number, state: number, pending: number): number;
  finish(z: number, pending: number, count: number, tables: number, state: number): number;
  exp(y: number): number;
  convert(cur: number, variance: number, acc: number, z: number, n: number, inv: number, hi: number, out: number): number;
}

export class ReadoutKernel {
  private constructor(
    private readonly memory: WasmMemory,
    /** Byte offset of the table and scratch in the backend's memory (allocated once, never freed). */
    private readonly base: number,
    private readonly k: KernelExports,
  ) {
    // the fast path's record per draw field: signed scale, integer accept threshold (as Rng.fillNormal)
    const { accept, scale } = zigguratFastTables();
    const scales = new Float32Array(memory.buffer, base, 2 * LAYERS_AND_SIGN);
    const accepts = new Int32Array(memory.buffer, base, 2 * LAYERS_AND_SIGN);
    for (let i = 0; i < LAYERS_AND_SIGN; i++) {
      scales[2 * i] = scale[i]!;
      accepts[2 * i + 1] = accept[i]!;
    }
    new Float64Array(memory.buffer, base + WN_OFFSET, LAYERS).set(wn);
    new Float64Array(memory.buffer, base + FN_OFFSET, LAYERS).set(fn);
  }

  static async create(): Promise<ReadoutKernel> {
    const backend = (tf.backend() as unknown as { wasm?: BackendModule }).wasm;
    if (!backend?.asm?.memory || typeof backend._malloc !== 'function') throw new Error('the readout kernel needs the TensorFlow.js wasm backend');
    const wabt = await wabtInit();
    const parsed = wabt.parseWat('readout.wat', WAT, { simd: true });
    let binary: Uint8Array;
    try {
      parsed.validate();
      binary = parsed.toBinary({}).buffer;
    } finally {
      parsed.destroy();
    }
    const memory = backend.asm.memory;
    const instance = new wasmApi.Instance(await wasmApi.compile(binary), { env: { memory } });
    // 16-byte aligned: the table is read a v128 record at a time
    const base = (backend._malloc(SCRATCH_BYTES + 16) + 15) & ~15;
    return new ReadoutKernel(memory, base, instance.exports as unknown as KernelExports);
  }

  /** Whether `a` is a view of the backend's memory, so the kernel can read or write it in place. */
  private onHeap(a: ArrayLike<number>): a is Float32Array {
    return a instanceof Float32Array && a.buffer === this.memory.buffer;
  }

  /**
   * `acc[e] += scale * Q(current[e] + sqrt(variance[e]) z_e)` for a signed ADC of step `step` and
   * codes +-`hi`; returns how many conversions clipped, or undefined when an array is not a view of
   * the backend's memory (the caller then runs its JS loop).
   */
  noisyConversions(current: ArrayLike<number>, variance: ArrayLike<number>, rng: Rng, step: number, hi: number, scale: number, acc: Float32Array): number | undefined {
    if (!this.onHeap(current) || !this.onHeap(variance) || !this.onHeap(acc)) return undefined;
    // float32 arithmetic places a code within 2^-9 LSB up to 16-bit converters; wider ones run in JS (float64)
    if (hi > MAX_FLOAT32_CODE) return undefined;
    const n = current.length;
    if (variance.length !== n || acc.length !== n) throw new Error(`readout kernel: ${n} currents, ${variance.length} variances, ${acc.length} outputs`);
    const { base, memory } = this;
    const state = base + STATE_OFFSET;
    const lanes = rng.simdLanes();
    new Int32Array(memory.buffer, state, STATE_WORDS).set(lanes);
    const body = n - (n % 4);
    let clipped = 0;
    for (let e0 = 0; e0 < body; e0 += CHUNK) {
      const len = Math.min(CHUNK, body - e0);
      this.drawNormals(len, rng);
      clipped += this.k.convert(current.byteOffset + 4 * e0, variance.byteOffset + 4 * e0, acc.byteOffset + 4 * e0, base + Z_OFFSET, len, 1 / step, hi, step * scale);
    }
    if (body < n) {
      // the last 1-3 elements through a zero-padded 4-element scratch (a padded lane has zero
      // current and variance: code 0, never clipped)
      const tail = new Float32Array(memory.buffer, base + TAIL_OFFSET, 12).fill(0);
      tail.set(current.subarray(body), 0);
      tail.set(variance.subarray(body), 4);
      tail.set(acc.subarray(body), 8);
      this.drawNormals(4, rng);
      clipped += this.k.convert(tail.byteOffset, tail.byteOffset + 16, tail.byteOffset + 32, base + Z_OFFSET, 4, 1 / step, hi, step * scale);
      acc.set(tail.subarray(8, 8 + n - body), body);
    }
    lanes.set(new Int32Array(memory.buffer, state, STATE_WORDS));
    return clipped;
  }

  /**
   * `len` standard normals into the scratch: the fast path on four SIMD lanes, the misses (about
   * 1.5 %) by the wedge test in wasm, the rare tail draws by `zigguratSlow` with uniforms from the
   * chip's scalar stream.
   */
  private drawNormals(len: number, rng: Rng): void {
    const { base, memory, k } = this;
    const [z, state, pending] = [base + Z_OFFSET, base + STATE_OFFSET, base + PENDING_OFFSET];
    const missed = k.normals(z, len, base, state, pending);
    const tails = missed === 0 ? 0 : k.finish(z, pending, missed, base, state);
    if (tails === 0) return;
    const normals = new Float32Array(memory.buffer, z, len);
    const entries = new Int32Array(memory.buffer, pending, 2 * tails);
    for (let t = 0; t < tails; t++) normals[entries[2 * t]!] = zigguratSlow(entries[2 * t + 1]! >>> 0, rng);
  }

  /** The kernel's exp (exported for its test against Math.exp). */
  exp(y: number): number {
    return this.k.exp(y);
  }
}

let kernel: ReadoutKernel | undefined;

/** Assembles the readout kernel for the wasm backend in use (after `tf.setBackend('wasm')`). */
export async function initReadoutKernel(): Promise<void> {
  kernel ??= await ReadoutKernel.create();
}

/** The readout kernel when the wasm backend is in use and the kernel is ready; otherwise undefined. */
export function readoutKernel(): ReadoutKernel | undefined {
  return kernel && tf.getBackend() === 'wasm' ? kernel : undefined;
}
