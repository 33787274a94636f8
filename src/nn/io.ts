/**
 * Model files (docs/model-format.md): a directory with `model.json` (format name and version, the
 * ModelSpec, training metadata, and a table of weight entries) and `weights.bin` (float32,
 * little-endian, parameters one after another in spec order).
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { tf } from '../engine/index.js';
import { UserError } from '../errors.js';
import type { Layer, LayerSpec, Param } from './layer.js';
import { Sequential, type ModelSpec } from './model.js';
import { createLayer, createTransform } from './registry.js';

export const MODEL_FORMAT = 'xbarnet-model';
export const MODEL_FORMAT_VERSION = 1;
export const MODEL_JSON = 'model.json';
export const WEIGHTS_BIN = 'weights.bin';

export interface WeightEntry {
  /** 'layer/param', 'layer/param@kind0/transformParam', or 'layer/child/param' for composite layers. */
  name: string;
  shape: number[];
  /** Byte offset in weights.bin. */
  offset: number;
  /** Number of float32 values. */
  length: number;
}

export interface ModelFile {
  format: typeof MODEL_FORMAT;
  version: number;
  model: ModelSpec;
  /** Free-form training metadata (dataset, epochs, accuracy, seed, ...). */
  training: Record<string, unknown>;
  weights: { file: string; dtype: 'float32'; byteOrder: 'little-endian'; byteLength: number; sha256: string; entries: WeightEntry[] };
}

const dims = z.array(z.number().int().nonnegative());
const layerSpec: z.ZodType<LayerSpec> = z.lazy(() =>
  z.object({
    type: z.string().min(1),
    name: z.string().min(1),
    config: z.record(z.string(), z.unknown()),
    inputShape: dims,
    outputShape: dims,
    params: z.array(z.object({ name: z.string(), role: z.enum(['weight', 'bias', 'scale', 'shift', 'state', 'score']), shape: dims, trainable: z.boolean() })),
    transforms: z.array(z.object({ param: z.string(), kind: z.string(), config: z.record(z.string(), z.unknown()), params: z.array(z.string()) })),
    children: z.array(layerSpec).optional(),
  }),
);
const modelFileSchema = z.object({
  format: z.literal(MODEL_FORMAT),
  version: z.number().int(),
  model: z.object({
    name: z.string(),
    inputShape: dims,
    outputShape: dims,
    task: z.enum(['classification', 'segmentation']),
    numClasses: z.number().int().positive(),
    layers: z.array(layerSpec),
  }),
  training: z.record(z.string(), z.unknown()),
  weights: z.object({
    file: z.string(),
    dtype: z.literal('float32'),
    byteOrder: z.literal('little-endian'),
    byteLength: z.number().int().nonnegative(),
    sha256: z.string(),
    entries: z.array(z.object({ name: z.string(), shape: dims, offset: z.number().int().nonnegative(), length: z.number().int().nonnegative() })),
  }),
});

/** Every stored parameter of a layer with its file name, in `layer.params()` order: own, transforms', children's. */
function namedParams(layer: Layer, prefix = ''): { name: string; param: Param }[] {
  const base = `${prefix}${layer.name}/`;
  const out = layer.ownParameters().map((param) => ({ name: `${base}${param.name}`, param }));
  const seen = new Set<string>();
  for (const t of layer.spec().transforms) {
    if (seen.has(t.param)) continue;
    seen.add(t.param);
    layer.transforms(t.param).forEach((tr, i) => {
      for (const param of tr.params()) out.push({ name: `${base}${t.param}@${tr.kind}${i}/${param.name}`, param });
    });
  }
  for (const c of layer.children()) out.push(...namedParams(c, base));
  return out;
}

/** Every stored parameter of the model with its name in the weights table, in spec order. */
export function modelParamTable(model: Sequential): { name: string; param: Param }[] {
  return model.layers.flatMap((l) => namedParams(l));
}

