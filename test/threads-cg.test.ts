/**
 * Bitwise identity: the Poisson CG gives exactly the same iteration count, residual history and
 * solution bits on Threads as on Sequential with the same number of parts (sums are folded in
 * part order on every backend).
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { withSequential } from '../src/index.js';
import { withThreads } from '../src/run/with-threads.js';
import * as drivers from './fixtures/threads/poisson-cg.js';
import type { PoissonOutcome } from './fixtures/threads/poisson-cg.js';

const compiled = fileURLToPath(new URL('../dist/test/fixtures/threads/poisson-cg.js', import.meta.url));

function bits(values: Float64Array): bigint[] {
  return Array.from(new BigUint64Array(values.buffer, values.byteOffset, values.length));
}

describe('Poisson CG: Threads and Sequential agree bit for bit', () => {
  for (const [exportName, n] of [['poissonN30', 30], ['poissonN50', 50]] as const) {
    for (const np of [2, 4]) {
      it(`n=${n}, np=${np}`, async () => {
        const sequential = await withSequential(np, drivers[exportName]);
        const threads = await withThreads<PoissonOutcome>(np, compiled, { exportName });
        const x = threads[0].x;
        expect(x).toBeInstanceOf(Float64Array);
        expect(sequential.x).toBeInstanceOf(Float64Array);
        expect(threads.slice(1).map((outcome) => outcome.x)).toEqual(new Array(np - 1).fill(null));
        expect(sequential.iterations).toBeGreaterThan(10);
        for (const outcome of threads) {
          expect(outcome.iterations).toBe(sequential.iterations);
          expect(bits(outcome.residuals)).toEqual(bits(sequential.residuals));
        }
        expect(x?.length).toBe(n ** 3);
        expect(bits(x as Float64Array)).toEqual(bits(sequential.x as Float64Array));
      }, 120_000);
    }
  }
});
