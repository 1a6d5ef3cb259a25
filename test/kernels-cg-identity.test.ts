/** CG gives the same bits with the native and the JavaScript kernels (separate processes). */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { kernelKind } from '../src/kernels/select-kernels.js';

const fixture = fileURLToPath(new URL('../dist/test/fixtures/kernels/cg-bits.js', import.meta.url));

function solve(kernels: 'js' | 'native', args: string[]): { kernels: string; iterations: number; residuals: string; solution: string } {
  const { status, stdout, stderr } = spawnSync(process.execPath, [fixture, ...args], {
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, PA_KERNELS: kernels },
  });
  expect(stderr).toBe('');
  expect(status).toBe(0);
  return JSON.parse(stdout) as { kernels: string; iterations: number; residuals: string; solution: string };
}

describe('native and JavaScript kernels give bitwise identical CG solves', () => {
  it('native kernels are available here (with PA_REQUIRE_NATIVE=1 their absence is a failure)', () => {
    if (process.env.PA_REQUIRE_NATIVE === '1' || process.env.PA_REQUIRE_NATIVE === 'true') expect(kernelKind).toBe('native');
    else if (kernelKind !== 'native') console.log('native kernels not built: the identity test below is not run');
  });

  for (const args of [['20', '1', 'jacobi'], ['20', '3', 'jacobi'], ['16', '2', 'none']]) {
    it.runIf(kernelKind === 'native')(`n=${args[0]} np=${args[1]} ${args[2]}`, () => {
      const js = solve('js', args);
      const native = solve('native', args);
      expect([js.kernels, native.kernels]).toEqual(['js', 'native']);
      expect(native.iterations).toBe(js.iterations);
      expect(native.iterations).toBeGreaterThan(10);
      expect(native.residuals).toBe(js.residuals);
      expect(native.solution).toBe(js.solution);
    });
  }
});
