/**
 * Task farming with workerPool (multiprocessing's Pool.map in JavaScript), the parallelism talk's
 * examples:
 *   1. a function that takes 0.1-0.2 s on each of ten items: serial, then on a pool of 2;
 *   2. a CPU-bound one: count the primes below 200 000 + k by trial division for k = 0..15,
 *      serial and on a pool of 2, with identical results.
 *
 * Run: node dist/examples/task-farm.js. This file is also the task module: the pool's workers
 * import it and call its exports `sleepy` and `countPrimes` (its program part runs only when it
 * is the program started, in the main thread). On a terminal the maps show a progress bar.
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { isMainThread } from 'node:worker_threads';
import { workerPool } from '../src/index.js';

/** Blocks this thread for `ms` milliseconds (like Python's time.sleep: no event loop turn). */
function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** The talk's function: takes 0.1-0.2 s, returns the square of its item. */
export function sleepy(x: number): number {
  sleepSync(100 + 100 * Math.random());
  return x * x;
}

/** Number of primes below 200 000 + k, by trial division (the CPU-bound task). */
export function countPrimes(k: number): number {
  const limit = 200_000 + k;
  let count = 0;
  for (let m = 2; m < limit; m++) {
    let prime = true;
    for (let d = 2; d * d <= m; d++) {
      if (m % d === 0) {
        prime = false;
        break;
      }
    }
    if (prime) count++;
  }
  return count;
}

/** Returns its item: warms the workers up (they import this module on first use, as Python's workers fork). */
export function identity(x: number): number {
  return x;
}

/** Seconds `f` takes, and its result. */
async function timed<T>(f: () => T | Promise<T>): Promise<{ seconds: number; value: T }> {
  const t0 = performance.now();
  const value = await f();
  return { seconds: (performance.now() - t0) / 1000, value };
}

async function main(): Promise<void> {
  const here = import.meta.url;
  const pool = workerPool({ size: 2 });
  try {
    await pool.map(here, [0, 1, 2, 3], { exportName: 'identity' });
    const ten = Array.from({ length: 10 }, (_, i) => i);
    const serialSleepy = await timed(() => ten.map(sleepy));
    const pooledSleepy = await timed(() => pool.map<number>(here, ten, { exportName: 'sleepy', progress: true }));
    console.log(`sleepy x 10: serial ${serialSleepy.seconds.toFixed(2)} s, pool of 2 ${pooledSleepy.seconds.toFixed(2)} s`);
    console.log(`  results ${JSON.stringify(pooledSleepy.value)}`);

    const sixteen = Array.from({ length: 16 }, (_, k) => k);
    const serial = await timed(() => sixteen.map(countPrimes));
    const pooled = await timed(() => pool.map<number>(here, sixteen, { exportName: 'countPrimes', progress: true }));
    const same = pooled.value.every((count, k) => count === serial.value[k]);
    console.log(
      `count primes x 16: serial ${serial.seconds.toFixed(2)} s, pool of 2 ${pooled.seconds.toFixed(2)} s ` +
        `(speed-up ${(serial.seconds / pooled.seconds).toFixed(2)}), results ${same ? 'identical' : 'DIFFERENT'}; ` +
        `primes below 200000: ${serial.value[0]}`,
    );
    if (!same) process.exitCode = 1;
  } finally {
    await pool.close();
  }
}

if (isMainThread && process.argv[1] !== undefined && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url))) {
  await main();
}