/** Writes `dir/model.json` and `dir/weights.bin` (creating `dir`). Returns the two paths. */
export async function saveModel(model: Sequential, dir: string, training: Record<string, unknown> = {}): Promise<{ json: string; weights: string }> {
  const table = modelParamTable(model);
  const entries: WeightEntry[] = [];
  let offset = 0;
  for (const { name, param } of table) {
    entries.push({ name, shape: [...param.variable.shape], offset, length: param.variable.size });
    offset += 4 * param.variable.size;
  }
  const bytes = new Uint8Array(offset);
  const view = new DataView(bytes.buffer);
  for (let k = 0; k < table.length; k++) {
    const values = (await table[k].param.variable.data()) as Float32Array;
    const base = entries[k].offset;
    for (let i = 0; i < values.length; i++) view.setFloat32(base + 4 * i, values[i], true);
  }
  const file: ModelFile = {
    format: MODEL_FORMAT,
    version: MODEL_FORMAT_VERSION,
    model: model.spec(),
    training,
    weights: {
      file: WEIGHTS_BIN,
      dtype: 'float32',
      byteOrder: 'little-endian',
      byteLength: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      entries,
    },
  };
  await mkdir(dir, { recursive: true });
  const json = join(dir, MODEL_JSON);
  const weights = join(dir, WEIGHTS_BIN);
  await writeFile(weights, bytes);
  await writeFile(json, `${JSON.stringify(file, null, 1)}\n`);
  return { json, weights };
}

/** Reads and validates `dir/model.json` only (no weights): spec and training metadata. */
export async function readModelFile(dir: string): Promise<ModelFile> {
  const path = join(dir, MODEL_JSON);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new UserError(`cannot read model file ${path}: ${(e as Error).message}`, 'give the directory that saveModel / `xbarnet train` wrote');
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new UserError(`model file ${path} is not valid JSON: ${(e as Error).message}`, 'the file is corrupt; save the model again');
  }
  const r = raw as { format?: unknown; version?: unknown };
  if (r?.format !== MODEL_FORMAT) throw new UserError(`${path} is not an xbarnet model file (format ${JSON.stringify(r?.format)})`, `expected format '${MODEL_FORMAT}'`);
  if (r.version !== MODEL_FORMAT_VERSION) {
    throw new UserError(`${path} has model format version ${JSON.stringify(r.version)}; this xbarnet reads version ${MODEL_FORMAT_VERSION}`, 'save the model again with this version');
  }
  const parsed = modelFileSchema.safeParse(raw);
  if (!parsed.success) throw new UserError(`model file ${path} is malformed:\n${z.prettifyError(parsed.error)}`, 'the file is corrupt or was edited by hand; save the model again');
  return parsed.data as ModelFile;
}

function mismatch(path: string, what: string): UserError {
  return new UserError(`model file ${path} does not match the layers it describes: ${what}`, 'the file is corrupt or from an incompatible version; save the model again');
}

/** Restores saved transforms onto a built layer (and its children), checking their parameter names. */
function restoreTransforms(layer: Layer, spec: LayerSpec, path: string): void {
  for (const t of spec.transforms) {
    const tr = createTransform(t.kind, t.config, { layer, param: t.param });
    const names = tr.params().map((p) => p.name);
    if (names.join('\n') !== t.params.join('\n')) throw mismatch(path, `transform '${t.kind}' on ${layer.name}/${t.param} has params [${names}] not [${t.params}]`);
    layer.addTransform(t.param, tr);
  }
  const kids = layer.children();
  const specs = spec.children ?? [];
  if (kids.length !== specs.length) throw mismatch(path, `layer '${layer.name}' has ${kids.length} children, file lists ${specs.length}`);
  kids.forEach((c, i) => restoreTransforms(c, specs[i], path));
}

