/**
 * cluster(): engines keep state between calls, scatter/gather cut and join in part order, an
 * engine's error names its part and leaves the cluster usable, close() leaves no thread or
 * process behind. Threads engines, and MPI engines under mpirun -n 2 (never skipped: a missing
 * mpirun or MPI addon fails these tests). Drivers are the compiled fixtures in dist/.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cluster, type Cluster } from '../src/cluster/cluster.js';
import { InvalidArgumentError, PartFailedError, WorkerError } from '../src/errors.js';

const driver = fileURLToPath(new URL('../dist/test/fixtures/pool/cluster-driver.js', import.meta.url));
const orphanCheck = fileURLToPath(new URL('../dist/test/fixtures/pool/orphan-check.js', import.meta.url));
const interactive = fileURLToPath(new URL('../dist/examples/interactive.js', import.meta.url));
process.env.OMPI_ALLOW_RUN_AS_ROOT = '1';
process.env.OMPI_ALLOW_RUN_AS_ROOT_CONFIRM = '1';

/** The cluster sockets a process left in the temporary directory. */
function socketFiles(pid: number): string[] {
  return readdirSync(tmpdir()).filter((name) => name.startsWith(`pa-cluster-${pid}-`));
}

function threadCount(): number {
  return readdirSync('/proc/self/task').length;
}

async function failure(promise: Promise<unknown>): Promise<PartFailedError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(PartFailedError);
    return error as PartFailedError;
  }
  throw new Error('the call resolved');
}

async function waitUntil(condition: () => boolean, ms: number): Promise<boolean> {
  const until = performance.now() + ms;
  while (!condition() && performance.now() < until) await new Promise((resolve) => setTimeout(resolve, 50));
  return condition();
}

/** The checks every backend passes, on a cluster of 2 engines. */
async function stateErrorsAndData(c: Cluster, failureClass: typeof PartFailedError): Promise<void> {
  await c.push({ pushed: { deep: [1, 2] } });
  expect(await c.run(driver, 1)).toEqual([
    { part: 0, calls: 1, count: 1, pushed: { deep: [1, 2] } },
    { part: 1, calls: 1, count: 1, pushed: { deep: [1, 2] } },
  ]);
  expect(await c.run(driver, 4)).toEqual([
    { part: 0, calls: 2, count: 5, pushed: { deep: [1, 2] } },
    { part: 1, calls: 2, count: 5, pushed: { deep: [1, 2] } },
  ]);
  expect(await c.runExport(driver, 'total')).toEqual([10, 10]);
  expect(await c.pull('count')).toEqual([5, 5]);

  await c.scatter('a', 'Hello World!');
  await c.runExport(driver, 'upper', 'a');
  expect(await c.pull('a')).toEqual(['HELLO ', 'World!']);
  expect(await c.gather('a')).toBe('HELLO World!');
  await c.scatter('odd', [1, 2, 3, 4, 5, 6, 7]);
  expect(await c.pull('odd')).toEqual([[1, 2, 3], [4, 5, 6, 7]]);
  expect(await c.gather('odd')).toEqual([1, 2, 3, 4, 5, 6, 7]);
  await c.scatter('f', new Float64Array([0.5, 1.5, 2.5]));
  const pieces = await c.pull<Float64Array>('f');
  expect(pieces.map((piece) => Array.from(piece))).toEqual([[0.5], [1.5, 2.5]]);
  const joined = await c.gather<Float64Array>('f');
  expect(joined).toBeInstanceOf(Float64Array);
  expect(Array.from(joined)).toEqual([0.5, 1.5, 2.5]);
  // Typed arrays move as copies made at the call: the caller may change its own at once, the
  // engines keep theirs after a gather, a Buffer (whose slice is a view) stays usable.
  const ints = new Int32Array([1, 2, 3, 4, 5, 6, 7]);
  const scattered = c.scatter('ints', ints);
  ints.fill(0);
  await scattered;
  expect(Array.from(await c.gather<Int32Array>('ints'))).toEqual([1, 2, 3, 4, 5, 6, 7]);
  expect((await c.pull<Int32Array>('ints')).map((piece) => [piece.constructor.name, Array.from(piece)])).toEqual([
    ['Int32Array', [1, 2, 3]],
    ['Int32Array', [4, 5, 6, 7]],
  ]);
  const bytes = Buffer.from('abc');
  await c.scatter('bytes', bytes);
  expect(bytes.toString()).toBe('abc');
  expect(Array.from(await c.gather<Uint8Array>('bytes'))).toEqual([97, 98, 99]);
  await c.scatter('big', new BigInt64Array([-5n]));
  expect((await c.pull<BigInt64Array>('big')).map((piece) => Array.from(piece))).toEqual([[], [-5n]]);
  await c.scatter('one', 'x');
  expect(await c.pull('one')).toEqual(['', 'x']);

  const error = await failure(c.runExport(driver, 'failOn', 1));
  expect(error).toBeInstanceOf(failureClass);
  expect(error.partId).toBe(1);
  expect(error.message).toBe('part 1 failed: RangeError: part 1 refuses');
  expect(error.cause).toBeInstanceOf(RangeError);
  expect((error.cause as Error).stack).toContain('fixtures/pool/cluster-driver.js');
  expect(await c.runExport(driver, 'total')).toEqual([10, 10]);

  const missing = c.pull('nothing');
  await expect(missing).rejects.toThrow(InvalidArgumentError);
  await expect(missing).rejects.toThrow("no value named 'nothing' on the engine (stored: pushed, count, a, odd, f, ints, bytes, big, one) (part 0)");
  await expect(c.scatter('s', 5 as never)).rejects.toThrow('scatter: array must be an array, a typed array or a string, got 5');
  await expect(c.run('/no/such/driver.js')).rejects.toThrow(InvalidArgumentError);
  expect(await c.runExport(driver, 'failOn', 7)).toEqual([0, 1]);
}

