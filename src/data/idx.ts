/**
 * IDX files (the MNIST format, yann.lecun.com/exdb/mnist): a 4-byte magic number
 * (0x00 0x00 <type code> <number of dimensions>), one big-endian uint32 per dimension, then the
 * values in row-major order, big-endian. Type codes: 0x08 uint8, 0x09 int8, 0x0B int16,
 * 0x0C int32, 0x0D float32, 0x0E float64.
 */
import { UserError } from '../errors.js';

export type IdxDtype = 'uint8' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64';

const DTYPES: Record<number, { dtype: IdxDtype; size: number }> = {
  0x08: { dtype: 'uint8', size: 1 },
  0x09: { dtype: 'int8', size: 1 },
  0x0b: { dtype: 'int16', size: 2 },
  0x0c: { dtype: 'int32', size: 4 },
  0x0d: { dtype: 'float32', size: 4 },
  0x0e: { dtype: 'float64', size: 8 },
};

export interface IdxArray {
  readonly dtype: IdxDtype;
  readonly dims: number[];
  /** Values in host order; for uint8 a view on the file's bytes (no copy). */
  readonly data: Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;
}

/** Parses one IDX file's (decompressed) bytes; `file` names it in error messages. */
export function parseIdx(bytes: Uint8Array, file: string): IdxArray {
  if (bytes.length < 4) throw new UserError(`${file}: too short for an IDX header (${bytes.length} bytes).`, idxHint);
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    const magic = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join('');
    throw new UserError(`${file}: bad IDX magic number 0x${magic} (the first two bytes must be zero).`, idxHint);
  }
  const type = DTYPES[bytes[2]];
  if (!type) throw new UserError(`${file}: unknown IDX data type code 0x${bytes[2].toString(16)}.`, idxHint);
  const ndims = bytes[3];
  const headerBytes = 4 + 4 * ndims;
  if (ndims === 0) throw new UserError(`${file}: IDX header declares zero dimensions.`, idxHint);
  if (bytes.length < headerBytes) {
    throw new UserError(`${file}: truncated IDX header (${bytes.length} bytes, need ${headerBytes} for ${ndims} dimensions).`, idxHint);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims: number[] = [];
  for (let i = 0; i < ndims; i++) dims.push(view.getUint32(4 + 4 * i, false));
  const count = dims.reduce((a, b) => a * b, 1);
  const expected = headerBytes + count * type.size;
  if (bytes.length !== expected) {
    const what = bytes.length < expected ? 'truncated' : 'has trailing bytes';
    throw new UserError(
      `${file}: IDX file ${what}: header [${dims.join(', ')}] ${type.dtype} needs ${expected} bytes, file has ${bytes.length}.`,
      idxHint,
    );
  }
  const body = bytes.subarray(headerBytes);
  return { dtype: type.dtype, dims, data: decode(type.dtype, body, count) };
}

const idxHint = 'The file is not a valid IDX file (or is truncated): fetch a fresh copy.';

function decode(dtype: IdxDtype, body: Uint8Array, count: number): IdxArray['data'] {
  const v = new DataView(body.buffer, body.byteOffset, body.byteLength);
  switch (dtype) {
    case 'uint8':
      return body;
    case 'int8':
      return new Int8Array(body.buffer, body.byteOffset, count);
    case 'int16': {
      const out = new Int16Array(count);
      for (let i = 0; i < count; i++) out[i] = v.getInt16(2 * i, false);
      return out;
    }
    case 'int32': {
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) out[i] = v.getInt32(4 * i, false);
      return out;
    }
    case 'float32': {
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = v.getFloat32(4 * i, false);
      return out;
    }
    case 'float64': {
      const out = new Float64Array(count);
      for (let i = 0; i < count; i++) out[i] = v.getFloat64(8 * i, false);
      return out;
    }
  }
}

/**
 * IDX images (uint8, [n, rows, cols]) as float32 in [0, 1] (value / 255), channels last
 * ([n, rows, cols, 1] flattened). `limit` converts only the first `limit` images.
 */
export function idxImages(arr: IdxArray, file: string, limit = Infinity): { x: Float32Array; n: number; shape: number[] } {
  if (arr.dtype !== 'uint8' || arr.dims.length !== 3) {
    throw new UserError(
      `${file}: expected IDX images as uint8 [n, rows, cols], got ${arr.dtype} [${arr.dims.join(', ')}].`,
      'Is this an images file (…-images-idx3-ubyte)?',
    );
  }
  const [total, rows, cols] = arr.dims;
  const n = Math.min(total, limit);
  const size = rows * cols;
  const x = new Float32Array(n * size);
  const src = arr.data as Uint8Array;
  for (let i = 0; i < x.length; i++) x[i] = src[i] / 255;
  return { x, n, shape: [rows, cols, 1] };
}

/** IDX labels (uint8, [n]) as Int32Array; every label must lie in [0, numClasses). */
export function idxLabels(arr: IdxArray, file: string, numClasses: number, limit = Infinity): Int32Array {
  if (arr.dtype !== 'uint8' || arr.dims.length !== 1) {
    throw new UserError(
      `${file}: expected IDX labels as uint8 [n], got ${arr.dtype} [${arr.dims.join(', ')}].`,
      'Is this a labels file (…-labels-idx1-ubyte)?',
    );
  }
  const n = Math.min(arr.dims[0], limit);
  const y = new Int32Array(n);
  const src = arr.data as Uint8Array;
  for (let i = 0; i < arr.dims[0]; i++) {
    if (src[i] >= numClasses) {
      throw new UserError(`${file}: label ${src[i]} at index ${i} is out of range [0, ${numClasses - 1}].`, idxHint);
    }
    if (i < n) y[i] = src[i];
  }
  return y;
}
