/**
 * CG iterations allocate only a few boxed numbers: measured in a child process (see
 * fixtures/heap/cg-heap.ts) with 100 and 500 iterations of the same solve. With --single-threaded the
 * young-generation figure is the same in every run, so the bound is tight.
 */
import { describe, expect, it } from 'vitest';
import { bytesPerIteration } from './fixtures/heap/spawn-iteration-heap.js';

describe('CG heap use per iteration', () => {
  for (const preconditioner of ['jacobi', 'none']) {
    it(`400 more iterations (${preconditioner}) allocate < 320 bytes each`, () => {
      const perIteration = bytesPerIteration('cg-heap.js', [preconditioner]);
      // Young-generation allocation: the residual history grows by doubling and V8 boxes a few
      // doubles per iteration (about 200 bytes in all); a buffer, view, closure or Pending per
      // iteration and part would exceed the bound.
      expect(perIteration).toBeLessThan(320);
    });
  }
});
