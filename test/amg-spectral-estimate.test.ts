/**
 * The spectral estimate's tridiagonal eigenvalue (unit), then its conformance cases on every
 * backend (test/conformance/amg-spectral-estimate.ts).
 */
import { expect, it } from 'vitest';
import { largestEigenvalue } from '../src/solvers/amg/spectral-estimate.js';
import { conformanceSuite } from './harness.js';
import * as cases from './conformance/amg-spectral-estimate.js';

it('largestEigenvalue: the 1-D Laplacian tridiag(−1, 2, −1), a diagonal matrix, one entry, none', () => {
  for (const m of [1, 2, 7, 30]) {
    const exact = 2 + 2 * Math.cos(Math.PI / (m + 1));
    const found = largestEigenvalue(new Array<number>(m).fill(2), new Array<number>(m - 1).fill(-1));
    expect(Math.abs(found - exact)).toBeLessThan(1e-13 * exact);
  }
  expect(largestEigenvalue([3, -1, 7.5, 2], [0, 0, 0])).toBe(7.5);
  expect(largestEigenvalue([0.25], [])).toBe(0.25);
  expect(largestEigenvalue([], [])).toBeNaN();
});

conformanceSuite('amg-spectral-estimate', cases);
