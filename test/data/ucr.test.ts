import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadUcr, parseTs } from '../../src/data/ucr.js';
import { UserError } from '../../src/errors.js';
import { md5, tempDir, write } from './fixtures.js';

const UNIVARIATE = `# a comment
@problemName Toy
@timeStamps false
@missing false
@univariate true
@equalLength true
@seriesLength 3
@classLabel true a b c
@data
1,2,3:b
-0.5,0,1e-2:c

4.25,5,6:a
`;

const MULTI_TRAIN = `@problemName Multi
@timeStamps false
@missing true
@univariate false
@dimensions 2
@equalLength false
@classLabel true 1 2
@data
1,2,3:10,20,30:2
4,?:40,50:1
`;

const MULTI_TEST = MULTI_TRAIN.replace('@data\n1,2,3:10,20,30:2\n4,?:40,50:1\n', '@data\n7,8,9,10:70,80,90,100:1\n');

describe('parseTs', () => {
  it('reads a univariate file exactly, labels indexed by @classLabel order', () => {
    const f = parseTs(UNIVARIATE, 'toy.ts');
    expect(f.problemName).toBe('Toy');
    expect(f.dimensions).toBe(1);
    expect(f.classLabels).toEqual(['a', 'b', 'c']);
    expect(f.cases.map((c) => c.label)).toEqual([1, 2, 0]);
    expect(f.cases.map((c) => Array.from(c.series[0]))).toEqual([[1, 2, 3], [-0.5, 0, Math.fround(0.01)], [4.25, 5, 6]]);
  });

  it('reads multivariate, variable-length cases with missing values as NaN', () => {
    const f = parseTs(MULTI_TRAIN, 'm.ts');
    expect(f.dimensions).toBe(2);
    expect(f.cases[0].series.map((s) => Array.from(s))).toEqual([[1, 2, 3], [10, 20, 30]]);
    expect(Number.isNaN(f.cases[1].series[0][1])).toBe(true);
    expect(f.cases.map((c) => c.label)).toEqual([1, 0]);
  });

  it('names the file and line of each problem', () => {
    const bad = (text: string) => () => parseTs(text, 'bad.ts');
    expect(bad(UNIVARIATE.replace('4.25,5,6:a', '4.25,5,6:z'))).toThrow(/bad\.ts:13: class label 'z' is not in @classLabel \(a b c\)/);
    expect(bad(UNIVARIATE.replace('1,2,3:b', '1,x,3:b'))).toThrow(/bad\.ts:10: value 2 of dimension 1 is not a number: 'x'/);
    expect(bad(UNIVARIATE.replace('1,2,3:b', '1,2:b'))).toThrow(/bad\.ts:10: series has 2 values but @seriesLength is 3/);
    expect(bad(UNIVARIATE.replace('1,2,3:b', '1,?,3:b'))).toThrow(/missing value .* @missing false/);
    expect(bad(UNIVARIATE.replace('1,2,3:b', '1,2,3:4,5,6:b'))).toThrow(/case has 2 dimensions, expected 1/);
    expect(bad(MULTI_TRAIN.replace('1,2,3:10,20,30:2', '1,2,3:10,20:2'))).toThrow(/dimension 2 has 2 values but dimension 1 has 3/);
    expect(bad(UNIVARIATE.replace('@timeStamps false', '@timeStamps true'))).toThrow(/@timeStamps true is not supported/);
    expect(bad(UNIVARIATE.replace('@classLabel true a b c', '@classLabel false'))).toThrow(/only classification problems/);
    expect(bad(UNIVARIATE.replace('@data\n', ''))).toThrow(UserError);
    expect(bad('@problemName X\n@classLabel true a\n@data\n')).toThrow(/bad\.ts: no cases after @data/);
    expect(bad('@problemName X\n@classLabel true a\n')).toThrow(/no @data line/);
    expect(bad('@problemName X\n@colour blue\n')).toThrow(/unknown header keyword @colour/);
  });
});

