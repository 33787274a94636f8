/** Reading dataset files: optional gzip (detected by its magic bytes), checksum verification. */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { UserError } from '../errors.js';
import { type Md5Manifest, verifyAgainstManifests, verifyCanonical } from './checksum.js';

/** gzip member header magic (RFC 1952, section 2.3.1): 0x1f 0x8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

export interface ReadOptions {
  /** Manifests to verify against (from `findManifests`); empty or absent: none. */
  manifests?: readonly Md5Manifest[];
  /** Dataset key in `CANONICAL_MD5`, to check full-size canonical files against published MD5s. */
  canonical?: string;
  /** false: skip all checksum work (structural checks still run). Default true. */
  verify?: boolean;
}

export interface DataFile {
  readonly path: string;
  /** Content, decompressed if the file was gzip. */
  readonly bytes: Uint8Array;
  /** How the file was verified: against an MD5SUMS entry, a published MD5, both, or neither (empty). */
  readonly checked: ('manifest' | 'published')[];
}

/** Reads `path`, gunzips it when it starts with the gzip magic, and verifies checksums. */
export function readDataFile(path: string, opts: ReadOptions = {}): DataFile {
  if (!existsSync(path) || !statSync(path).isFile()) {
    throw new UserError(`Missing dataset file ${path}.`, 'Check the dataset folder: it must hold the files listed in the docs.');
  }
  const raw = new Uint8Array(readFileSync(path));
  let bytes = raw;
  if (isGzip(raw)) {
    try {
      const b = gunzipSync(raw);
      bytes = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
    } catch (e) {
      throw new UserError(
        `Cannot decompress ${path}: ${(e as Error).message} (truncated or corrupt gzip file).`,
        'Fetch a fresh copy of the file.',
      );
    }
  }
  const checked: DataFile['checked'] = [];
  if (opts.verify !== false) {
    if (opts.manifests && verifyAgainstManifests(opts.manifests, path, raw, bytes !== raw ? bytes : undefined) === 'verified') {
      checked.push('manifest');
    }
    if (opts.canonical && verifyCanonical(opts.canonical, basename(path).replace(/\.gz$/, ''), path, bytes)) {
      checked.push('published');
    }
  }
  return { path, bytes, checked };
}

/** The first path of `candidates` that exists, or undefined. */
export function firstExisting(candidates: readonly string[]): string | undefined {
  return candidates.find((p) => existsSync(p));
}

export function isDirectory(p: string): boolean {
  return existsSync(p) && statSync(p).isDirectory();
}

/** `{ path: 'manifest+published' | 'manifest' | 'published' | 'none' }` for a dataset's `meta`. */
export function checksumSummary(files: readonly DataFile[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of files) out[f.path] = f.checked.length ? f.checked.join('+') : 'none';
  return out;
}