/** Checks built shapes and parameter shapes against the spec and sets the trainable flags it records. */
function checkLayer(layer: Layer, spec: LayerSpec, path: string): void {
  const same = (a: number[], b: number[]) => JSON.stringify(a) === JSON.stringify(b);
  if (layer.name !== spec.name) throw mismatch(path, `layer '${layer.name}' where the file has '${spec.name}'`);
  if (!same(layer.outputShape, spec.outputShape)) {
    throw mismatch(path, `layer '${spec.name}' builds output ${JSON.stringify(layer.outputShape)}, file says ${JSON.stringify(spec.outputShape)}`);
  }
  const own = layer.ownParameters();
  if (own.length !== spec.params.length) throw mismatch(path, `layer '${spec.name}' has ${own.length} parameters, file lists ${spec.params.length}`);
  spec.params.forEach((ps, i) => {
    const p = own[i];
    if (p.name !== ps.name || !same([...p.variable.shape], ps.shape)) {
      throw mismatch(path, `layer '${spec.name}' parameter ${p.name}${JSON.stringify(p.variable.shape)} vs file ${ps.name}${JSON.stringify(ps.shape)}`);
    }
    p.trainable = ps.trainable;
  });
  const kids = layer.children();
  kids.forEach((c, i) => checkLayer(c, (spec.children ?? [])[i], path));
}

/** Rebuilds a saved model through the layer registry and fills in its weights. */
export async function loadModel(dir: string): Promise<Sequential> {
  const file = await readModelFile(dir);
  const jsonPath = join(dir, MODEL_JSON);
  const weightsPath = join(dir, file.weights.file);
  let bytes: Buffer;
  try {
    bytes = await readFile(weightsPath);
  } catch (e) {
    throw new UserError(`cannot read weights ${weightsPath}: ${(e as Error).message}`, `model.json and ${file.weights.file} must be in the same directory`);
  }
  if (bytes.length !== file.weights.byteLength) {
    throw new UserError(`weights ${weightsPath} has ${bytes.length} bytes, model.json says ${file.weights.byteLength}`, 'the weights file is truncated or from another model; save the model again');
  }
  if (createHash('sha256').update(bytes).digest('hex') !== file.weights.sha256) {
    throw new UserError(`weights ${weightsPath} fail their checksum (sha256 in model.json)`, 'the weights file is corrupt or from another model; save the model again');
  }
  // Registers every layer type exported by nn/ (feed-forward and recurrent), and the compression
  // library's weight transforms and layers, before rebuilding (dynamic: compress/ builds on nn/).
  await import('./index.js');
  await import('../compress/index.js');

  const spec = file.model;
  const layers = spec.layers.map((ls) => createLayer(ls.type, ls.name, ls.config));
  let model: Sequential;
  try {
    model = new Sequential({ name: spec.name, inputShape: spec.inputShape, layers, seed: 0, numClasses: spec.numClasses, task: spec.task });
  } catch (e) {
    for (const l of layers) l.dispose();
    if (e instanceof UserError) throw e;
    throw mismatch(jsonPath, (e as Error).message);
  }
  try {
    spec.layers.forEach((ls, i) => {
      checkLayer(model.layers[i], ls, jsonPath);
      restoreTransforms(model.layers[i], ls, jsonPath);
    });
    if (JSON.stringify(model.outputShape) !== JSON.stringify(spec.outputShape)) {
      throw mismatch(jsonPath, `model output ${JSON.stringify(model.outputShape)} vs file ${JSON.stringify(spec.outputShape)}`);
    }
    const entries = new Map(file.weights.entries.map((e) => [e.name, e]));
    const table = modelParamTable(model);
    if (table.length !== entries.size) throw mismatch(jsonPath, `model has ${table.length} parameters, weights table lists ${entries.size}`);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (const { name, param } of table) {
      const e = entries.get(name);
      if (!e) throw mismatch(jsonPath, `no weights for parameter '${name}'`);
      const shape = [...param.variable.shape];
      if (JSON.stringify(e.shape) !== JSON.stringify(shape) || e.length !== param.variable.size) {
        throw mismatch(jsonPath, `weights for '${name}' have shape ${JSON.stringify(e.shape)}, the layer needs ${JSON.stringify(shape)}`);
      }
      if (e.offset + 4 * e.length > bytes.length) throw mismatch(jsonPath, `weights for '${name}' run past the end of ${file.weights.file}`);
      const values = new Float32Array(e.length);
      for (let i = 0; i < e.length; i++) values[i] = view.getFloat32(e.offset + 4 * i, true);
      const t = tf.tensor(values, shape, 'float32');
      param.variable.assign(t);
      t.dispose();
    }
  } catch (e) {
    model.dispose();
    throw e;
  }
  return model;
}
