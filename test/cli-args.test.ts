/**
 * The package's one command-line parser (src/run/cli-args.ts), and the example and a benchmark
 * reporting bad flags through it in the CLI's words and exit codes.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../src/errors.js';
import { helpText, parseCommand, type CommandSpec, type FlagSpecs } from '../src/run/cli-args.js';

const tool = {
  program: 'tool',
  usage: ['tool [--n N] [--mode a|b] [--sizes N,N] [--verbose] driver.js [args...]'],
  summary: 'A test command',
  flags: {
    n: { kind: 'positive-integer', help: 'a size', default: 10 },
    level: { kind: 'non-negative-integer', help: 'a level' },
    ratio: { kind: 'positive-number', help: 'a ratio' },
    mode: { kind: 'choice', choices: ['a', 'b'], noun: 'mode', help: 'a mode' },
    sizes: { kind: 'positive-integer-list', help: 'sizes', default: [1, 2] },
    name: { kind: 'string', valueName: 'NAME', help: 'a name' },
    verbose: { kind: 'boolean', help: 'say more' },
  },
  positionals: 'rest',
} as const satisfies CommandSpec<FlagSpecs>;

function usageError(argv: string[]): string {
  try {
    parseCommand(tool, argv);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidArgumentError);
    return (error as Error).message;
  }
  throw new Error(`no error for ${argv.join(' ')}`);
}

describe('parseCommand', () => {
  it('parses every kind, with defaults, both --flag value and --flag=value, the last repeat winning', () => {
    const { flags, help, rest } = parseCommand(tool, ['--n=5', '--level', '0', '--ratio', '0.5', '--mode', 'b', '--sizes', '3,4,5', '--name', 'x', '--verbose', '--n', '6']);
    expect(flags).toEqual({ n: 6, level: 0, ratio: 0.5, mode: 'b', sizes: [3, 4, 5], name: 'x', verbose: true });
    expect(help).toBe(false);
    expect(rest).toEqual([]);
    expect(parseCommand(tool, []).flags).toEqual({ n: 10, sizes: [1, 2], verbose: false });
  });

  it('ends the options at the first positional or at --, and returns the rest untouched', () => {
    expect(parseCommand(tool, ['--n', '3', 'd.js', '--n', 'abc', '-h', '--']).rest).toEqual(['d.js', '--n', 'abc', '-h', '--']);
    expect(parseCommand(tool, ['--verbose', '--', '--d.js', 'x']).rest).toEqual(['--d.js', 'x']);
    expect(parseCommand(tool, ['-h', 'd.js']).help).toBe(true);
  });

  it('reports a bad flag in the words every program uses', () => {
    expect(usageError(['--n', 'abc'])).toBe("--n must be a positive integer, got 'abc'");
    for (const bad of ['0', '-1', '1.5', '', '2x', '1e3', '99999999999999999999']) {
      expect(usageError([`--n=${bad}`])).toBe(`--n must be a positive integer, got '${bad}'`);
    }
    expect(usageError(['--level=-1'])).toBe("--level must be a non-negative integer, got '-1'");
    expect(usageError(['--ratio', 'x'])).toBe("--ratio must be a positive number, got 'x'");
    expect(usageError(['--ratio=0'])).toBe("--ratio must be a positive number, got '0'");
    expect(usageError(['--mode', 'c'])).toBe("unknown mode 'c' (choose one of a, b)");
    expect(usageError(['--sizes', '1,,2'])).toBe("--sizes must be a comma-separated list of positive integers, got '1,,2'");
    expect(usageError(['--bogus', 'd.js'])).toBe('unknown option --bogus');
    expect(usageError(['--bogus=1'])).toBe('unknown option --bogus');
    expect(usageError(['--n'])).toBe('option --n needs a value');
    expect(usageError(['--level', '-1'])).toBe("option --level needs a value (for a value starting with '-', write --level=VALUE)");
    expect(usageError(['--verbose=yes'])).toBe('option --verbose takes no value');
    expect(() => parseCommand({ ...tool, positionals: 'none' }, ['x'])).toThrow(new InvalidArgumentError("unexpected argument 'x'"));
  });

  it('writes the help: usage, summary, one aligned line per flag with its default, then --help', () => {
    expect(helpText({ ...tool, flags: { n: tool.flags.n, mode: tool.flags.mode, verbose: tool.flags.verbose } })).toBe(
      'usage: tool [--n N] [--mode a|b] [--sizes N,N] [--verbose] driver.js [args...]\n' +
        '\n' +
        'A test command\n' +
        '\n' +
        'options:\n' +
        '  --n N       a size (default 10)\n' +
        '  --mode a|b  a mode\n' +
        '  --verbose   say more\n' +
        '  -h, --help  print this help and exit\n',
    );
  });
});

describe('the example and the benchmarks use it', () => {
  const program = (path: string, ...args: string[]) =>
    spawnSync(process.execPath, [fileURLToPath(new URL(path, import.meta.url)), ...args], { encoding: 'utf8', timeout: 30_000 });

  it('examples/poisson: --np abc exits 2 naming the flag; --help exits 0 on stdout', () => {
    const bad = program('../dist/examples/poisson.js', '--np', 'abc');
    expect(bad.status).toBe(2);
    expect(bad.stdout).toBe('');
    expect(bad.stderr.split('\n')[0]).toBe("poisson: --np must be a positive integer, got 'abc'");
    const help = program('../dist/examples/poisson.js', '--help');
    expect(help.status).toBe(0);
    expect(help.stderr).toBe('');
    expect(help.stdout).toMatch(/^ {2}--backend sequential\|threads\|mpi {2}where the parts live \(default sequential\)$/m);
  });

  it('bench/poisson and bench/run: the same words, exit 2', () => {
    const poisson = program('../dist/bench/poisson.js', '--np', 'abc');
    expect(poisson.status).toBe(2);
    expect(poisson.stderr.split('\n')[0]).toBe("bench/poisson: --np must be a positive integer, got 'abc'");
    const run = program('../dist/bench/run.js', '--parts', '1,x');
    expect(run.status).toBe(2);
    expect(run.stderr.split('\n')[0]).toBe("bench/run: --parts must be a comma-separated list of positive integers, got '1,x'");
    expect(program('../dist/bench/spmv.js', '--bogus').stderr.split('\n')[0]).toBe('bench/spmv: unknown option --bogus');
    const bindChoice = program('../dist/bench/poisson.js', '--backend', 'threads', '--bind', 'socket');
    expect(bindChoice.status).toBe(2);
    expect(bindChoice.stderr.split('\n')[0]).toBe("bench/poisson: unknown bind 'socket' (choose one of auto, none, core)");
    const bindMpi = program('../dist/bench/poisson.js', '--backend', 'sequential', '--bind', 'core', '--n', '4');
    expect(bindMpi.status).toBe(1);
    expect(bindMpi.stderr.split('\n')[0]).toBe('bench/poisson: --bind is for --backend threads, not sequential');
  });
});
