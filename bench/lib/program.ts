/**
 * What the benchmark programs that double as worker modules share: running only when started as
 * the program (not when a worker thread imports the module for its default export). Their flags
 * are read by the package's one parser, `src/run/cli-args.ts`.
 *
 * @module
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { isMainThread } from 'node:worker_threads';

/**
 * Runs `run` when the module at `moduleUrl` is the program being run on the main thread (not a
 * module imported by a worker or a test); a failure prints `<name>: <message>` and sets exit code 1.
 *
 * @example
 * ```ts
 * await runAsProgram(import.meta.url, 'bench/poisson', run);
 * ```
 */
export async function runAsProgram(moduleUrl: string, name: string, run: () => Promise<void>): Promise<void> {
  if (!isMainThread || process.argv[1] === undefined) return;
  if (realpathSync(process.argv[1]) !== realpathSync(fileURLToPath(moduleUrl))) return;
  try {
    await run();
  } catch (error) {
    console.error(`${name}: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
}
