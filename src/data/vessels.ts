/**
 * Synthetic retinal-vessel segmentation images, a stand-in for DRIVE (Staal et al. 2004), which may
 * not be redistributed. Each image is a grayscale fundus-like picture (like DRIVE's green channel:
 * vessels darker than the background) with:
 * - a circular field of view (FOV), dark outside;
 * - a bright optic disc from which 4-5 vessel trees grow as curved random walks, branching with
 *   children thinner than their parent (widths taper, contrast falls with width);
 * - a darker fovea, an illumination gradient, vignetting towards the FOV rim, smooth background
 *   texture and Gaussian pixel noise.
 * The label is the per-pixel vessel mask (1 = vessel, 0 = background; always 0 outside the FOV).
 * Everything is drawn from `Rng` seeded by (seed, split, image index): the same options give the
 * same images on every machine, and image i does not depend on how many images are requested.
 */
import { hashSeed, Rng } from '../engine/rng.js';
import { UserError } from '../errors.js';
import type { Dataset, DatasetSplits } from './dataset.js';

export interface VesselOptions {
  /** Image height and width in pixels (default 64). */
  height?: number;
  width?: number;
  /** Number of training / test images (defaults 256 / 64; `limit` also caps them). */
  train?: number;
  test?: number;
  seed?: number;
  /** Standard deviation of the additive pixel noise (default 0.02, images in [0, 1]). */
  noise?: number;
  limit?: { train?: number; test?: number };
}

export interface VesselImage {
  /** [height, width] intensities in [0, 1]. */
  readonly image: Float32Array;
  /** [height, width] 0/1 vessel labels. */
  readonly mask: Int32Array;
}

/** The FOV: a disc centred in the image, radius 0.47 x the smaller side. 1 inside, 0 outside. */
export function vesselFovMask(height: number, width: number): Uint8Array {
  const { cx, cy, radius } = fov(height, width);
  const m = new Uint8Array(height * width);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if ((x - cx) ** 2 + (y - cy) ** 2 <= radius * radius) m[y * width + x] = 1;
    }
  }
  return m;
}

function fov(height: number, width: number): { cx: number; cy: number; radius: number } {
  return { cx: (width - 1) / 2, cy: (height - 1) / 2, radius: 0.47 * Math.min(height, width) };
}

interface Branch {
  x: number;
  y: number;
  heading: number;
  width: number;
  /** Persistent turning rate of this branch (radians per pixel). */
  bend: number;
}

