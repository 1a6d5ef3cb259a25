/**
 * workerPool: ordered results, failing items named by index with their original error, workers
 * that die (process.exit, out of memory) reject the map within seconds and are replaced, and
 * close() leaves no thread behind. Task modules are the compiled fixtures in dist/.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { InvalidArgumentError, TaskFailedError } from '../src/errors.js';
import { poolExecArgv } from '../src/pool/exec-argv.js';
import { workerPool } from '../src/pool/worker-pool.js';

const square = fileURLToPath(new URL('../dist/test/fixtures/pool/square.js', import.meta.url));
const dying = fileURLToPath(new URL('../dist/test/fixtures/pool/dying.js', import.meta.url));

/** Threads of this process (Linux). */
function threadCount(): number {
  return readdirSync('/proc/self/task').length;
}

async function rejection(promise: Promise<unknown>): Promise<TaskFailedError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(TaskFailedError);
    return error as TaskFailedError;
  }
  throw new Error('the map resolved');
}

describe('workerPool', () => {
  const pool = workerPool({ size: 2, resourceLimits: { maxOldGenerationSizeMb: 32 } });
  afterAll(() => pool.close());

  it('returns results in item order, chunked or not, from the default or a named export', async () => {
    const items = Array.from({ length: 1001 }, (_, i) => (i * 7919) % 1001);
    const expected = items.map((x) => x * x);
    expect(await pool.map(square, items)).toEqual(expected);
    expect(await pool.map(square, items, { chunkSize: 'auto' })).toEqual(expected);
    expect(await pool.map(square, new Set(items), { chunkSize: 3 })).toEqual(expected);
    // Later items finish first (shorter sleeps): still in item order, with their indices.
    expect(await pool.map(square, [30, 20, 10, 0], { exportName: 'withIndex' })).toEqual([[30, 0], [20, 1], [10, 2], [0, 3]]);
    expect(await pool.map(square, [])).toEqual([]);
    // A second map while the first (sent whole to every worker) runs: both in order.
    const both = await Promise.all([pool.map(square, [30, 20, 10], { exportName: 'withIndex' }), pool.map(square, [1, 2, 3])]);
    expect(both).toEqual([[[30, 0], [20, 1], [10, 2]], [1, 4, 9]]);
  });

  it('an idle worker takes over a chunk queued behind a long one (the map ends with no worker idle early)', async () => {
    // A small map goes whole to both workers, which claim its items in turn: the 300 ms item
    // must not wait for the 400 ms one (700 ms in all); about 400 ms.
    const started = performance.now();
    expect(await pool.map(square, [400, 300, 10, 10], { exportName: 'withIndex' })).toEqual([[400, 0], [300, 1], [10, 2], [10, 3]]);
    expect(performance.now() - started).toBeLessThan(600);
    // More chunks than a map sent whole to every worker holds (65): sent a few at a time, the
    // 600 ms item queued behind the 800 ms one is taken over once the short ones are done (else
    // 1400 ms in all).
    const long = [800, 600, ...Array.from({ length: 63 }, () => 0)];
    const windowed = performance.now();
    expect(await pool.map(square, long, { exportName: 'withIndex' })).toEqual(long.map((x, i) => [x, i]));
    expect(performance.now() - windowed).toBeLessThan(1200);
  });

  it('reports progress as (done, total), ending at the total', async () => {
    const seen: [number, number][] = [];
    await pool.map(square, [1, 2, 3, 4, 5], { progress: (done, total) => seen.push([done, total]) });
    expect(seen.length).toBe(5);
    expect(seen.at(-1)).toEqual([5, 5]);
    expect(seen.every(([done], k) => k === 0 || done > seen[k - 1][0])).toBe(true);
  });

  it('rejects with the failing item index and its original error as cause, stack kept', async () => {
    for (const chunkSize of [1, 4]) {
      const error = await rejection(pool.map(square, [1, 2, 3, 4, 5, -6, 7, 8], { chunkSize }));
      expect(error.index).toBe(5);
      expect(error.message).toBe('item 5 failed: negative item -6');
      expect(error.cause).toBeInstanceOf(RangeError);
      expect((error.cause as Error).stack).toContain('fixtures/pool/square.js');
    }
    expect(await pool.map(square, [2, 3])).toEqual([4, 9]);
  });

  it('a worker calling process.exit rejects the map within seconds, then the pool maps again', async () => {
    const started = performance.now();
    const error = await rejection(pool.map(dying, [1, 2, 'exit', 4, 5, 6]));
    expect(performance.now() - started).toBeLessThan(5000);
    expect(error.index).toBe(2);
    expect(error.message).toBe('the worker running item 2 exited with code 7 (process.exit or a crash)');
    expect(await pool.map(dying, [1, 2, 3, 4])).toEqual([2, 4, 6, 8]);
    // Chunked, and after many tiny items sent in batches: the dying item is still named exactly.
    const chunked = await rejection(pool.map(dying, [1, 2, 3, 'exit', 5, 6, 7, 8], { chunkSize: 4 }));
    expect(chunked.index).toBe(3);
    const items: (number | string)[] = Array.from({ length: 3000 }, (_, i) => i);
    items[2500] = 'exit';
    expect((await rejection(pool.map(dying, items))).index).toBe(2500);
    const negative = Array.from({ length: 3000 }, (_, i) => (i === 1700 ? -1 : i));
    expect((await rejection(pool.map(square, negative))).index).toBe(1700);
    expect(await pool.map(dying, [4, 5])).toEqual([8, 10]);
  });

  it('a worker exhausting its heap (resourceLimits) rejects the map within seconds, then the pool maps again', async () => {
    const started = performance.now();
    const error = await rejection(pool.map(dying, [1, 'oom', 3]));
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(error.index).toBe(1);
    expect((error.cause as { code?: string }).code).toBe('ERR_WORKER_OUT_OF_MEMORY');
    expect(await pool.map(dying, [5, 6, 7])).toEqual([10, 12, 14]);
    expect(pool.size).toBe(2);
  });

  it('refuses bad arguments with typed errors before any work', async () => {
    await expect(pool.map(square, [1], { chunkSize: 0 })).rejects.toThrow("map: chunkSize must be an integer >= 1 or 'auto', got 0");
    await expect(pool.map(square, [1], { colour: 'red' } as never)).rejects.toThrow("map: unknown option 'colour'");
    await expect(pool.map('/no/such/module.js', [1])).rejects.toThrow(InvalidArgumentError);
    await expect(pool.map(square, 5 as never)).rejects.toThrow('map: items must be an array or another iterable');
    const missing = await rejection(pool.map(square, [1], { exportName: 'nothing' }));
    expect(missing.cause).toBeInstanceOf(InvalidArgumentError);
    expect(() => workerPool({ size: 0 })).toThrow('workerPool: size must be an integer in 1..256, got 0');
  });
});

