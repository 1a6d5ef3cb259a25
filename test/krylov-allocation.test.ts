/**
 * GMRES and BiCGStab iterations allocate only a few boxed numbers: measured in a child process
 * (see fixtures/heap/krylov-heap.ts) with 100 and 500 iterations of the same solve, as
 * cg-allocation.test.ts does for CG. With --single-threaded the young-generation figure is the same
 * in every run, so the bound is tight.
 */
import { describe, expect, it } from 'vitest';
import { bytesPerIteration } from './fixtures/heap/spawn-iteration-heap.js';

describe('GMRES and BiCGStab heap use per iteration', () => {
  for (const [solver, preconditioner] of [
    ['gmres', 'ilu0'],
    ['gmres', 'jacobi'],
    ['bicgstab', 'jacobi'],
  ]) {
    it(`400 more iterations (${solver}, ${preconditioner}) allocate < 320 bytes each`, () => {
      const perIteration = bytesPerIteration('krylov-heap.js', [solver, preconditioner]);
      // Young-generation allocation: the residual history grows by doubling and V8 boxes a few
      // doubles per iteration (the arguments and results of the native kernel calls among them);
      // a buffer, view, closure or Pending per iteration and part, or a loop over doubles left
      // unoptimised, would exceed the bound.
      expect(perIteration).toBeLessThan(320);
    });
  }
});