/** Draws one image and its vessel mask. */
export function generateVesselImage(rng: Rng, height: number, width: number, noise = 0.02): VesselImage {
  const { cx, cy, radius: R } = fov(height, width);
  const scale = Math.min(height, width) / 64;
  const n = height * width;
  const depth = new Float32Array(n); // vessel darkening, 0..1
  const mask = new Int32Array(n);

  // Optic disc on the left or right, roughly on the horizontal midline (as in DRIVE's images).
  const side = rng.uniform() < 0.5 ? -1 : 1;
  const odX = cx + side * R * (0.35 + 0.25 * rng.uniform());
  const odY = cy + R * 0.2 * (rng.uniform() - 0.5);
  const odR = R * (0.1 + 0.04 * rng.uniform());
  // Fovea about 2.5 disc diameters to the other side.
  const fvX = odX - side * Math.min(5 * odR, 0.9 * R);
  const fvY = odY + R * 0.1 * (rng.uniform() - 0.5);

  const inFov = (x: number, y: number) => (x - cx) ** 2 + (y - cy) ** 2 <= R * R;

  const stamp = (px: number, py: number, w: number, contrast: number) => {
    const r = w / 2;
    const reach = r + 1;
    const x0 = Math.max(0, Math.floor(px - reach));
    const x1 = Math.min(width - 1, Math.ceil(px + reach));
    const y0 = Math.max(0, Math.floor(py - reach));
    const y1 = Math.min(height - 1, Math.ceil(py + reach));
    const core = Math.max(r, 0.5);
    for (let y = y0; y <= y1; y++) {
      for (let x = x0; x <= x1; x++) {
        const d = Math.hypot(x - px, y - py);
        const cover = Math.min(1, Math.max(0, r + 0.5 - d)); // anti-aliased disc edge
        const i = y * width + x;
        if (cover * contrast > depth[i]) depth[i] = cover * contrast;
        if (d <= core) mask[i] = 1;
      }
    }
  };

  const maxContrast = 0.3 + 0.15 * rng.uniform();
  const contrastOf = (w: number) => maxContrast * (1 - Math.exp(-w / 1.2));
  const minWidth = 0.7;
  const step = 0.7;
  const branchRate = 0.025 / scale; // branch probability per step: one branch per ~28 px at 64x64
  const stack: Branch[] = [];
  const trees = 4 + rng.int(2);
  const phase = rng.uniform() * 2 * Math.PI;
  for (let t = 0; t < trees; t++) {
    const heading = phase + (2 * Math.PI * (t + 0.3 * (rng.uniform() - 0.5))) / trees;
    stack.push({
      x: odX + 0.5 * odR * Math.cos(heading),
      y: odY + 0.5 * odR * Math.sin(heading),
      heading,
      width: scale * (2.2 + 1.0 * rng.uniform()),
      bend: 0.03 * rng.normal(),
    });
  }
  let budget = Math.round(40000 * scale * scale); // bounds the work per image
  while (stack.length > 0 && budget > 0) {
    const b = stack.pop() as Branch;
    while (b.width >= minWidth && budget-- > 0) {
      if (!inFov(b.x, b.y)) break;
      stamp(b.x, b.y, b.width, contrastOf(b.width));
      // Wander, bend, and a gentle pull back towards "away from the disc" so trees radiate outwards.
      const away = Math.atan2(b.y - odY, b.x - odX);
      const off = Math.atan2(Math.sin(away - b.heading), Math.cos(away - b.heading));
      // Rates are per pixel at 64x64 and scaled so that shapes do not depend on the image size.
      b.heading += (b.bend * step + 0.015 * off * step) / scale + 0.07 * rng.normal() * Math.sqrt(step / scale);
      b.x += step * Math.cos(b.heading);
      b.y += step * Math.sin(b.heading);
      b.width *= 1 - 0.004 / scale;
      if (rng.uniform() < branchRate) {
        const childWidth = b.width * (0.55 + 0.25 * rng.uniform());
        b.width *= 0.85 + 0.1 * rng.uniform();
        const turn = (rng.uniform() < 0.5 ? -1 : 1) * (0.4 + 0.6 * rng.uniform());
        stack.push({ x: b.x, y: b.y, heading: b.heading + turn, width: childWidth, bend: 0.04 * rng.normal() });
        b.heading -= 0.3 * turn; // the parent veers away a little
      }
    }
  }

  // Background: level, linear illumination gradient, vignetting, smooth texture blobs.
  const level = 0.45 + 0.15 * rng.uniform();
  const gAngle = rng.uniform() * 2 * Math.PI;
  const gAmp = (0.1 + 0.15 * rng.uniform()) / (2 * R);
  const gx = gAmp * Math.cos(gAngle);
  const gy = gAmp * Math.sin(gAngle);
  const blobs = Array.from({ length: 6 }, () => ({
    x: cx + R * (2 * rng.uniform() - 1),
    y: cy + R * (2 * rng.uniform() - 1),
    s: R * (0.2 + 0.3 * rng.uniform()),
    a: 0.04 * rng.normal(),
  }));
  const image = new Float32Array(n);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      if (!inFov(x, y)) {
        image[i] = Math.min(1, Math.max(0, 0.02 + 0.25 * noise * rng.normal()));
        mask[i] = 0;
        continue;
      }
      const rho2 = ((x - cx) ** 2 + (y - cy) ** 2) / (R * R);
      let v = level + gx * (x - cx) + gy * (y - cy) - 0.12 * rho2;
      for (const bl of blobs) v += bl.a * Math.exp(-((x - bl.x) ** 2 + (y - bl.y) ** 2) / (2 * bl.s * bl.s));
      v += 0.3 * Math.exp(-((x - odX) ** 2 + (y - odY) ** 2) / (2 * odR * odR));
      v -= 0.08 * Math.exp(-((x - fvX) ** 2 + (y - fvY) ** 2) / (2 * (1.5 * odR) ** 2));
      v *= 1 - depth[i];
      v += noise * rng.normal();
      image[i] = Math.min(1, Math.max(0, v));
    }
  }
  return { image, mask };
}

function count(v: number | undefined, what: string, dflt: number): number {
  const n = v ?? dflt;
  if (!Number.isInteger(n) || n < 0) throw new UserError(`vessels: ${what} must be a non-negative integer, got ${v}.`, `e.g. ${what}: ${dflt}.`);
  return n;
}

/** Generates the train and test splits (different seeds per split, so they never share an image). */
export function generateVessels(opts: VesselOptions = {}): DatasetSplits {
  const height = count(opts.height, 'height', 64);
  const width = count(opts.width, 'width', opts.height ?? 64);
  if (height < 16 || width < 16) throw new UserError(`vessels: images must be at least 16x16, got ${height}x${width}.`, 'Use height/width >= 16.');
  const seed = opts.seed ?? 0;
  const noise = opts.noise ?? 0.02;
  if (!(noise >= 0)) throw new UserError(`vessels: noise must be >= 0, got ${opts.noise}.`, 'e.g. noise: 0.02.');
  const fovPixels = vesselFovMask(height, width).reduce((a, b) => a + b, 0);
  const make = (which: 'train' | 'test', dflt: number): Dataset => {
    let n = count(opts[which], which, dflt);
    if (opts.limit?.[which] !== undefined) n = Math.min(n, count(opts.limit[which], `limit.${which}`, n));
    const px = height * width;
    const x = new Float32Array(n * px);
    const y = new Int32Array(n * px);
    let vessel = 0;
    for (let i = 0; i < n; i++) {
      const img = generateVesselImage(new Rng(hashSeed(seed, 'vessels', which, i)), height, width, noise);
      x.set(img.image, i * px);
      y.set(img.mask, i * px);
      for (const v of img.mask) vessel += v;
    }
    return {
      name: `vessels/${which}`,
      length: n,
      sampleShape: [height, width, 1],
      x,
      y,
      labelShape: [height, width],
      numClasses: 2,
      classNames: ['background', 'vessel'],
      meta: {
        synthetic: true,
        seed,
        noise,
        fovFraction: fovPixels / px,
        vesselFractionOfFov: n ? vessel / (n * fovPixels) : 0,
      },
    };
  };
  return { train: make('train', 256), test: make('test', 64) };
}
