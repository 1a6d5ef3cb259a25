/**
 * The Node.js options a pool's workers start with. A worker inherits the process's options
 * (`process.execArgv`), but some describe only how the process's own program was given (`-e`,
 * `-p`, `--input-type`, `-i`, `-c`): inherited, `--input-type` makes a worker fail to load its
 * script. Then the workers get an explicit list holding only the options about loading modules
 * (loaders, import hooks, conditions): Node refuses V8 and whole-process options in an explicit
 * list, and a worker has those anyway.
 *
 * @module
 */

/** Options about the process's own entry point. */
const ENTRY_POINT = new Set(['-e', '--eval', '-p', '--print', '-pe', '--input-type', '-i', '--interactive', '-c', '--check']);
/** Options about loading modules, which workers need to load what the process loads; `true`: takes a value. */
const MODULE_LOADING: ReadonlyMap<string, boolean> = new Map([
  ['--import', true],
  ['--loader', true],
  ['--experimental-loader', true],
  ['-r', true],
  ['--require', true],
  ['-C', true],
  ['--conditions', true],
  ['--experimental-specifier-resolution', true],
  ['--experimental-vm-modules', false],
  ['--experimental-strip-types', false],
  ['--experimental-transform-types', false],
]);

function optionName(arg: string): string {
  const eq = arg.indexOf('=');
  return eq < 0 ? arg : arg.slice(0, eq);
}

/**
 * `undefined` (inherit the process's options) unless `execArgv` holds an entry-point option;
 * then the module-loading options of `execArgv`, with their values.
 * @example `poolExecArgv(['--import', 'tsx', '--input-type=module', '-e', 'code']) // ['--import', 'tsx']`
 */
export function poolExecArgv(execArgv: readonly string[]): string[] | undefined {
  if (!execArgv.some((arg) => ENTRY_POINT.has(optionName(arg)))) return undefined;
  const kept: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const arg = execArgv[i];
    const takesValue = MODULE_LOADING.get(optionName(arg));
    if (takesValue === undefined) continue;
    kept.push(arg);
    if (takesValue && !arg.includes('=') && i + 1 < execArgv.length) kept.push(execArgv[++i]);
  }
  return kept;
}
