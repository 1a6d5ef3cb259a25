/**
 * examples/block-banded.ts runs the blog experiment end to end (small blocks, so it is quick): on
 * Sequential with 3 parts and on Threads with 2, every size's parallel product has the serial
 * product's bits, and the RESULT line lists every size asked for with positive times.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const example = join(root, 'dist', 'examples', 'block-banded.js');

function run(args: readonly string[]): { lines: string[]; result: { np: number; results: { N: number; rows: number; serial_s: number; parallel_s: number; same_bits: boolean }[] } } {
  if (!existsSync(example)) throw new Error(`${example} does not exist: compile first (npx tsc -p tsconfig.json)`);
  const stdout = execFileSync(process.execPath, [example, ...args], { encoding: 'utf8', timeout: 50_000 });
  const lines = stdout.trim().split('\n');
  const last = lines[lines.length - 1];
  expect(last.startsWith('RESULT ')).toBe(true);
  return { lines, result: JSON.parse(last.slice('RESULT '.length)) };
}

describe('examples/block-banded', () => {
  for (const [backend, np] of [['sequential', 3], ['threads', 2]] as const) {
    it(`${backend}, ${np} parts: the same bits serial and parallel for every size`, () => {
      const { lines, result } = run(['--backend', backend, '--np', String(np), '--sizes', '1,3,7', '--n', '11', '--reps', '3']);
      expect(result.np).toBe(np);
      expect(result.results.map((r) => [r.N, r.rows, r.same_bits])).toEqual([[1, 11, true], [3, 33, true], [7, 77, true]]);
      for (const r of result.results) expect(r.serial_s > 0 && r.parallel_s > 0).toBe(true);
      expect(lines.filter((line) => line.endsWith('  yes'))).toHaveLength(3);
    });
  }

  it('refuses a bad flag with the usage (exit 2)', () => {
    let failure: { status?: number; stderr?: string } = {};
    try {
      execFileSync(process.execPath, [example, '--sizes', '0'], { encoding: 'utf8', stdio: 'pipe' });
    } catch (error) {
      failure = error as { status?: number; stderr?: string };
    }
    expect(failure.status).toBe(2);
    expect(failure.stderr).toMatch(/sizes/);
  });
});
