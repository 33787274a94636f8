/**
 * Count-exact selection for masks. Ties are broken by flat index (lower index first), so a mask
 * keeps exactly the requested number of entries and is the same on every machine and backend.
 */

/**
 * 1 for the `k` largest `values`, 0 elsewhere; among equal values at the cut the lower indices are
 * kept. `values` must not contain NaN.
 */
export function topKMask(values: ArrayLike<number>, k: number): Uint8Array {
  const n = values.length;
  const mask = new Uint8Array(n);
  if (k <= 0) return mask;
  if (k >= n) return mask.fill(1);
  const work = Float64Array.from(values);
  for (let i = 0; i < n; i++) if (Number.isNaN(work[i])) throw new Error('topKMask: NaN in the values (training diverged?)');
  const cut = nthSmallest(work, n - k);
  let greater = 0;
  for (let i = 0; i < n; i++) if (values[i] > cut) greater++;
  let ties = k - greater;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v > cut) mask[i] = 1;
    else if (v === cut && ties > 0) {
      mask[i] = 1;
      ties--;
    }
  }
  return mask;
}

/**
 * The value at 0-based position `nth` of `a` sorted ascending (quickselect with a median-of-three
 * pivot, expected O(n); falls back to sorting the remaining range after too many rounds). Reorders `a`.
 */
export function nthSmallest(a: Float64Array, nth: number): number {
  let lo = 0;
  let hi = a.length - 1;
  let rounds = 4 * Math.ceil(Math.log2(a.length + 1)) + 8;
  while (lo < hi) {
    if (rounds-- === 0) {
      a.subarray(lo, hi + 1).sort();
      return a[nth];
    }
    const mid = (lo + hi) >>> 1;
    const x = a[lo];
    const y = a[mid];
    const z = a[hi];
    const pivot = x < y ? (y < z ? y : x < z ? z : x) : x < z ? x : y < z ? z : y;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        const t = a[i];
        a[i] = a[j];
        a[j] = t;
        i++;
        j--;
      }
    }
    if (nth <= j) hi = j;
    else if (nth >= i) lo = i;
    else return a[nth];
  }
  return a[nth];
}

/**
 * Indices 0..n-1 ordered by `primary` ascending, then `secondary` ascending, then index: the first
 * entries of the order are the ones to prune.
 */
export function ascendingOrder(primary: ArrayLike<number>, secondary: ArrayLike<number>): Int32Array {
  const n = primary.length;
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => primary[a] - primary[b] || secondary[a] - secondary[b] || a - b);
  return order;
}

/** Number of entries to select for a fraction of n: round half up, as `Math.round`. */
export function countFor(fraction: number, n: number): number {
  return Math.min(n, Math.max(0, Math.round(fraction * n)));
}
