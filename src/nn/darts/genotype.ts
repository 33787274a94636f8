/**
 * The DARTS search space (Liu, Simonyan & Yang, "DARTS: Differentiable Architecture Search",
 * ICLR 2019): eight primitive operations, cells of two inputs and `steps` intermediate nodes, and
 * genotypes (the discrete architectures) as lists of (operation, input) pairs, two per node.
 *
 * The primitive list and the genotype format follow the original repositories' `genotypes.py`
 * (github.com/quark0/darts cnn/genotypes.py; github.com/chenxin061/pdarts genotypes.py).
 */
import type { Rng } from '../../engine/rng.js';
import { UserError } from '../../errors.js';

/** The eight DARTS primitives, in the order of the repositories' PRIMITIVES list. */
export const PRIMITIVES = [
  'none',
  'max_pool_3x3',
  'avg_pool_3x3',
  'skip_connect',
  'sep_conv_3x3',
  'sep_conv_5x5',
  'dil_conv_3x3',
  'dil_conv_5x5',
] as const;

export type Primitive = (typeof PRIMITIVES)[number];

/** One incoming edge of a node: the operation and the index of the state it reads (0, 1: cell inputs; 2..: nodes). */
export type OpInput = [Primitive, number];

/**
 * A discrete DARTS architecture. `normal[2j]` and `normal[2j + 1]` feed intermediate node j (state
 * j + 2), which is their sum; the cell output concatenates the states in `normalConcat` along
 * channels. Likewise for the reduction cell.
 */
export interface Genotype {
  normal: OpInput[];
  normalConcat: number[];
  reduce: OpInput[];
  reduceConcat: number[];
}

/** Intermediate nodes per cell in DARTS (and in every published genotype). */
export const DARTS_STEPS = 4;

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

/**
 * DARTS (first order), CIFAR-10. Source: chenxin061/pdarts genotypes.py `DARTS_V1`, identical to
 * quark0/darts cnn/genotypes.py `DARTS_V1`.
 */
export const DARTS_V1: Genotype = {
  normal: [['sep_conv_3x3', 1], ['sep_conv_3x3', 0], ['skip_connect', 0], ['sep_conv_3x3', 1], ['skip_connect', 0], ['sep_conv_3x3', 1], ['sep_conv_3x3', 0], ['skip_connect', 2]],
  normalConcat: [2, 3, 4, 5],
  reduce: [['max_pool_3x3', 0], ['max_pool_3x3', 1], ['skip_connect', 2], ['max_pool_3x3', 0], ['max_pool_3x3', 0], ['skip_connect', 2], ['skip_connect', 2], ['avg_pool_3x3', 0]],
  reduceConcat: [2, 3, 4, 5],
};

/**
 * DARTS (second order), CIFAR-10; the repository's `DARTS`. Source: chenxin061/pdarts genotypes.py
 * `DARTS_V2`, identical to quark0/darts cnn/genotypes.py `DARTS_V2`.
 */
export const DARTS_V2: Genotype = {
  normal: [['sep_conv_3x3', 0], ['sep_conv_3x3', 1], ['sep_conv_3x3', 0], ['sep_conv_3x3', 1], ['sep_conv_3x3', 1], ['skip_connect', 0], ['skip_connect', 0], ['dil_conv_3x3', 2]],
  normalConcat: [2, 3, 4, 5],
  reduce: [['max_pool_3x3', 0], ['max_pool_3x3', 1], ['skip_connect', 2], ['max_pool_3x3', 1], ['max_pool_3x3', 0], ['skip_connect', 2], ['skip_connect', 2], ['max_pool_3x3', 1]],
  reduceConcat: [2, 3, 4, 5],
};

/**
 * Progressive DARTS (Chen, Xie, Wu & Tian, ICCV 2019), CIFAR-10. Source: chenxin061/pdarts
 * genotypes.py `PDARTS` (concat `range(2, 6)`).
 */
