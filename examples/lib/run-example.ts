/**
 * How every example program starts: when its file is the program being run (not a module that a
 * worker thread or a test imports), read `--backend` and `--np` with the shared parser and run
 * `main` there; on Threads each worker imports the same file and runs its default export. An
 * error is printed as `<program>: <message>` with exit status 1; usage errors exit 2 (the parser).
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { isMainThread } from 'node:worker_threads';
import { withMpi, withSequential, withThreads, type PData } from '../../src/index.js';
import { parseCommandOrExit, type CommandSpec, type FlagSpecs } from '../../src/run/cli-args.js';

/** The flags every example reads to choose where its parts live. */
interface BackendFlags {
  readonly backend: string;
  readonly np: number;
}

/** True when `moduleUrl` is the program being run, in the main thread. */
function isEntryPoint(moduleUrl: string): boolean {
  if (!isMainThread || process.argv[1] === undefined) return false;
  return realpathSync(process.argv[1]) === realpathSync(fileURLToPath(moduleUrl));
}

/**
 * Runs `main` on the backend the command line asks for, when `moduleUrl` (the example's
 * `import.meta.url`, whose default export is `main`) is the program being run; does nothing when
 * it is imported.
 */
export async function runExample<S extends FlagSpecs>(
  moduleUrl: string,
  command: CommandSpec<S>,
  main: (ranks: PData<number>) => unknown,
): Promise<void> {
  if (!isEntryPoint(moduleUrl)) return;
  try {
    const argv = process.argv.slice(2);
    const { backend, np } = parseCommandOrExit(command, argv).flags as unknown as BackendFlags;
    if (backend === 'sequential') await withSequential(np, main);
    else if (backend === 'threads') await withThreads(np, moduleUrl, { argv });
    else await withMpi(main);
  } catch (error) {
    console.error(`${command.program}: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
}
