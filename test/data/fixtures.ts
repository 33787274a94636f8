/** Small dataset files written into temporary folders for the data tests. */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import wavefile from 'wavefile';

export function tempDir(label: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `xbarnet-data-${label}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function write(path: string, bytes: Uint8Array | string): string {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, bytes);
  return path;
}

export function md5(bytes: Uint8Array | string): string {
  return createHash('md5').update(bytes).digest('hex');
}

export function gz(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(gzipSync(bytes));
}

/** An IDX file written by hand: magic 00 00 <code> <ndims>, big-endian dims, big-endian values. */
export function idxBytes(code: number, dims: number[], values: ArrayLike<number>): Uint8Array {
  const size = { 0x08: 1, 0x09: 1, 0x0b: 2, 0x0c: 4, 0x0d: 4, 0x0e: 8 }[code] ?? 1;
  const buf = Buffer.alloc(4 + 4 * dims.length + values.length * size);
  buf[2] = code;
  buf[3] = dims.length;
  dims.forEach((d, i) => buf.writeUInt32BE(d, 4 + 4 * i));
  const o = 4 + 4 * dims.length;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (code === 0x08) buf.writeUInt8(v, o + i);
    else if (code === 0x09) buf.writeInt8(v, o + i);
    else if (code === 0x0b) buf.writeInt16BE(v, o + 2 * i);
    else if (code === 0x0c) buf.writeInt32BE(v, o + 4 * i);
    else if (code === 0x0d) buf.writeFloatBE(v, o + 4 * i);
    else buf.writeDoubleBE(v, o + 8 * i);
  }
  return new Uint8Array(buf);
}

/** A 16-bit mono PCM WAV of `samples` (integers in [-32768, 32767]). */
export function wavBytes(samples: ArrayLike<number>, sampleRate = 8000): Uint8Array {
  const w = new wavefile.WaveFile();
  w.fromScratch(1, sampleRate, '16', Array.from(samples));
  return w.toBuffer();
}

/** A sine tone as 16-bit integers. */
export function tone(freq: number, seconds: number, sampleRate = 8000, amplitude = 12000): Int16Array {
  const n = Math.round(seconds * sampleRate);
  const out = new Int16Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.round(amplitude * Math.sin((2 * Math.PI * freq * i) / sampleRate));
  return out;
}
