/**
 * Puts the machine's free memory in the same state before every timed process, ours and the
 * anchors' alike.
 *
 * Why: the reference machine is a virtual machine whose balloon device hands free guest pages
 * back to the host a few seconds after they are freed; the next process to write them waits for
 * the host to back them again (first writes at 0.3–0.6 GB/s instead of 5–17 GB/s). A process that
 * starts right after another one exits therefore writes its memory several times faster than one
 * that starts after a pause, so without this step a program's time depends on what ran before
 * it: measured at n = 100 on one part, our whole job took 2.15–2.19 s after a 12 s pause and
 * 1.46–1.69 s right after a priming process; PETSc's anchor 2.97–3.09 s and 2.70–2.75 s.
 * Priming gives every timed process the second state, the one of a machine in use.
 *
 * The same device reports the primed memory the timed process does not take back to the host,
 * about 2 s after the priming process exits, in bursts that take a core away from the guest; so
 * the benchmarks prime each process with about what it needs (`primeMegabytesFor` in
 * prime-sizes.ts), not one large amount.
 *
 * @module
 */
import { join } from 'node:path';
import { largeArrays } from '../../src/kernels/large-arrays.js';
import { repositoryRoot, runCommand } from './anchors.js';
import { runAsProgram } from './program.js';

/**
 * Memory a priming process writes and frees by default: more than any timed process here uses.
 * Was 1 GiB until one-part AMG-CG at n = 128 was seen to peak at 1.18 GB resident: its last
 * writes then hit pages the host had taken back (4 alternating pairs of that run after 1 and 2 GiB
 * primed: set-up + solve 3.74–4.88 s against 3.11–3.55 s).
 */
export const DEFAULT_PRIME_MEGABYTES = 2048;

const PAGE_BYTES = 4096;

/**
 * Writes `megabytes` MiB of fresh memory in a short-lived process and lets it exit, so that the
 * next process started finds that memory backed by the host. Call it right before starting each
 * timed process; 0 does nothing. Takes about 0.1 s when the memory was freed moments ago and up
 * to 2–3 s when the machine was idle.
 *
 * @throws Error when the priming process fails (the benchmark stops: its figures would not be
 * comparable).
 * @example
 * ```ts
 * primeMemory(DEFAULT_PRIME_MEGABYTES);
 * const run = runCommand('/usr/bin/python3', [petsc, '--n', '100'], 600);
 * ```
 */
export function primeMemory(megabytes: number): void {
  if (megabytes === 0) return;
  const script = join(repositoryRoot(), 'dist', 'bench', 'lib', 'prime-memory.js');
  const run = runCommand(process.execPath, [script, String(megabytes)], 120);
  if (run.failure !== undefined) throw new Error(`priming ${megabytes} MiB of memory failed: ${run.failure}`);
}

/** The priming process: one write per 4 KiB page of a large array (on huge pages where allowed). */
async function writeAndExit(): Promise<void> {
  const megabytes = Number(process.argv[2]);
  if (!Number.isInteger(megabytes) || megabytes <= 0) throw new Error(`usage: prime-memory.js <MiB>, got '${process.argv[2]}'`);
  const bytes = largeArrays.uint8(megabytes * 2 ** 20);
  for (let i = 0; i < bytes.length; i += PAGE_BYTES) bytes[i] = 1;
}

await runAsProgram(import.meta.url, 'bench/prime-memory', writeAndExit);
