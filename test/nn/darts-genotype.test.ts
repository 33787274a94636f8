import { beforeAll, describe, expect, it } from 'vitest';
import { Rng, initEngine } from '../../src/engine/index.js';
import { UserError } from '../../src/errors.js';
import {
  DARTS_V1,
  DARTS_V2,
  DartsHyperCell,
  type Genotype,
  PDARTS,
  PRIMITIVES,
  cellEdges,
  genotypeToString,
  parseGenotype,
  randomGenotype,
  searchSpaceSize,
  switchesFromGenotype,
} from '../../src/nn/index.js';

beforeAll(async () => {
  await initEngine('wasm');
});

// The table of /work/shared/PAPERS.md section 3 (from chenxin061/pdarts genotypes.py), transcribed.
const SHORT: Record<string, string> = { sep3: 'sep_conv_3x3', sep5: 'sep_conv_5x5', dil3: 'dil_conv_3x3', dil5: 'dil_conv_5x5', max: 'max_pool_3x3', avg: 'avg_pool_3x3', skip: 'skip_connect' };
const expand = (row: string) => row.split(', ').map((s) => [SHORT[s.split(' ')[0]], Number(s.split(' ')[1])]);
const TABLE: Record<string, [string, string]> = {
  DARTS_V1: ['sep3 1, sep3 0, skip 0, sep3 1, skip 0, sep3 1, sep3 0, skip 2', 'max 0, max 1, skip 2, max 0, max 0, skip 2, skip 2, avg 0'],
  DARTS_V2: ['sep3 0, sep3 1, sep3 0, sep3 1, sep3 1, skip 0, skip 0, dil3 2', 'max 0, max 1, skip 2, max 1, max 0, skip 2, skip 2, max 1'],
  PDARTS: ['skip 0, dil3 1, skip 0, sep3 1, sep3 1, sep3 3, sep3 0, dil5 4', 'avg 0, sep5 1, sep3 0, dil5 2, max 0, dil3 1, dil3 1, dil5 3'],
};

describe('published genotypes', () => {
  it('match the table in PAPERS.md, concat nodes 2..5', () => {
    const got: Record<string, Genotype> = { DARTS_V1, DARTS_V2, PDARTS };
    for (const [name, [normal, reduce]] of Object.entries(TABLE)) {
      expect(got[name].normal, name).toEqual(expand(normal));
      expect(got[name].reduce, name).toEqual(expand(reduce));
      expect(got[name].normalConcat).toEqual([2, 3, 4, 5]);
      expect(got[name].reduceConcat).toEqual([2, 3, 4, 5]);
    }
  });

  it('parse from their names and from the repositories\' text form', () => {
    expect(parseGenotype('PDARTS')).toEqual(PDARTS);
    // chenxin061/pdarts genotypes.py, PDARTS line (uses range(2, 6) and no space after a comma once)
    const text =
      "Genotype(normal=[('skip_connect', 0), ('dil_conv_3x3', 1), ('skip_connect', 0),('sep_conv_3x3', 1), ('sep_conv_3x3', 1), ('sep_conv_3x3', 3), ('sep_conv_3x3',0), ('dil_conv_5x5', 4)], normal_concat=range(2, 6), reduce=[('avg_pool_3x3', 0), ('sep_conv_5x5', 1), ('sep_conv_3x3', 0), ('dil_conv_5x5', 2), ('max_pool_3x3', 0), ('dil_conv_3x3', 1), ('dil_conv_3x3', 1), ('dil_conv_5x5', 3)], reduce_concat=range(2, 6))";
    expect(parseGenotype(text)).toEqual(PDARTS);
    for (const g of [DARTS_V1, DARTS_V2, PDARTS]) expect(parseGenotype(genotypeToString(g))).toEqual(g);
    expect(parseGenotype({ normal: DARTS_V2.normal, normal_concat: [2, 3, 4, 5], reduce: DARTS_V2.reduce })).toEqual(DARTS_V2);
  });
});

