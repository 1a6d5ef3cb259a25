/**
 * The small dense loops of `GmresSolver` (the Givens rotations of the Hessenberg matrix, the
 * back substitution and the bookkeeping of the Gram–Schmidt projections), as functions that take
 * only Float64Arrays and numbers.
 *
 * Why functions of their own: V8 boxes every floating-point temporary of code that is not
 * optimised. Code that reads solver or vector objects is deoptimised whenever the last objects
 * of one of their shapes are collected (a solver built, used and dropped per solve), and takes
 * hundreds of calls to be optimised again; these loops depend on nothing but the Float64Array
 * shape, so they stay optimised, and the iterations allocate nothing.
 *
 * @module
 */

/** {@link givensStep}: the new column's norm is 0 (estimates are ≥ 0, so no estimate is −1). */
export const BREAKDOWN = -1;
/** {@link givensStep}: a norm that is not finite. */
export const NOT_FINITE = -2;

/**
 * Hessenberg column j (entries `H[column .. column + j]`, with `H[column + j + 1] = hNext`):
 * applies the j earlier rotations (cs, sn), then the new one that zeroes the subdiagonal, stored
 * in `cs[j]`, `sn[j]`, and applied to g. Returns |g[j + 1]| (the residual estimate),
 * {@link BREAKDOWN} or {@link NOT_FINITE} (then cs, sn, g and the diagonal are left as they were).
 */
export function givensStep(H: Float64Array, cs: Float64Array, sn: Float64Array, g: Float64Array, column: number, j: number, hNext: number): number {
  H[column + j + 1] = hNext;
  for (let i = 0; i < j; i++) {
    const t = cs[i] * H[column + i] + sn[i] * H[column + i + 1];
    H[column + i + 1] = -sn[i] * H[column + i] + cs[i] * H[column + i + 1];
    H[column + i] = t;
  }
  const a = H[column + j];
  const rho = hypot(a, hNext);
  if (!Number.isFinite(rho)) return NOT_FINITE;
  if (rho === 0) return BREAKDOWN;
  cs[j] = a / rho;
  sn[j] = hNext / rho;
  H[column + j] = rho;
  H[column + j + 1] = 0;
  g[j + 1] = -sn[j] * g[j];
  g[j] = cs[j] * g[j];
  return Math.abs(g[j + 1]);
}

/**
 * √(a² + b²) without overflow or underflow, with the bits of `Math.hypot(a, b)`: V8 computes it as
 * max · √((|a|/max)² + (|b|/max)²), max = max(|a|, |b|) (its compensated sum changes nothing for
 * two terms); ∞ if either is infinite, else NaN if either is NaN. Written out because
 * `Math.hypot` is a builtin call that boxes its arguments and result and allocates an array.
 */
export function hypot(a: number, b: number): number {
  const x = Math.abs(a);
  const y = Math.abs(b);
  if (x === Infinity || y === Infinity) return Infinity;
  if (Number.isNaN(x) || Number.isNaN(y)) return Number.NaN;
  const max = x > y ? x : y;
  if (max === 0) return 0;
  const u = x / max;
  const v = y / max;
  return Math.sqrt(u * u + v * v) * max;
}

/** y[0 .. j) solving R y = g, R the upper triangle of H (column-major, leading dimension ld). */
export function backSubstitute(H: Float64Array, ld: number, g: Float64Array, y: Float64Array, j: number): void {
  for (let i = j - 1; i >= 0; i--) {
    let s = g[i];
    for (let l = i + 1; l < j; l++) s -= H[l * ld + i] * y[l];
    y[i] = s / H[i * ld + i];
  }
}

/** Σ a[start + i]² for i < count, in ascending order. */
export function sumOfSquares(a: Float64Array, start: number, count: number): number {
  let s = 0;
  for (let i = 0; i < count; i++) s += a[start + i] * a[start + i];
  return s;
}

/**
 * Copies projections `first .. first + width` of each of `nParts` parts (part p's at
 * `partDots[p * ld ..]`) into a reduction buffer (part p's value t at `partials[p * width + t]`).
 */
export function gatherPartials(partials: Float64Array, partDots: Float64Array, nParts: number, ld: number, first: number, width: number): void {
  for (let p = 0; p < nParts; p++) {
    for (let t = 0; t < width; t++) partials[p * width + t] = partDots[p * ld + first + t];
  }
}

/** `to[first + t] = from[t]` for t < width. */
export function copyAt(to: Float64Array, first: number, from: Float64Array, width: number): void {
  for (let t = 0; t < width; t++) to[first + t] = from[t];
}

/** Adds the `count` projections into `H[column ..]` and writes their negatives into `negated`. */
export function addProjections(H: Float64Array, column: number, projections: Float64Array, negated: Float64Array, count: number): void {
  for (let i = 0; i < count; i++) {
    H[column + i] += projections[i];
    negated[i] = -projections[i];
  }
}

/**
 * `x[i] *= alpha` on the first nOwn[p] values of each part's array: the kernels' `scale` written
 * out (same bits), since a call to the addon boxes `alpha` once per part.
 */
export function scaleOwn(nOwn: readonly number[], alpha: number, xLocal: readonly Float64Array[]): void {
  for (let p = 0; p < nOwn.length; p++) {
    const x = xLocal[p];
    for (let i = 0; i < nOwn[p]; i++) x[i] *= alpha;
  }
}
