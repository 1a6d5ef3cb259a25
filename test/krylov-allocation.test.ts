/**
 * GMRES and BiCGStab iterations allocate only a few boxed numbers: measured in a child process
 * (see fixtures/heap/krylov-heap.ts) with 100 and 500 iterations of the same solve, as
 * cg-allocation.test.ts does for CG. With --single-threaded the young-generation figure is the same
 * in every run, so the bound is tight.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const fixture = fileURLToPath(new URL('../dist/test/fixtures/heap/krylov-heap.js', import.meta.url));
const EXTRA_ITERATIONS = 400;

describe('GMRES and BiCGStab heap use per iteration', () => {
  for (const [solver, preconditioner] of [
    ['gmres', 'ilu0'],
    ['gmres', 'jacobi'],
    ['bicgstab', 'jacobi'],
  ]) {
    it(`400 more iterations (${solver}, ${preconditioner}) allocate < 320 bytes each`, () => {
      const { status, stdout, stderr } = spawnSync(
        process.execPath,
        ['--expose-gc', '--single-threaded', '--max-semi-space-size=64', fixture, solver, preconditioner],
        { encoding: 'utf8', timeout: 120_000 },
      );
      expect(stderr).toBe('');
      expect(status).toBe(0);
      const { allocated, iterations, cleanSamples } = JSON.parse(stdout) as {
        allocated: [number, number];
        iterations: number[];
        cleanSamples: number;
      };
      expect(iterations).toEqual([100, 500]);
      expect(cleanSamples).toBeGreaterThanOrEqual(6);
      // Young-generation allocation: the residual history grows by doubling and V8 boxes a few
      // doubles per iteration (the arguments and results of the native kernel calls among them);
      // a buffer, view, closure or Pending per iteration and part, or a loop over doubles left
      // unoptimised, would exceed the bound.
      expect((allocated[1] - allocated[0]) / EXTRA_ITERATIONS).toBeLessThan(320);
    });
  }
});
