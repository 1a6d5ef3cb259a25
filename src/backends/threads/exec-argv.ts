/**
 * The Node.js options the workers of a Threads run start with. A worker inherits the options of
 * the process (`process.execArgv`), and some of them concern only how the process's own main
 * program was given: `-e`/`--eval`, `-p`/`--print`/`-pe` (and their code), `--input-type` (which
 * makes a worker fail to load its script: "--input-type can only be used with string input"),
 * `-i`/`--interactive` and `-c`/`--check`. Those are left out; every other option is kept.
 *
 * Node inherits options silently but checks an explicit list: it refuses V8 options and options
 * of the whole process there (`--expose-gc`, `--max-old-space-size`, `--title`, ...), which a
 * worker has anyway, since they hold for every thread of the process. So an explicit list is given
 * only when something had to be left out, and the options Node refuses in it are dropped in turn
 * (see {@link withoutRefusedOptions}).
 *
 * @module
 */

/** Options about the process's own entry point; `true` when the option takes a value. */
const ENTRY_POINT_OPTIONS: ReadonlyMap<string, boolean> = new Map([
  ['-e', true],
  ['--eval', true],
  ['-p', true],
  ['--print', true],
  ['-pe', true],
  ['--input-type', true],
  ['-i', false],
  ['--interactive', false],
  ['-c', false],
  ['--check', false],
]);

/**
 * The options to start a worker with: `undefined` (inherit `execArgv` as it is) when it holds no
 * entry-point option, else `execArgv` without them and their values.
 * @example `workerExecArgv(['--expose-gc', '--input-type=module', '-e', 'code']) // ['--expose-gc']`
 */
export function workerExecArgv(execArgv: readonly string[]): string[] | undefined {
  const kept: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const arg = execArgv[i];
    const eq = arg.indexOf('=');
    const takesValue = ENTRY_POINT_OPTIONS.get(eq < 0 ? arg : arg.slice(0, eq));
    if (takesValue === undefined) kept.push(arg);
    else if (takesValue && eq < 0) i++;
  }
  return kept.length === execArgv.length ? undefined : kept;
}

const REFUSED = 'Initiated Worker with invalid execArgv flags: ';

/**
 * When `error` is Node's refusal of options in a worker's explicit option list
 * (`ERR_WORKER_INVALID_EXEC_ARGV`, thrown by `new Worker` before a thread starts), the list
 * without the refused options (and the value following one, as in `--title name`); else
 * `undefined`. The refused ones are V8 and whole-process options, which the worker has anyway.
 */
export function withoutRefusedOptions(execArgv: readonly string[], error: unknown): string[] | undefined {
  if (!(error instanceof Error) || (error as NodeJS.ErrnoException).code !== 'ERR_WORKER_INVALID_EXEC_ARGV') return undefined;
  const at = error.message.indexOf(REFUSED);
  if (at < 0) return undefined;
  const refused = new Set(error.message.slice(at + REFUSED.length).split(', '));
  const kept: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const arg = execArgv[i];
    if (!refused.has(arg)) kept.push(arg);
    else if (!arg.includes('=') && i + 1 < execArgv.length && !execArgv[i + 1].startsWith('-')) i++;
  }
  return kept.length < execArgv.length ? kept : undefined;
}