export const PDARTS: Genotype = {
  normal: [['skip_connect', 0], ['dil_conv_3x3', 1], ['skip_connect', 0], ['sep_conv_3x3', 1], ['sep_conv_3x3', 1], ['sep_conv_3x3', 3], ['sep_conv_3x3', 0], ['dil_conv_5x5', 4]],
  normalConcat: range(2, 6),
  reduce: [['avg_pool_3x3', 0], ['sep_conv_5x5', 1], ['sep_conv_3x3', 0], ['dil_conv_5x5', 2], ['max_pool_3x3', 0], ['dil_conv_3x3', 1], ['dil_conv_3x3', 1], ['dil_conv_5x5', 3]],
  reduceConcat: range(2, 6),
};

/** The published genotypes by name. */
export const GENOTYPES: Readonly<Record<string, Genotype>> = { DARTS_V1, DARTS_V2, PDARTS };

/** Number of intermediate nodes of a genotype (half its pairs per cell). */
export function genotypeSteps(g: Genotype): number {
  return g.normal.length / 2;
}

function bad(what: string, problem: string, hint: string): UserError {
  return new UserError(`${what}: ${problem}`, hint);
}

const GENOTYPE_HINT = `a genotype is a name (${Object.keys(GENOTYPES).join(', ')}), a string as printed by DARTS' genotypes.py ("Genotype(normal=[('sep_conv_3x3', 1), ...], normal_concat=[2, 3, 4, 5], reduce=[...], reduce_concat=[2, 3, 4, 5])"), or an object {normal: [[op, input], ...], normalConcat, reduce, reduceConcat}`;

function parsePairs(raw: unknown, what: string, key: string): OpInput[] {
  if (!Array.isArray(raw) || raw.length === 0 || raw.length % 2 !== 0) {
    throw bad(what, `'${key}' must be a non-empty list of (operation, input) pairs, two per node, got ${JSON.stringify(raw)}`, GENOTYPE_HINT);
  }
  return raw.map((pair, k) => {
    const node = Math.floor(k / 2);
    if (!Array.isArray(pair) || pair.length !== 2) throw bad(what, `${key}[${k}] must be a pair [operation, input], got ${JSON.stringify(pair)}`, GENOTYPE_HINT);
    const [op, input] = pair as unknown[];
    if (typeof op !== 'string' || !(PRIMITIVES as readonly string[]).includes(op)) {
      throw bad(what, `${key}[${k}] has unknown operation ${JSON.stringify(op)}`, `the DARTS primitives are ${PRIMITIVES.join(', ')}`);
    }
    // node j (state j + 2) may read the two cell inputs and the nodes before it: states 0 .. j + 1
    if (typeof input !== 'number' || !Number.isInteger(input) || input < 0 || input > node + 1) {
      throw bad(
        what,
        `${key}[${k}] (node ${node + 2}) reads input ${JSON.stringify(input)}, but node ${node + 2} can only read states 0..${node + 1}`,
        'states 0 and 1 are the two cell inputs, 2.. the intermediate nodes; a node reads only states before it',
      );
    }
    return [op as Primitive, input];
  });
}

function parseConcat(raw: unknown, steps: number, what: string, key: string): number[] {
  if (raw === undefined) return range(2, steps + 2);
  if (!Array.isArray(raw) || raw.length === 0 || !raw.every((s) => Number.isInteger(s) && s >= 0 && s < steps + 2) || new Set(raw).size !== raw.length) {
    throw bad(what, `'${key}' must be a non-empty list of distinct states in 0..${steps + 1}, got ${JSON.stringify(raw)}`, `DARTS concatenates the intermediate nodes: [${range(2, steps + 2).join(', ')}]`);
  }
  return [...(raw as number[])];
}