describe('genotype validation', () => {
  const base = () => ({ normal: DARTS_V2.normal.map((p) => [...p]), reduce: DARTS_V2.reduce.map((p) => [...p]) }) as { normal: unknown[][]; reduce: unknown[][] };
  const fails = (raw: unknown, pattern: RegExp) => {
    let err: unknown;
    try {
      parseGenotype(raw);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toMatch(pattern);
  };

  it('rejects unknown operations, naming them', () => {
    const g = base();
    g.normal[3][0] = 'sep_conv_7x7';
    fails(g, /unknown operation "sep_conv_7x7"/);
  });

  it('rejects inputs a node cannot read', () => {
    const g = base();
    g.normal[1][1] = 2; // node 2 reads only states 0 and 1
    fails(g, /\(node 2\) reads input 2/);
    const h = base();
    h.reduce[7][1] = 6;
    fails(h, /node 5/);
    const k = base();
    k.normal[0][1] = -1;
    fails(k, /input -1/);
  });

  it('rejects odd pair counts, unequal cells, bad concat, unknown names and keys', () => {
    const g = base();
    g.normal.pop();
    fails(g, /two per node/);
    const h = base();
    h.reduce.splice(6, 2);
    fails(h, /normal cell has 4 nodes and the reduction cell 3/);
    fails({ ...base(), normalConcat: [2, 2] }, /normalConcat/);
    fails({ ...base(), reduceConcat: [2, 6] }, /reduceConcat/);
    fails('DARTS_V3', /unknown genotype name/);
    fails({ ...base(), concat: [2] }, /unknown key/);
    fails("Genotype(normal=[('sep_conv_3x3', 1)", /cannot read|two per node/);
  });
});

describe('search space size', () => {
  it('8 primitives on each of 14 edges of 2 cells: 8^28 switch configurations, about 2 x 10^25', () => {
    const s = searchSpaceSize();
    expect(s.edgesPerCell).toBe(cellEdges().length);
    expect(cellEdges().length).toBe(2 + 3 + 4 + 5);
    expect(s.switchConfigurations).toBe(2n ** 84n);
    const approx = Number(s.switchConfigurations);
    expect(approx).toBeGreaterThan(1.8e25);
    expect(approx).toBeLessThan(2.0e25);
  });

  it('the hypernetwork cells built have that many switch configurations', () => {
    const count = (reduction: boolean) => {
      const cell = new DartsHyperCell(reduction ? 'hr' : 'hn', { C: 2, reduction, reductionPrev: false, prevPrevChannels: 2 });
      const n = cell.edges().reduce((acc, e) => acc * BigInt(e.ops.size), 1n);
      cell.dispose();
      return n;
    };
    expect(count(false) * count(true)).toBe(searchSpaceSize().switchConfigurations);
  });

  it('DARTS-rule genotype count equals brute-force enumeration on small spaces', () => {
    // enumerate every list of (op, input) pairs, keep DARTS' rule (distinct inputs per node, no op 0 = 'none'),
    // identify the two orders of a node's pairs, count distinct cells
    const brute = (steps: number, numOps: number) => {
      const seen = new Set<string>();
      const rec = (j: number, acc: string[]) => {
        if (j === steps) {
          seen.add(acc.join('|'));
          return;
        }
        for (let a = 0; a < j + 2; a++)
          for (let b = 0; b < j + 2; b++)
            for (let oa = 0; oa < numOps; oa++)
              for (let ob = 0; ob < numOps; ob++) {
                if (a === b || oa === 0 || ob === 0) continue;
                const node = [`${oa}@${a}`, `${ob}@${b}`].sort().join('+');
                rec(j + 1, [...acc, node]);
              }
      };
      rec(0, []);
      return BigInt(seen.size);
    };
    for (const [steps, numOps] of [[2, 3], [3, 3], [2, 5], [3, 4]]) {
      const cell = brute(steps, numOps);
      expect(searchSpaceSize({ steps, numOps, cellTypes: 1 }).dartsGenotypes, `${steps} steps, ${numOps} ops`).toBe(cell);
      expect(searchSpaceSize({ steps, numOps, cellTypes: 2 }).dartsGenotypes).toBe(cell * cell);
    }
  });

  it('rejects nonsense sizes', () => {
    expect(() => searchSpaceSize({ steps: 0 })).toThrow(UserError);
    expect(() => searchSpaceSize({ numOps: 1.5 })).toThrow(UserError);
  });
});

describe('random genotypes and switch compilation', () => {
  it('randomGenotype is reproducible, valid, follows DARTS\' rule and compiles to switches', () => {
    const a = randomGenotype(new Rng(11));
    expect(randomGenotype(new Rng(11))).toEqual(a);
    expect(randomGenotype(new Rng(12))).not.toEqual(a);
    for (let seed = 0; seed < 50; seed++) {
      const g = randomGenotype(new Rng(seed));
      expect(parseGenotype(g)).toEqual(g);
      for (const cell of [g.normal, g.reduce]) {
        for (let k = 0; k < cell.length; k += 2) expect(cell[k][1]).not.toBe(cell[k + 1][1]);
        expect(cell.every(([op]) => op !== 'none')).toBe(true);
      }
      const sw = switchesFromGenotype(g);
      expect(sw.normal.filter((p) => p !== 'none').length).toBe(8);
    }
  });

  it('switches put each pair\'s primitive on its edge and \'none\' elsewhere', () => {
    const sw = switchesFromGenotype(DARTS_V2);
    const edges = cellEdges();
    expect(sw.normal).toHaveLength(14);
    DARTS_V2.normal.forEach(([op, from], k) => {
      const e = edges.findIndex((q) => q.from === from && q.to === Math.floor(k / 2) + 2);
      expect(sw.normal[e]).toBe(op);
    });
    expect(sw.normal.filter((p) => p === 'none')).toHaveLength(6);
    expect(PRIMITIVES).toContain(sw.reduce[0]);
  });

  it('a node reading one state twice cannot be switched: UserError', () => {
    const g = parseGenotype({ ...DARTS_V2, normal: [['sep_conv_3x3', 0], ['skip_connect', 0], ...DARTS_V2.normal.slice(2)] });
    expect(() => switchesFromGenotype(g)).toThrow(/node 2 takes two operations from state 0/);
    const c = parseGenotype({ ...DARTS_V2, reduceConcat: [2, 3, 4] });
    expect(() => switchesFromGenotype(c)).toThrow(UserError);
  });
});