it('close() ends every worker (no thread left) and rejects later maps', async () => {
  const before = threadCount();
  const pool = workerPool({ size: 3 });
  const pending = pool.map(square, Array.from({ length: 100 }, (_, i) => i), { exportName: 'withIndex' }).catch((error: unknown) => error);
  expect(threadCount()).toBeGreaterThanOrEqual(before + 3);
  await pool.close();
  expect(String(await pending)).toBe('InvalidArgumentError: the worker pool was closed before the map finished');
  await expect(pool.map(square, [1])).rejects.toThrow('map: the worker pool is closed');
  expect(threadCount()).toBe(before);
});

it('examples/task-farm: the talk\'s map and the CPU-bound one give the serial results', () => {
  const script = fileURLToPath(new URL('../dist/examples/task-farm.js', import.meta.url));
  const out = execFileSync(process.execPath, [script], { encoding: 'utf8', timeout: 40_000 });
  expect(out).toContain('  results [0,1,4,9,16,25,36,49,64,81]\n');
  expect(out).toMatch(/count primes x 16: serial [\d.]+ s, pool of 2 [\d.]+ s \(speed-up [\d.]+\), results identical; primes below 200000: 17984\n/);
});

it('gives workers the module-loading options only when the program came from -e, -p or --input-type', () => {
  expect(poolExecArgv(['--expose-gc', '--import', 'tsx'])).toBeUndefined();
  expect(poolExecArgv(['--import', 'tsx', '--max-old-space-size=100', '--input-type=module', '-e', 'code', '--conditions=dev'])).toEqual([
    '--import',
    'tsx',
    '--conditions=dev',
  ]);
  const index = new URL('../dist/src/index.js', import.meta.url).href;
  const code = `import { workerPool, cluster } from '${index}';
    const pool = workerPool({ size: 2 });
    console.log(JSON.stringify(await pool.map(${JSON.stringify(square)}, [1, 2, 3])));
    const c = await cluster({ backend: 'threads', np: 2 });
    await c.scatter('a', 'abc');
    console.log(JSON.stringify(await c.pull('a')));
    await c.close();`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', code], { encoding: 'utf8', timeout: 30_000 });
  expect(out).toBe('[1,4,9]\n["a","bc"]\n');
});
