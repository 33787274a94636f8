import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CIFAR10_CLASSES, loadCifar10 } from '../../src/data/cifar10.js';
import { gz, md5, tempDir, write } from './fixtures.js';

/**
 * A record whose pixel bytes encode their own position: red plane value (row*32+col) % 251,
 * green (that + 1) % 251, blue (that + 2) % 251, offset by `k` per record.
 */
function record(label: number, k: number): Uint8Array {
  const r = new Uint8Array(3073);
  r[0] = label;
  for (let c = 0; c < 3; c++) for (let p = 0; p < 1024; p++) r[1 + c * 1024 + p] = (p + c + k) % 251;
  return r;
}

function batch(labels: number[], k0: number): Uint8Array {
  const out = new Uint8Array(labels.length * 3073);
  labels.forEach((l, i) => out.set(record(l, k0 + i), i * 3073));
  return out;
}

describe('CIFAR-10 loader on small batch files', () => {
  const tmp = tempDir('cifar');
  afterAll(tmp.cleanup);
  const trainLabels = [[0, 1], [2], [3, 4, 5], [6], [7, 8]];
  const makeDir = (name: string, opts: { gzip?: boolean; meta?: string; sub?: boolean } = {}) => {
    const dir = join(tmp.dir, name);
    const base = opts.sub ? join(dir, 'cifar-10-batches-bin') : dir;
    let k = 0;
    const put = (file: string, bytes: Uint8Array) => write(join(base, opts.gzip ? `${file}.gz` : file), opts.gzip ? gz(bytes) : bytes);
    trainLabels.forEach((ls, i) => {
      put(`data_batch_${i + 1}.bin`, batch(ls, k));
      k += ls.length;
    });
    put('test_batch.bin', batch([9, 0, 5], 100));
    if (opts.meta !== undefined) write(join(base, 'batches.meta.txt'), opts.meta);
    return dir;
  };

  it('converts CHW records to HWC floats in [0,1], concatenating the five batches', async () => {
    for (const gzip of [false, true]) {
      const d = await loadCifar10({ dir: makeDir(gzip ? 'gz' : 'raw', { gzip }) });
      expect(d.train.length).toBe(9);
      expect(Array.from(d.train.y)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
      expect(Array.from(d.test.y)).toEqual([9, 0, 5]);
      expect(d.train.sampleShape).toEqual([32, 32, 3]);
      // pixel (row 3, col 5) of train sample 4 (k = 4), channel c: ((3*32+5) + c + 4) % 251 / 255
      for (let c = 0; c < 3; c++) {
        const i = 4 * 3072 + (3 * 32 + 5) * 3 + c;
        expect(d.train.x[i]).toBe(Math.fround((101 + c + 4) / 255));
      }
      // last pixel of test sample 2 (k = 102), blue: (1023 + 2 + 102) % 251 / 255
      expect(d.test.x[3 * 3072 - 1]).toBe(Math.fround(((1023 + 2 + 102) % 251) / 255));
      expect(d.train.classNames).toEqual(CIFAR10_CLASSES);
    }
  });

  it('finds the cifar-10-batches-bin subfolder and reads class names from batches.meta.txt', async () => {
    const names = 'a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n\n';
    const d = await loadCifar10({ dir: makeDir('sub', { sub: true, meta: names }) });
    expect(d.test.classNames).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j']);
    await expect(loadCifar10({ dir: makeDir('badmeta', { meta: 'x\ny\n' }) })).rejects.toThrow(/batches\.meta\.txt: expected 10 class names .*found 2/);
  });

  it('stops reading batches once limit is reached', async () => {
    const dir = makeDir('limit');
    write(join(dir, 'data_batch_3.bin'), new Uint8Array(10)); // broken, but never needed
    const d = await loadCifar10({ dir, limit: { train: 3, test: 1 } });
    expect(Array.from(d.train.y)).toEqual([0, 1, 2]);
    expect(d.train.x.length).toBe(3 * 3072);
    expect(d.test.length).toBe(1);
  });

  it('rejects a truncated file and an out-of-range label, naming the file', async () => {
    const dir = makeDir('trunc');
    write(join(dir, 'test_batch.bin'), batch([1, 2], 0).subarray(0, 3073 + 100));
    await expect(loadCifar10({ dir })).rejects.toThrow(/test_batch\.bin: size 3173 bytes is not a whole number of 3073-byte CIFAR-10 records/);
    const dir2 = makeDir('label');
    write(join(dir2, 'data_batch_2.bin'), batch([10], 0));
    await expect(loadCifar10({ dir: dir2 })).rejects.toThrow(/data_batch_2\.bin: record 0 has label 10, outside 0-9/);
  });

  it('verifies uncompressed MD5SUMS entries against .bin.gz files', async () => {
    const dir = makeDir('sums', { gzip: true });
    const lines = trainLabels.map((_, i) => `${md5(batch(trainLabels[i], [0, 2, 3, 6, 7][i]))}  ./cifar-10-batches-bin/data_batch_${i + 1}.bin`);
    lines.push(`${md5(batch([9, 0, 5], 100))}  ./cifar-10-batches-bin/test_batch.bin`);
    write(join(dir, 'MD5SUMS'), lines.join('\n'));
    const d = await loadCifar10({ dir });
    expect(Object.values(d.train.meta?.checksums as object)).toEqual(['manifest', 'manifest', 'manifest', 'manifest', 'manifest']);
    lines[5] = `00000000000000000000000000000000  ./cifar-10-batches-bin/test_batch.bin`;
    write(join(dir, 'MD5SUMS'), lines.join('\n'));
    await expect(loadCifar10({ dir })).rejects.toThrow(
      `Checksum mismatch for ${join(dir, 'test_batch.bin.gz')}: expected MD5 00000000000000000000000000000000 (of the decompressed bytes)`,
    );
  });

  it('fails on a missing batch with the expected names', async () => {
    const dir = join(tmp.dir, 'none');
    write(join(dir, 'x.txt'), '');
    await expect(loadCifar10({ dir })).rejects.toThrow(/missing .*data_batch_1\.bin \(or .*data_batch_1\.bin\.gz\)/);
  });
});
