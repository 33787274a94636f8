import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { idxImages, idxLabels, parseIdx } from '../../src/data/idx.js';
import { loadFashionMnist, loadMnist } from '../../src/data/mnist.js';
import { gz, idxBytes, md5, tempDir, write } from './fixtures.js';

describe('parseIdx', () => {
  it('reads each IDX data type big-endian, with its dims', () => {
    expect(parseIdx(idxBytes(0x08, [2, 3], [0, 1, 2, 253, 254, 255]), 'u8')).toEqual({
      dtype: 'uint8',
      dims: [2, 3],
      data: new Uint8Array([0, 1, 2, 253, 254, 255]),
    });
    expect(Array.from(parseIdx(idxBytes(0x09, [3], [-128, -1, 127]), 'i8').data)).toEqual([-128, -1, 127]);
    expect(Array.from(parseIdx(idxBytes(0x0b, [3], [-300, 0, 258]), 'i16').data)).toEqual([-300, 0, 258]);
    expect(Array.from(parseIdx(idxBytes(0x0c, [2], [-70000, 123456789]), 'i32').data)).toEqual([-70000, 123456789]);
    expect(Array.from(parseIdx(idxBytes(0x0d, [2], [1.5, -0.25]), 'f32').data)).toEqual([1.5, -0.25]);
    expect(Array.from(parseIdx(idxBytes(0x0e, [1, 1, 2], [Math.PI, -1e300]), 'f64').data)).toEqual([Math.PI, -1e300]);
  });

  it('rejects a bad magic number, naming the file', () => {
    const b = idxBytes(0x08, [1], [0]);
    b[0] = 0x42;
    expect(() => parseIdx(b, 'x.idx')).toThrow(/x\.idx: bad IDX magic number 0x42000801/);
    expect(() => parseIdx(b, 'x.idx')).toThrow(UserError);
  });

  it('rejects an unknown type code', () => {
    const b = idxBytes(0x08, [1], [0]);
    b[2] = 0x0a;
    expect(() => parseIdx(b, 'y.idx')).toThrow(/y\.idx: unknown IDX data type code 0xa/);
  });

  it('rejects truncated files and trailing bytes, with the sizes', () => {
    const b = idxBytes(0x08, [2, 2, 2], [1, 2, 3, 4, 5, 6, 7, 8]);
    expect(() => parseIdx(b.subarray(0, b.length - 1), 'a')).toThrow(/a: IDX file truncated: header \[2, 2, 2\] uint8 needs 24 bytes, file has 23/);
    expect(() => parseIdx(new Uint8Array([...b, 0]), 'a')).toThrow(/has trailing bytes.*needs 24 bytes, file has 25/);
    expect(() => parseIdx(b.subarray(0, 10), 'a')).toThrow(/truncated IDX header \(10 bytes, need 16/);
    expect(() => parseIdx(b.subarray(0, 2), 'a')).toThrow(/too short/);
  });
});

describe('idxImages / idxLabels', () => {
  it('scales images to [0,1] with a channel axis, and honours limit', () => {
    const arr = parseIdx(idxBytes(0x08, [2, 1, 2], [0, 255, 51, 102]), 'img');
    const all = idxImages(arr, 'img');
    expect(all.n).toBe(2);
    expect(all.shape).toEqual([1, 2, 1]);
    expect(Array.from(all.x)).toEqual([0, 1, 0.2, 0.4].map(Math.fround));
    const one = idxImages(arr, 'img', 1);
    expect(one.n).toBe(1);
    expect(Array.from(one.x)).toEqual([0, 1]);
  });

  it('rejects non-image arrays and out-of-range labels', () => {
    expect(() => idxImages(parseIdx(idxBytes(0x08, [4], [0, 1, 2, 3]), 'l'), 'l')).toThrow(/expected IDX images as uint8 \[n, rows, cols\], got uint8 \[4\]/);
    const labels = parseIdx(idxBytes(0x08, [3], [1, 10, 2]), 'lab');
    expect(() => idxLabels(labels, 'lab', 10)).toThrow(/lab: label 10 at index 1 is out of range \[0, 9\]/);
    expect(Array.from(idxLabels(parseIdx(idxBytes(0x08, [3], [9, 0, 4]), 'ok'), 'ok', 10))).toEqual([9, 0, 4]);
  });
});

describe('MNIST / Fashion-MNIST loaders on small files', () => {
  const tmp = tempDir('idx');
  afterAll(tmp.cleanup);
  // 3 train images 2x2, 2 test images; pixel values chosen so that value/255 is easy to check.
  const trainPx = [0, 255, 51, 102, 255, 0, 0, 255, 17, 34, 68, 136];
  const testPx = [1, 2, 3, 4, 5, 6, 7, 8];

  const makeDir = (name: string, gzip: boolean, trainLabels = [3, 1, 4]) => {
    const dir = join(tmp.dir, name);
    const put = (file: string, bytes: Uint8Array) => write(join(dir, gzip ? `${file}.gz` : file), gzip ? gz(bytes) : bytes);
    put('train-images-idx3-ubyte', idxBytes(0x08, [3, 2, 2], trainPx));
    put('train-labels-idx1-ubyte', idxBytes(0x08, [3], trainLabels));
    put('t10k-images-idx3-ubyte', idxBytes(0x08, [2, 2, 2], testPx));
    put('t10k-labels-idx1-ubyte', idxBytes(0x08, [2], [9, 0]));
    return dir;
  };

  it('loads gzipped and raw copies to the same exact values', async () => {
    for (const gzip of [true, false]) {
      const d = await loadMnist({ dir: makeDir(gzip ? 'gz' : 'raw', gzip) });
      expect(d.train.length).toBe(3);
      expect(d.train.sampleShape).toEqual([2, 2, 1]);
      expect(Array.from(d.train.x)).toEqual(trainPx.map((v) => Math.fround(v / 255)));
      expect(Array.from(d.train.y)).toEqual([3, 1, 4]);
      expect(Array.from(d.test.y)).toEqual([9, 0]);
      expect(d.test.x[7]).toBeCloseTo(8 / 255, 7);
      expect(d.train.numClasses).toBe(10);
    }
  });

  it('applies limit per split', async () => {
    const d = await loadMnist({ dir: makeDir('lim', true), limit: { train: 2, test: 0 } });
    expect(d.train.length).toBe(2);
    expect(Array.from(d.train.y)).toEqual([3, 1]);
    expect(d.train.x.length).toBe(8);
    expect(d.test.length).toBe(0);
  });

  it('gives Fashion-MNIST its class names', async () => {
    const d = await loadFashionMnist({ dir: makeDir('fashion', false) });
    expect(d.train.classNames?.[9]).toBe('Ankle boot');
  });

  it('fails on a label out of range, naming the file', async () => {
    const dir = makeDir('badlabel', true, [3, 11, 4]);
    await expect(loadMnist({ dir })).rejects.toThrow(/train-labels-idx1-ubyte\.gz: label 11 at index 1 is out of range/);
  });

  it('fails when images and labels disagree in count', async () => {
    const dir = makeDir('count', false);
    write(join(dir, 'train-labels-idx1-ubyte'), idxBytes(0x08, [2], [1, 2]));
    await expect(loadMnist({ dir })).rejects.toThrow(/has 3 images but .*train-labels-idx1-ubyte has 2 labels/);
  });

  it('fails on a truncated gzip file', async () => {
    const dir = makeDir('trunc', true);
    const file = join(dir, 't10k-images-idx3-ubyte.gz');
    const full = gz(idxBytes(0x08, [2, 2, 2], testPx));
    write(file, full.subarray(0, full.length - 6));
    await expect(loadMnist({ dir })).rejects.toThrow(/Cannot decompress .*t10k-images-idx3-ubyte\.gz/);
  });

  it('fails on a missing file, naming it', async () => {
    const dir = join(tmp.dir, 'empty');
    write(join(dir, 'README'), 'nothing here');
    await expect(loadMnist({ dir })).rejects.toThrow(/missing .*train-images-idx3-ubyte\.gz \(or uncompressed/);
  });

  it('verifies MD5SUMS entries and reports expected and actual hashes', async () => {
    const dir = makeDir('sums', true);
    const names = ['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz', 't10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz'];
    const { readFileSync } = await import('node:fs');
    const good = names.map((n) => `${md5(readFileSync(join(dir, n)))}  ./${n}`);
    write(join(dir, 'MD5SUMS'), good.join('\n') + '\n');
    const ok = await loadMnist({ dir });
    expect(ok.test.meta?.checksums).toEqual({
      [join(dir, 't10k-images-idx3-ubyte.gz')]: 'manifest',
      [join(dir, 't10k-labels-idx1-ubyte.gz')]: 'manifest',
    });
    const wrong = 'ffffffffffffffffffffffffffffffff';
    write(join(dir, 'MD5SUMS'), [good[0], good[1], `${wrong}  ./${names[2]}`, good[3]].join('\n'));
    const actual = md5(readFileSync(join(dir, names[2])));
    await expect(loadMnist({ dir })).rejects.toThrow(
      `Checksum mismatch for ${join(dir, names[2])}: expected MD5 ${wrong} from ${join(dir, 'MD5SUMS')}, got ${actual}.`,
    );
    // verify: false skips the check
    await expect(loadMnist({ dir, verify: false })).resolves.toBeDefined();
  });

  it('checks a full-size file with a canonical name against the published MD5', async () => {
    // A 60,000-label file has the canonical size (60,008 bytes) but not the canonical content.
    const dir = makeDir('canon', false);
    write(join(dir, 'train-labels-idx1-ubyte'), idxBytes(0x08, [60000], new Uint8Array(60000)));
    await expect(loadMnist({ dir })).rejects.toThrow(/Checksum mismatch .*train-labels-idx1-ubyte: expected MD5 a25bea736e30d166cdddb491f175f624 .*published mnist/);
  });
});
