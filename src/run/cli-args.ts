/**
 * The one command-line parser of the package: the `partitioned-arrays` command, the examples and
 * the benchmarks describe their flags with {@link FlagSpec}s and read them with
 * {@link parseCommand} (a typed layer over `node:util`'s `parseArgs` that checks numbers and
 * choices and writes the help text), so every program reports a bad flag in the same words and
 * exits with the same status ({@link parseCommandOrExit}: 2 for a usage error, 0 after `--help`).
 *
 * @module
 */
import { parseArgs } from 'node:util';
import { InvalidArgumentError } from '../errors.js';

/** One flag: its kind (what values it accepts and what it parses to), its help and its default. */
export type FlagSpec =
  | { readonly kind: 'string'; readonly help: string; readonly valueName?: string; readonly default?: string }
  | { readonly kind: 'boolean'; readonly help: string }
  | { readonly kind: 'positive-integer'; readonly help: string; readonly valueName?: string; readonly default?: number }
  | { readonly kind: 'non-negative-integer'; readonly help: string; readonly valueName?: string; readonly default?: number }
  | { readonly kind: 'positive-number'; readonly help: string; readonly valueName?: string; readonly default?: number }
  | {
      readonly kind: 'choice';
      readonly choices: readonly string[];
      readonly help: string;
      /** The word in `unknown <noun> 'x'` (the flag's name by default). */
      readonly noun?: string;
      readonly default?: string;
    }
  | { readonly kind: 'positive-integer-list'; readonly help: string; readonly valueName?: string; readonly default?: readonly number[] };

/** The flags of one command, by name without the leading `--`. */
export type FlagSpecs = Readonly<Record<string, FlagSpec>>;

type ValueOf<F extends FlagSpec> = F extends { kind: 'boolean' }
  ? boolean
  : F extends { kind: 'positive-integer' | 'non-negative-integer' | 'positive-number' }
    ? number
    : F extends { kind: 'positive-integer-list' }
      ? readonly number[]
      : F extends { kind: 'choice'; choices: readonly (infer C extends string)[] }
        ? C
        : string;

/** The parsed flags: a flag with a default (or a boolean) always has a value, others may be undefined. */
export type FlagValues<S extends FlagSpecs> = {
  readonly [K in keyof S]: S[K] extends { kind: 'boolean' } | { default: unknown } ? ValueOf<S[K]> : ValueOf<S[K]> | undefined;
};

/** A command: its name in messages, usage lines, a one-line summary and its flags. */
export interface CommandSpec<S extends FlagSpecs> {
  /** The prefix of messages, e.g. `partitioned-arrays` or `poisson`. */
  readonly program: string;
  /** Usage lines, without the `usage: ` prefix. */
  readonly usage: readonly string[];
  /** What the command does, one line (printed by `--help`). */
  readonly summary: string;
  readonly flags: S;
  /**
   * What to do with positional arguments: `'none'` refuses them; `'rest'` ends the options at the
   * first positional (or `--`) and returns it and everything after it untouched, so a driver's
   * own arguments pass through.
   */
  readonly positionals: 'none' | 'rest';
  /** Lines printed after the flags by `--help` (environment variables, examples). */
  readonly notes?: readonly string[];
}

/** What {@link parseCommand} returns: the flags, whether `--help` was asked, and the rest. */
export interface ParsedCommand<S extends FlagSpecs> {
  readonly flags: FlagValues<S>;
  readonly help: boolean;
  /** With `positionals: 'rest'`: the first positional and everything after it, as given. */
  readonly rest: readonly string[];
}

/** `--name VALUE` as shown in help, for a flag that takes a value. */
function flagSynopsis(name: string, spec: FlagSpec): string {
  if (spec.kind === 'boolean') return `--${name}`;
  if (spec.kind === 'choice') return `--${name} ${spec.choices.join('|')}`;
  return `--${name} ${spec.valueName ?? (spec.kind === 'string' ? 'VALUE' : spec.kind === 'positive-integer-list' ? 'N,N,...' : 'N')}`;
}

/**
 * The `--help` text of `command`: usage lines, summary, one line per flag (with its default),
 * then the notes.
 *
 * @example
 * ```ts
 * helpText({ program: 'poisson', usage: ['poisson [--n N]'], summary: '3-D Poisson', flags: {}, positionals: 'none' });
 * ```
 */
export function helpText<S extends FlagSpecs>(command: CommandSpec<S>): string {
  const rows: [string, string][] = Object.entries(command.flags).map(([name, spec]) => {
    const fallback = 'default' in spec && spec.default !== undefined ? ` (default ${String(spec.default)})` : '';
    return [flagSynopsis(name, spec), `${spec.help}${fallback}`];
  });
  rows.push(['-h, --help', 'print this help and exit']);
  const width = Math.max(...rows.map(([synopsis]) => synopsis.length));
  const lines = [
    ...command.usage.map((line, i) => `${i === 0 ? 'usage: ' : '       '}${line}`),
    '',
    command.summary,
    '',
    'options:',
    ...rows.map(([synopsis, help]) => `  ${synopsis.padEnd(width)}  ${help}`),
  ];
  if (command.notes !== undefined) lines.push('', ...command.notes);
  return `${lines.join('\n')}\n`;
}

/** The flag named in one of parseArgs' messages (`'--np <value>'` → `--np`). */
function quotedFlag(message: string): string {
  return (/'([^' ]*)/.exec(message)?.[1] ?? '').trim();
}

