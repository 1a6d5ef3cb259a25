/**
 * One timed run of a benchmark program (ours or an anchor) on one or several processes.
 *
 * @module
 */
import { parseResultLine, runCommand } from './anchors.js';
import { primeMemory } from './prime-memory.js';

/**
 * Primes `primeMegabytes` MiB of memory ({@link primeMemory}), then runs `file args` to its end
 * (under `mpirun --oversubscribe -n np` when `np > 1`) and returns the fields of its RESULT line.
 *
 * @throws Error naming `label` when the program fails, prints no RESULT line or runs past 30 min.
 * @example
 * ```ts
 * const petsc = runTimedProgram('/usr/bin/python3', ['petsc_poisson.py', '--n', '100'], 2, 'PETSc', 1024);
 * console.log(petsc.solve_s);
 * ```
 */
export function runTimedProgram(file: string, args: readonly string[], np: number, label: string, primeMegabytes: number): Record<string, unknown> {
  primeMemory(primeMegabytes);
  const run = np === 1 ? runCommand(file, args, 1800) : runCommand('mpirun', ['--oversubscribe', '-n', String(np), file, ...args], 1800);
  if (run.failure !== undefined) throw new Error(`${label} failed: ${run.failure}`);
  return parseResultLine(run.stdout, label);
}
