/**
 * CG iterations allocate only a few boxed numbers: measured in a child process (see
 * fixtures/heap/cg-heap.ts) with 100 and 500 iterations of the same solve. With --single-threaded the
 * young-generation figure is the same in every run, so the bound is tight.
 */
import { describe, expect, it } from 'vitest';
import { bytesPerIteration } from './fixtures/heap/spawn-iteration-heap.js';

describe('CG heap use per iteration', () => {
  // The bound per loop: Jacobi's fused loop and the loop without a preconditioner measure about
  // 250 bytes, the general loop with a preconditioner applied (SSOR, ILU(0), AMG, a user's) 295;
  // the loop with the preconditioned norm (here Jacobi through its apply; z·z and r·z summed by
  // one collective) 343 bytes.
  const bounds: [string, number][] = [
    ['jacobi', 320],
    ['none', 320],
    ['jacobi-applied', 320],
    ['jacobi-preconditioned-norm', 400],
  ];
  for (const [preconditioner, bound] of bounds) {
    it(`400 more iterations (${preconditioner}) allocate < ${bound} bytes each`, () => {
      const perIteration = bytesPerIteration('cg-heap.js', [preconditioner]);
      // Young-generation allocation: the residual history grows by doubling and V8 boxes a few
      // doubles per iteration; a buffer, view, closure or Pending per iteration and part would
      // exceed the bound.
      expect(perIteration).toBeLessThan(bound);
    });
  }
});
