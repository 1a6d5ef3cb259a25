/**
 * The workers of a Threads run get the Node.js options of the process, less those about how the
 * process's own program was given (`-e`, `-p`, `--input-type`, ...): a run starts from
 * `node --input-type=module -e '...'` and keeps `--expose-gc`, `--max-old-space-size` and the
 * options a worker takes (fixtures/threads/runtime.ts reports what each worker runs with).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { withoutRefusedOptions, workerExecArgv } from '../src/backends/threads/exec-argv.js';
import type { Runtime } from './fixtures/threads/runtime.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const driver = fileURLToPath(new URL('../dist/test/fixtures/threads/runtime.js', import.meta.url));

/** Runs `node <options>` in the package's directory and returns the parts' reports it printed. */
function runNode(options: string[]): Runtime[] {
  const child = spawnSync(process.execPath, options, { cwd: root, encoding: 'utf8', timeout: 30_000 });
  expect(child.stderr).toBe('');
  expect(child.status).toBe(0);
  const line = child.stdout.split('\n').find((l) => l.startsWith('RESULT '));
  expect(line).toBeDefined();
  return JSON.parse((line as string).slice('RESULT '.length)) as Runtime[];
}

function expectKept(reports: Runtime[]): void {
  expect(reports).toHaveLength(2);
  for (const report of reports) {
    expect(report.total).toBe(1);
    expect(report.execArgv).toEqual(['--trace-warnings']);
    expect(report.gc).toBe('function');
    expect(report.heapLimitMb).toBeGreaterThanOrEqual(300);
    expect(report.heapLimitMb).toBeLessThan(400);
  }
}

const kept = ['--expose-gc', '--max-old-space-size=300', '--trace-warnings'];

describe('withThreads from a program given on the command line', () => {
  it('node --input-type=module -e: runs, keeping the other options', () => {
    const code = `import { withThreads } from 'partitioned-arrays';
console.log('RESULT ' + JSON.stringify(await withThreads(2, ${JSON.stringify(driver)})));`;
    expectKept(runNode([...kept, '--input-type=module', '-e', code]));
  }, 40_000);

  it('node --input-type commonjs --print: runs, keeping the other options', () => {
    const code = `import('partitioned-arrays').then((pa) => pa.withThreads(2, ${JSON.stringify(driver)}))
  .then((r) => console.log('RESULT ' + JSON.stringify(r)))`;
    expectKept(runNode(['--input-type', 'commonjs', ...kept, '--print', code]));
  }, 40_000);
});

describe('workerExecArgv', () => {
  it('leaves out the entry-point options and their values, keeps the rest', () => {
    expect(
      workerExecArgv(['--input-type', 'module', '--import', 'tsx', '-e', 'code', '--eval=more', '-pe', 'x', '--conditions=dev']),
    ).toEqual(['--import', 'tsx', '--conditions=dev']);
    expect(workerExecArgv(['-i', '--interactive', '-c', '--check', '--print', 'x', '-p', 'y', '--input-type=module'])).toEqual([]);
  });

  it('is undefined (inherit as it is) when there is nothing to leave out', () => {
    expect(workerExecArgv(['--expose-gc', '--import', 'tsx'])).toBeUndefined();
    expect(workerExecArgv([])).toBeUndefined();
  });
});

describe('withoutRefusedOptions', () => {
  it("drops the options Node refuses in a worker's list (and a refused option's value) until Node takes it", async () => {
    let options = ['--title', 'name', '--no-warnings', '--expose-gc', '--stack-size=2000', '--conditions', 'dev'];
    for (let attempt = 1; ; attempt++) {
      try {
        await new Worker('', { eval: true, execArgv: options }).terminate();
        break;
      } catch (error) {
        expect((error as NodeJS.ErrnoException).code).toBe('ERR_WORKER_INVALID_EXEC_ARGV');
        const fewer = withoutRefusedOptions(options, error);
        expect(fewer).toBeDefined();
        expect(attempt).toBeLessThan(options.length);
        options = fewer as string[];
      }
    }
    expect(options).toEqual(['--no-warnings', '--conditions', 'dev']);
  });

  it('is undefined for any other error', () => {
    expect(withoutRefusedOptions(['--expose-gc'], new Error('Initiated Worker with invalid execArgv flags: --expose-gc'))).toBeUndefined();
    expect(withoutRefusedOptions(['--expose-gc'], 'a string')).toBeUndefined();
  });
});
