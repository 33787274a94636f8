/**
 * Independent reference computations (plain loops over Float32Arrays, NHWC) for the layer tests.
 * Padding follows TensorFlow's definition: 'same' gives ceil(in / stride) outputs and pads
 * total = max((out - 1) * stride + (k - 1) * dilation + 1 - in, 0), the smaller half before.
 */
export interface Geometry {
  kernel: [number, number];
  stride: [number, number];
  dilation: [number, number];
  padding: 'same' | 'valid';
}

function axis(size: number, k: number, s: number, d: number, padding: 'same' | 'valid'): { out: number; before: number } {
  const eff = (k - 1) * d + 1;
  const out = padding === 'same' ? Math.ceil(size / s) : Math.floor((size - eff) / s) + 1;
  const total = padding === 'same' ? Math.max((out - 1) * s + eff - size, 0) : 0;
  return { out, before: Math.floor(total / 2) };
}

/** x [n, h, w, c] flat; w [kh, kw, c, f] flat. */
export function conv2dRef(x: Float32Array, xs: number[], w: Float32Array, f: number, g: Geometry, bias?: Float32Array): { y: Float32Array; shape: number[] } {
  const [n, h, wd, c] = xs;
  const [kh, kw] = g.kernel;
  const ay = axis(h, kh, g.stride[0], g.dilation[0], g.padding);
  const ax = axis(wd, kw, g.stride[1], g.dilation[1], g.padding);
  const y = new Float32Array(n * ay.out * ax.out * f);
  for (let b = 0; b < n; b++)
    for (let oy = 0; oy < ay.out; oy++)
      for (let ox = 0; ox < ax.out; ox++)
        for (let o = 0; o < f; o++) {
          let s = bias ? bias[o] : 0;
          for (let i = 0; i < kh; i++)
            for (let j = 0; j < kw; j++) {
              const iy = oy * g.stride[0] + i * g.dilation[0] - ay.before;
              const ix = ox * g.stride[1] + j * g.dilation[1] - ax.before;
              if (iy < 0 || iy >= h || ix < 0 || ix >= wd) continue;
              for (let ch = 0; ch < c; ch++) s += x[((b * h + iy) * wd + ix) * c + ch] * w[((i * kw + j) * c + ch) * f + o];
            }
          y[((b * ay.out + oy) * ax.out + ox) * f + o] = s;
        }
  return { y, shape: [n, ay.out, ax.out, f] };
}

/** Depthwise: w [kh, kw, c, m]; output channel ch * m + q. */
export function depthwiseRef(x: Float32Array, xs: number[], w: Float32Array, m: number, g: Geometry): { y: Float32Array; shape: number[] } {
  const [n, h, wd, c] = xs;
  const [kh, kw] = g.kernel;
  const ay = axis(h, kh, g.stride[0], g.dilation[0], g.padding);
  const ax = axis(wd, kw, g.stride[1], g.dilation[1], g.padding);
  const y = new Float32Array(n * ay.out * ax.out * c * m);
  for (let b = 0; b < n; b++)
    for (let oy = 0; oy < ay.out; oy++)
      for (let ox = 0; ox < ax.out; ox++)
        for (let ch = 0; ch < c; ch++)
          for (let q = 0; q < m; q++) {
            let s = 0;
            for (let i = 0; i < kh; i++)
              for (let j = 0; j < kw; j++) {
                const iy = oy * g.stride[0] + i * g.dilation[0] - ay.before;
                const ix = ox * g.stride[1] + j * g.dilation[1] - ax.before;
                if (iy < 0 || iy >= h || ix < 0 || ix >= wd) continue;
                s += x[((b * h + iy) * wd + ix) * c + ch] * w[((i * kw + j) * c + ch) * m + q];
              }
            y[((b * ay.out + oy) * ax.out + ox) * (c * m) + ch * m + q] = s;
          }
  return { y, shape: [n, ay.out, ax.out, c * m] };
}

/** Max or average pooling; the average counts only positions inside the image. */
export function poolRef(x: Float32Array, xs: number[], kind: 'max' | 'avg', g: Omit<Geometry, 'dilation'>): { y: Float32Array; shape: number[] } {
  const [n, h, wd, c] = xs;
  const ay = axis(h, g.kernel[0], g.stride[0], 1, g.padding);
  const ax = axis(wd, g.kernel[1], g.stride[1], 1, g.padding);
  const y = new Float32Array(n * ay.out * ax.out * c);
  for (let b = 0; b < n; b++)
    for (let oy = 0; oy < ay.out; oy++)
      for (let ox = 0; ox < ax.out; ox++)
        for (let ch = 0; ch < c; ch++) {
          let best = -Infinity;
          let sum = 0;
          let count = 0;
          for (let i = 0; i < g.kernel[0]; i++)
            for (let j = 0; j < g.kernel[1]; j++) {
              const iy = oy * g.stride[0] + i - ay.before;
              const ix = ox * g.stride[1] + j - ax.before;
              if (iy < 0 || iy >= h || ix < 0 || ix >= wd) continue;
              const v = x[((b * h + iy) * wd + ix) * c + ch];
              best = Math.max(best, v);
              sum += v;
              count += 1;
            }
          y[((b * ay.out + oy) * ax.out + ox) * c + ch] = kind === 'max' ? best : sum / count;
        }
  return { y, shape: [n, ay.out, ax.out, c] };
}

/** Deterministic pseudo-random values in [-1, 1) (a linear congruential stream, independent of src/). */
export function values(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}