/** The text form of DARTS' genotypes.py (a Python namedtuple repr) as a JSON object string. */
function pythonToJson(text: string): string {
  return `{${text
    .trim()
    .replace(/^Genotype\s*\(/, '')
    .replace(/\)\s*$/, '')
    .replace(/range\(\s*(\d+)\s*,\s*(\d+)\s*\)/g, (_, a: string, b: string) => JSON.stringify(range(Number(a), Number(b))))
    .replace(/(\w+)\s*=/g, '"$1":')
    .replace(/\(/g, '[')
    .replace(/\)/g, ']')
    .replace(/'/g, '"')
    .replace(/,\s*([\]}])/g, '$1')}}`;
}

/**
 * Reads and validates a genotype: a published name, DARTS' text form, or an object (camelCase or the
 * repositories' snake_case concat keys). Unknown operations, inputs a node cannot read, unequal cell
 * sizes and bad concat lists are `UserError`s. `what` names the genotype in messages.
 */
export function parseGenotype(raw: unknown, what = 'genotype'): Genotype {
  if (typeof raw === 'string') {
    const named = Object.hasOwn(GENOTYPES, raw) ? GENOTYPES[raw] : undefined;
    if (named) return cloneGenotype(named);
    if (!/^\s*Genotype\s*\(/.test(raw)) throw bad(what, `unknown genotype name ${JSON.stringify(raw)}`, GENOTYPE_HINT);
    let obj: unknown;
    try {
      obj = JSON.parse(pythonToJson(raw));
    } catch {
      throw bad(what, `cannot read ${JSON.stringify(raw.slice(0, 80))}`, GENOTYPE_HINT);
    }
    return parseGenotype(obj, what);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw bad(what, `expected a genotype, got ${JSON.stringify(raw)}`, GENOTYPE_HINT);
  const o = raw as Record<string, unknown>;
  const known = new Set(['normal', 'normalConcat', 'normal_concat', 'reduce', 'reduceConcat', 'reduce_concat']);
  const extra = Object.keys(o).filter((k) => !known.has(k));
  if (extra.length > 0) throw bad(what, `unknown key(s) ${extra.join(', ')}`, GENOTYPE_HINT);
  const normal = parsePairs(o.normal, what, 'normal');
  const reduce = parsePairs(o.reduce, what, 'reduce');
  if (normal.length !== reduce.length) {
    throw bad(what, `the normal cell has ${normal.length / 2} nodes and the reduction cell ${reduce.length / 2}`, 'both cells have the same number of intermediate nodes (4 in DARTS)');
  }
  const steps = normal.length / 2;
  return {
    normal,
    normalConcat: parseConcat(o.normalConcat ?? o.normal_concat, steps, what, 'normalConcat'),
    reduce,
    reduceConcat: parseConcat(o.reduceConcat ?? o.reduce_concat, steps, what, 'reduceConcat'),
  };
}

export function cloneGenotype(g: Genotype): Genotype {
  return {
    normal: g.normal.map(([op, i]) => [op, i]),
    normalConcat: [...g.normalConcat],
    reduce: g.reduce.map(([op, i]) => [op, i]),
    reduceConcat: [...g.reduceConcat],
  };
}

/** DARTS' text form, e.g. `Genotype(normal=[('sep_conv_3x3', 1), ...], normal_concat=[2, 3, 4, 5], ...)`. */
export function genotypeToString(g: Genotype): string {
  const pairs = (l: OpInput[]) => `[${l.map(([op, i]) => `('${op}', ${i})`).join(', ')}]`;
  return `Genotype(normal=${pairs(g.normal)}, normal_concat=[${g.normalConcat.join(', ')}], reduce=${pairs(g.reduce)}, reduce_concat=[${g.reduceConcat.join(', ')}])`;
}

/**
 * A random architecture under DARTS' derivation rule (Liu et al. 2019, Sec. 2.4): each node keeps
 * two edges from distinct earlier states, each with an operation other than 'none'; concat of all
 * intermediate nodes. Every such genotype can be selected on the hypernetwork (one switch per edge).
 */
export function randomGenotype(rng: Rng, steps = DARTS_STEPS): Genotype {
  const ops = PRIMITIVES.filter((p) => p !== 'none');
  const cell = (r: Rng): OpInput[] => {
    const pairs: OpInput[] = [];
    for (let j = 0; j < steps; j++) {
      const a = r.int(j + 2);
      let b = r.int(j + 1);
      if (b >= a) b += 1; // a second, distinct input
      pairs.push([ops[r.int(ops.length)], a], [ops[r.int(ops.length)], b]);
    }
    return pairs;
  };
  return { normal: cell(rng.fork('normal')), normalConcat: range(2, steps + 2), reduce: cell(rng.fork('reduce')), reduceConcat: range(2, steps + 2) };
}

/** Edges of a DARTS cell with `steps` nodes: node j (state j + 2) has one edge from each state 0..j + 1. */
export function cellEdges(steps = DARTS_STEPS): { from: number; to: number }[] {
  const out: { from: number; to: number }[] = [];
  for (let j = 0; j < steps; j++) for (let i = 0; i < j + 2; i++) out.push({ from: i, to: j + 2 });
  return out;
}

function binomial(n: number, k: number): bigint {
  let r = 1n;
  for (let i = 0; i < k; i++) r = (r * BigInt(n - i)) / BigInt(i + 1);
  return r;
}

export interface SearchSpaceOptions {
  /** Intermediate nodes per cell; default 4. */
  steps?: number;
  /** Primitives per edge, 'none' included; default 8. */
  numOps?: number;
  /** Cell types with their own architecture (normal, reduction); default 2. */
  cellTypes?: number;
  /** Incoming edges a node keeps under DARTS' derivation rule; default 2. */
  inputsPerNode?: number;
}

export interface SearchSpaceSize {
  /** Edges per cell: sum over nodes j = 0..steps-1 of (j + 2) = steps (steps + 3) / 2; 14 for 4 nodes. */
  edgesPerCell: number;
  /**
   * Switch configurations of the hypernetwork: every primitive on every edge of every cell type and
   * one switch per edge, numOps^(edgesPerCell * cellTypes) (8^28 for DARTS).
   */
  switchConfigurations: bigint;
  /**
   * Distinct genotypes under DARTS' derivation rule: per node, `inputsPerNode` distinct earlier states,
   * each with one of the numOps - 1 operations other than 'none' (the pair order does not matter: the
   * node sums), so per cell prod_j C(j + 2, k) (numOps - 1)^k, raised to the number of cell types.
   */
  dartsGenotypes: bigint;
}

/** Size of the DARTS search space, by formula (see `SearchSpaceSize` for both counts). */
export function searchSpaceSize(opts: SearchSpaceOptions = {}): SearchSpaceSize {
  const steps = opts.steps ?? DARTS_STEPS;
  const numOps = opts.numOps ?? PRIMITIVES.length;
  const cellTypes = opts.cellTypes ?? 2;
  const k = opts.inputsPerNode ?? 2;
  for (const [key, v, min] of [['steps', steps, 1], ['numOps', numOps, 2], ['cellTypes', cellTypes, 1], ['inputsPerNode', k, 1]] as const) {
    if (!Number.isInteger(v) || v < min) throw new UserError(`searchSpaceSize: '${key}' must be an integer >= ${min}, got ${v}`, 'DARTS: steps 4, numOps 8, cellTypes 2, inputsPerNode 2');
  }
  const edgesPerCell = (steps * (steps + 3)) / 2;
  let perCell = 1n;
  for (let j = 0; j < steps; j++) perCell *= binomial(j + 2, k) * BigInt(numOps - 1) ** BigInt(k);
  return {
    edgesPerCell,
    switchConfigurations: BigInt(numOps) ** BigInt(edgesPerCell * cellTypes),
    dartsGenotypes: perCell ** BigInt(cellTypes),
  };
}