describe('loadUcr', () => {
  const tmp = tempDir('ucr');
  afterAll(tmp.cleanup);
  const root = join(tmp.dir, 'ucr-uea');
  write(join(root, 'Toy/Toy_TRAIN.ts'), UNIVARIATE);
  write(join(root, 'Toy/Toy_TEST.ts'), UNIVARIATE.replace('1,2,3:b\n', ''));
  write(join(root, 'Multi/Multi_TRAIN.ts'), MULTI_TRAIN);
  write(join(root, 'Multi/Multi_TEST.ts'), MULTI_TEST);

  it('packs [time, dims] samples, zero-padding to the longest series of train + test', async () => {
    const d = await loadUcr({ dir: root, problem: 'Multi' });
    expect(d.train.sampleShape).toEqual([4, 2]);
    expect(d.test.sampleShape).toEqual([4, 2]);
    // case 0: (1,10) (2,20) (3,30) then padding; case 1: (4,40) (missing->0, 50) then padding
    expect(Array.from(d.train.x)).toEqual([1, 10, 2, 20, 3, 30, 0, 0, 4, 40, 0, 50, 0, 0, 0, 0]);
    expect(Array.from(d.train.y)).toEqual([1, 0]);
    expect(Array.from(d.test.x)).toEqual([7, 70, 8, 80, 9, 90, 10, 100]);
    expect(d.train.numClasses).toBe(2);
    expect(d.train.classNames).toEqual(['1', '2']);
    expect(d.train.meta).toMatchObject({ maxLength: 4, minLength: 2, paddedCases: 2, missingValuesSetToZero: 1 });
  });

  it('applies limit and accepts the problem folder itself as dir', async () => {
    const d = await loadUcr({ dir: join(root, 'Toy'), problem: 'Toy', limit: { train: 1 } });
    expect(d.train.length).toBe(1);
    expect(Array.from(d.train.x)).toEqual([1, 2, 3]);
    expect(d.test.length).toBe(2);
  });

  it('verifies a parent-folder MD5SUMS that lists <folder>/<Name>/<file>', async () => {
    write(join(tmp.dir, 'MD5SUMS'), `${md5(MULTI_TRAIN)}  ./ucr-uea/Multi/Multi_TRAIN.ts\n${'f'.repeat(32)}  ./ucr-uea/Multi/Multi_TEST.ts\n`);
    await expect(loadUcr({ dir: root, problem: 'Multi' })).rejects.toThrow(
      `Checksum mismatch for ${join(root, 'Multi/Multi_TEST.ts')}: expected MD5 ${'f'.repeat(32)} from ${join(tmp.dir, 'MD5SUMS')}, got ${md5(MULTI_TEST)}.`,
    );
    write(join(tmp.dir, 'MD5SUMS'), `${md5(MULTI_TRAIN)}  ./ucr-uea/Multi/Multi_TRAIN.ts\n`);
    const d = await loadUcr({ dir: root, problem: 'Multi' });
    expect(Object.values(d.train.meta?.checksums as object)).toEqual(['manifest', 'none']);
  });

  it('asks for a problem name and lists the available ones', async () => {
    await expect(loadUcr({ dir: root })).rejects.toThrow(/needs a problem name/);
    try {
      await loadUcr({ dir: root, problem: 'Nope' });
      expect.unreachable();
    } catch (e) {
      expect((e as UserError).message).toMatch(/missing .*Nope_TRAIN\.ts for problem 'Nope'/);
      expect((e as UserError).hint).toBe(`Problems in ${root}: Multi, Toy.`);
    }
  });

  it('rejects TRAIN and TEST files with different class labels', async () => {
    write(join(root, 'Odd/Odd_TRAIN.ts'), UNIVARIATE);
    write(join(root, 'Odd/Odd_TEST.ts'), UNIVARIATE.replace('@classLabel true a b c', '@classLabel true c b a'));
    await expect(loadUcr({ dir: root, problem: 'Odd' })).rejects.toThrow(/@classLabel differs between/);
  });
});
