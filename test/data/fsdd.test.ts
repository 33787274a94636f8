import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listFsdd, loadFsdd, splitFsdd } from '../../src/data/fsdd.js';
import { Mfcc } from '../../src/data/mfcc.js';
import { decodeWav } from '../../src/data/wav.js';
import { md5, tempDir, tone, wavBytes, write } from './fixtures.js';

const SPEAKERS = ['alice', 'bob'];
const INDICES = 7; // 0-4 are test in the standard split, 5-6 train

function recordingSeconds(index: number): number {
  return 0.12 + 0.03 * index;
}

describe('FSDD loader on synthetic recordings', () => {
  const tmp = tempDir('fsdd');
  const root = join(tmp.dir, 'fsdd');
  const rec = join(root, 'recordings');
  beforeAll(() => {
    for (const s of SPEAKERS) {
      for (let d = 0; d < 10; d++) {
        for (let i = 0; i < INDICES; i++) {
          const amp = s === 'alice' ? 9000 : 5000;
          write(join(rec, `${d}_${s}_${i}.wav`), wavBytes(tone(200 + 150 * d + 10 * i, recordingSeconds(i), 8000, amp)));
        }
      }
    }
  });
  afterAll(tmp.cleanup);

  it('lists recordings with labels parsed from the names', () => {
    const recs = listFsdd(rec);
    expect(recs.length).toBe(140);
    expect(recs[0]).toEqual({ file: join(rec, '0_alice_0.wav'), digit: 0, speaker: 'alice', index: 0 });
    expect(recs[139]).toMatchObject({ digit: 9, speaker: 'bob', index: 6 });
  });

  it('standard split: index 0-4 is test, ordered so that any prefix covers all digits', async () => {
    const d = await loadFsdd({ dir: root });
    expect(d.test.length).toBe(100);
    expect(d.train.length).toBe(40);
    expect(Array.from(d.test.y.subarray(0, 10))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const counts = new Array(10).fill(0);
    d.test.y.forEach((v) => counts[v]++);
    expect(counts).toEqual(new Array(10).fill(10));
    expect(d.train.sampleShape).toEqual([64, 13]);
    expect(d.train.x.length).toBe(40 * 64 * 13);
  });

  it('features equal the MFCCs of the decoded file, zero-padded to the fixed frame count', async () => {
    const d = await loadFsdd({ dir: root, normalize: 'none', limit: { train: 1, test: 1 } });
    // First test sample in standard order: index 0, speaker alice, digit 0.
    const audio = decodeWav(new Uint8Array(readFileSync(join(rec, '0_alice_0.wav'))), 'x');
    const ref = new Mfcc(8000).compute(audio.samples);
    const frames = 1 + Math.floor((Math.round(recordingSeconds(0) * 8000) - 200) / 80);
    expect(ref.frames).toBe(frames);
    expect(Array.from(d.test.x.subarray(0, frames * 13))).toEqual(Array.from(ref.data));
    expect(d.test.x.subarray(frames * 13, 64 * 13).every((v) => v === 0)).toBe(true);
    expect(d.test.x.subarray(0, frames * 13).some((v) => v !== 0)).toBe(true);
  });

  it('standardises with train statistics: train real frames have mean 0, std 1 per coefficient', async () => {
    const d = await loadFsdd({ dir: root, frames: 200 }); // long enough that nothing is trimmed
    const c = 13;
    const sum = new Float64Array(c);
    const sq = new Float64Array(c);
    let n = 0;
    for (let s = 0; s < d.train.length; s++) {
      // train order (index, speaker, digit): samples 0-19 have index 5, samples 20-39 index 6
      const frames = 1 + Math.floor((Math.round(recordingSeconds(s < 20 ? 5 : 6) * 8000) - 200) / 80);
      for (let t = 0; t < frames; t++) {
        for (let k = 0; k < c; k++) {
          const v = d.train.x[(s * 200 + t) * c + k];
          sum[k] += v;
          sq[k] += v * v;
        }
        n++;
      }
    }
    for (let k = 0; k < c; k++) {
      expect(sum[k] / n).toBeCloseTo(0, 4);
      expect(Math.sqrt(sq[k] / n)).toBeCloseTo(1, 3);
    }
    expect(d.train.meta?.recordingsTrimmed).toBe(0);
  });

  it('paper preset: 23x20 features scaled to [0, 1], seeded 70/30 split', async () => {
    const a = await loadFsdd({ dir: root, split: 'paper', shape: 'paper', seed: 3 });
    expect(a.train.sampleShape).toEqual([23, 20]);
    expect(a.train.length).toBe(98);
    expect(a.test.length).toBe(42);
    expect(a.test.x.every((v) => v >= 0 && v <= 1)).toBe(true);
    let mx = 0;
    a.train.x.forEach((v) => (mx = Math.max(mx, v)));
    expect(mx).toBe(1);
    const b = await loadFsdd({ dir: root, split: 'paper', shape: 'paper', seed: 3 });
    expect(b.train.x).toEqual(a.train.x);
    expect(b.test.y).toEqual(a.test.y);
  });

  it('paper split is a disjoint, complete, seed-dependent partition', () => {
    const recs = listFsdd(rec);
    const s1 = splitFsdd(recs, 'paper', 1);
    const s1b = splitFsdd(recs, 'paper', 1);
    const s2 = splitFsdd(recs, 'paper', 2);
    const files = (xs: { file: string }[]) => xs.map((r) => r.file);
    expect(files(s1.train)).toEqual(files(s1b.train));
    expect(files(s1.train)).not.toEqual(files(s2.train));
    const all = new Set([...files(s1.train), ...files(s1.test)]);
    expect(all.size).toBe(140);
    expect(s1.train.length).toBe(98);
    // For the full dataset (3,000 recordings) the proportions give 2,100 / 900.
    const fake = Array.from({ length: 3000 }, (_, i) => ({ file: String(i), digit: i % 10, speaker: 's', index: i }));
    const big = splitFsdd(fake, 'paper', 0);
    expect([big.train.length, big.test.length]).toEqual([2100, 900]);
  });

  it('verifies MD5SUMS and rejects badly named files and unknown options', async () => {
    const name = '3_bob_2.wav';
    write(join(root, 'MD5SUMS'), `${md5(readFileSync(join(rec, name)))}  ./recordings/${name}\n`);
    const ok = await loadFsdd({ dir: root });
    expect(ok.train.meta?.filesVerified).toBe(1);
    write(join(root, 'MD5SUMS'), `0123456789abcdef0123456789abcdef  ./recordings/${name}\n`);
    await expect(loadFsdd({ dir: root })).rejects.toThrow(/Checksum mismatch for .*3_bob_2\.wav: expected MD5 0123456789abcdef0123456789abcdef/);
    await expect(loadFsdd({ dir: root, split: 'random' as never })).rejects.toThrow(/Dataset 'fsdd' has no split 'random'/);

    const bad = join(tmp.dir, 'bad');
    write(join(bad, 'seven.wav'), wavBytes([0, 1, 2]));
    await expect(loadFsdd({ dir: bad })).rejects.toThrow(/seven\.wav is not named \{digit\}_\{speaker\}_\{index\}\.wav/);
    const empty = join(tmp.dir, 'empty');
    write(join(empty, 'notes.txt'), '');
    await expect(loadFsdd({ dir: empty })).rejects.toThrow(/no \.wav recordings in/);
  });
});