describe('cluster on threads', () => {
  it('keeps state, moves data, reports errors by part and stays usable; close() leaves no thread', async () => {
    const before = threadCount();
    const c = await cluster({ backend: 'threads', np: 2 });
    try {
      expect(threadCount()).toBeGreaterThanOrEqual(before + 2);
      await stateErrorsAndData(c, WorkerError);
      // Part 1 throws while part 0 waits for it in a reduction: stopped at once, fresh communicator.
      const started = performance.now();
      const error = await failure(c.runExport(driver, 'failInCollective', 1));
      expect(performance.now() - started).toBeLessThan(5000);
      expect(error.partId).toBe(1);
      expect(error.message).toBe('part 1 failed: RangeError: part 1 leaves the others waiting');
      expect(await c.runExport(driver, 'total')).toEqual([10, 10]);
      expect(await c.run(driver, 0)).toEqual([
        { part: 0, calls: 3, count: 5, pushed: { deep: [1, 2] } },
        { part: 1, calls: 3, count: 5, pushed: { deep: [1, 2] } },
      ]);
    } finally {
      await c.close();
    }
    expect(await waitUntil(() => threadCount() === before, 2000)).toBe(true);
    await expect(c.pull('count')).rejects.toThrow('the cluster is closed');
  });

  it('refuses bad options', async () => {
    await expect(cluster({ backend: 'gpu', np: 2 } as never)).rejects.toThrow('cluster: backend must be \'threads\' or \'mpi\', got "gpu"');
    await expect(cluster({ backend: 'threads', np: 0 })).rejects.toThrow('cluster: np must be an integer in 1..256, got 0');
  });
});

describe('cluster on MPI engines (mpirun -n 2)', () => {
  let c: Cluster;
  beforeAll(async () => {
    c = await cluster({ backend: 'mpi', np: 2, collectiveTimeoutMs: 1500 });
  });
  afterAll(() => c?.close());

  it('keeps state, moves data, reports errors by part and stays usable', async () => {
    expect(socketFiles(process.pid)).toEqual([]);
    await stateErrorsAndData(c, PartFailedError);
  });

  it('after a collective timeout the engines are restarted and the next call works', async () => {
    const error = await failure(c.runExport(driver, 'failInCollective', 1));
    expect(error.partId).toBe(1);
    expect(error.message).toBe('part 1 failed: RangeError: part 1 leaves the others waiting');
    await c.push({ count: 2 });
    expect(await c.runExport(driver, 'total')).toEqual([4, 4]);
    expect(socketFiles(process.pid)).toEqual([]);
  });

  it('close() ends every engine process (checked in /proc)', async () => {
    const pids = (await c.runExport<{ pid: number }>(driver, 'where')).map((w) => w.pid);
    expect(new Set(pids).size).toBe(2);
    expect(pids.every((pid) => existsSync(`/proc/${pid}`))).toBe(true);
    await c.close();
    expect(await waitUntil(() => pids.every((pid) => !existsSync(`/proc/${pid}`)), 5000)).toBe(true);
  });

  it('engines end by themselves when the process that started them exits without close()', async () => {
    const out = execFileSync(process.execPath, [orphanCheck], { encoding: 'utf8', timeout: 30_000, stdio: ['ignore', 'pipe', 'ignore'] });
    const { engines, driver: driverPid } = JSON.parse(out.trim()) as { engines: number[]; driver: number };
    expect(engines.length).toBe(2);
    expect(await waitUntil(() => engines.every((pid) => !existsSync(`/proc/${pid}`)), 10_000)).toBe(true);
    expect(socketFiles(driverPid)).toEqual([]);
  });
});

it('examples/interactive on MPI engines: HELLO World!, then a PVector built, inspected and solved', () => {
  const out = execFileSync(process.execPath, [interactive], { encoding: 'utf8', timeout: 40_000, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines = out.trim().split('\n');
  expect(lines.slice(0, 4)).toEqual([
    'pieces on the engines: ["Hello ","World!"]',
    'gathered: HELLO World!',
    'inspect: {"part":0,"ownRows":50,"nnzGlobal":298,"normB":10}',
    'inspect: {"part":1,"ownRows":50,"nnzGlobal":298,"normB":10}',
  ]);
  expect(lines[4]).toMatch(/^solve: converged-rtol in \d+ iterations, ‖b - A x‖\/‖b‖ = /);
  const error = Number(/max \|x_i - \(i\+1\)\(n-i\)\/2\| = (\S+)$/.exec(lines[5])?.[1]);
  expect(error).toBeLessThan(1e-6);
});