/** parseArgs' error in the package's words. */
function usageMessage(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : String(error);
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return `unknown option ${quotedFlag(message)}`;
  if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') return `unexpected argument '${/'([^']*)'/.exec(message)?.[1] ?? ''}'`;
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const flag = quotedFlag(message);
    if (message.includes('does not take an argument')) return `option ${flag} takes no value`;
    if (message.includes('ambiguous')) return `option ${flag} needs a value (for a value starting with '-', write ${flag}=VALUE)`;
    return `option ${flag} needs a value`;
  }
  return message;
}

function parseValue(name: string, spec: FlagSpec, raw: string | boolean): unknown {
  if (typeof raw === 'boolean') return raw;
  switch (spec.kind) {
    case 'positive-integer':
      if (!/^[1-9][0-9]*$/.test(raw) || !Number.isSafeInteger(Number(raw))) {
        throw new InvalidArgumentError(`--${name} must be a positive integer, got '${raw}'`);
      }
      return Number(raw);
    case 'non-negative-integer':
      if (!/^(0|[1-9][0-9]*)$/.test(raw) || !Number.isSafeInteger(Number(raw))) {
        throw new InvalidArgumentError(`--${name} must be a non-negative integer, got '${raw}'`);
      }
      return Number(raw);
    case 'positive-number': {
      const value = Number(raw);
      if (raw.trim() === '' || !Number.isFinite(value) || value <= 0) {
        throw new InvalidArgumentError(`--${name} must be a positive number, got '${raw}'`);
      }
      return value;
    }
    case 'positive-integer-list':
      if (!/^[1-9][0-9]*(,[1-9][0-9]*)*$/.test(raw)) {
        throw new InvalidArgumentError(`--${name} must be a comma-separated list of positive integers, got '${raw}'`);
      }
      return raw.split(',').map(Number);
    case 'choice':
      if (!spec.choices.includes(raw)) {
        throw new InvalidArgumentError(`unknown ${spec.noun ?? name} '${raw}' (choose one of ${spec.choices.join(', ')})`);
      }
      return raw;
    default:
      return raw;
  }
}

/**
 * Reads `argv` (without node and the script) against `command`'s flags. Flags are `--name VALUE`
 * or `--name=VALUE`; the last of a repeated flag wins; `-h`/`--help` sets `help` (the caller
 * prints {@link helpText}). The result is fresh; `argv` is not modified.
 *
 * @throws InvalidArgumentError, in the words every program of the package uses: `unknown option
 * --x`, `option --np needs a value`, `--np must be a positive integer, got 'abc'`, `unknown backend
 * 'gpu' (choose one of sequential, threads, mpi)`, `unexpected argument 'x'`.
 * @example
 * ```ts
 * const { flags, rest } = parseCommand(runCommand, ['--np', '2', 'driver.js', '--verbose']);
 * flags.np; // 2
 * rest;     // ['driver.js', '--verbose']
 * ```
 */
export function parseCommand<S extends FlagSpecs>(command: CommandSpec<S>, argv: readonly string[]): ParsedCommand<S> {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = { help: { type: 'boolean', short: 'h' } };
  for (const [name, spec] of Object.entries(command.flags)) options[name] = { type: spec.kind === 'boolean' ? 'boolean' : 'string' };
  let own = [...argv];
  let rest: string[] = [];
  if (command.positionals === 'rest') {
    // A lenient pass finds where the options end (it knows which flags take a value); the strict
    // pass below then reports anything wrong before that point.
    const { tokens } = parseArgs({ args: own, options, strict: false, allowPositionals: true, tokens: true });
    const end = tokens.find((token) => token.kind === 'positional' || token.kind === 'option-terminator');
    if (end !== undefined) {
      rest = own.slice(end.kind === 'option-terminator' ? end.index + 1 : end.index);
      own = own.slice(0, end.index);
    }
  }
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({ args: own, options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw new InvalidArgumentError(usageMessage(error));
  }
  const help = values.help === true;
  const flags: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(command.flags)) {
    const raw = values[name];
    if (raw !== undefined) flags[name] = parseValue(name, spec, raw);
    else if (spec.kind === 'boolean') flags[name] = false;
    else if ('default' in spec && spec.default !== undefined) flags[name] = spec.default;
  }
  return { flags: flags as FlagValues<S>, help, rest };
}

/**
 * {@link parseCommand} for a program's `main`: on `--help` prints {@link helpText} to stdout and
 * exits 0; on a usage error prints `<program>: <message>` and the usage lines to stderr and exits 2.
 *
 * @example
 * ```ts
 * const { flags } = parseCommandOrExit(poissonCommand, process.argv.slice(2));
 * ```
 */
export function parseCommandOrExit<S extends FlagSpecs>(command: CommandSpec<S>, argv: readonly string[]): ParsedCommand<S> {
  let parsed: ParsedCommand<S>;
  try {
    parsed = parseCommand(command, argv);
  } catch (error) {
    if (!(error instanceof InvalidArgumentError)) throw error;
    process.stderr.write(`${command.program}: ${error.message}\n${usageLines(command)}`);
    process.exit(2);
  }
  if (parsed.help) {
    process.stdout.write(helpText(command));
    process.exit(0);
  }
  return parsed;
}

/**
 * The usage lines of `command` as printed after a usage error (`usage: ...`, then `--help` for more).
 * @example `usageLines(runCommand)`
 */
export function usageLines<S extends FlagSpecs>(command: CommandSpec<S>): string {
  const lines = command.usage.map((line, i) => `${i === 0 ? 'usage: ' : '       '}${line}`);
  return `${lines.join('\n')}\n`;
}
