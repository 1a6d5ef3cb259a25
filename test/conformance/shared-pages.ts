/**
 * Shared memory on huge pages. Threads: the kernels addon's shared mappings
 * (`hugePageSharedBuffer`), run by test/shared-pages.test.ts under `withThreads`, which also
 * checks that the mapping is gone once the run has ended. MPI: the window collapsed into huge
 * pages (`collapseSharedPages`), run on 2 ranks by the same file.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { release } from 'node:os';
import { sharedArray, sharedBarrier, type PData } from '../../src/index.js';
import { largeArrays } from '../../src/kernels/large-arrays.js';
import { loadPageBinding } from '../../src/kernels/page-binding.js';
import { onParts } from './case.js';

/** Values of the shared array: 8 MiB, four huge pages of 2 MiB. */
export const SHARED_PAGES_VALUES = 2 ** 20;

/** What part `p` writes at index `i` (each part its own stripe of the array). */
const written = (p: number, i: number): number => 1 + p + i / 8;

function residentHugeBytes(): number {
  return Number(/AnonHugePages:\s+(\d+) kB/.exec(readFileSync('/proc/self/smaps_rollup', 'utf8'))?.[1] ?? NaN) * 1024;
}

/**
 * Every part sees the same zeroed memory, writes its stripe, and after the barrier reads every
 * other part's stripe; with the addon the memory is one of its shared mappings, starting less than
 * 4 KiB past a huge page boundary, and written on huge pages where the system has them. The zero
 * check reads a second array: a first read maps the shared zero page, and a write after it faults
 * a 4 KiB page (Linux splits a huge zero page on write), so only memory written first shows huge
 * pages.
 */
export function sharedArrayOnAMappingOfItsOwn(ranks: PData<number>): void {
  const { np } = ranks;
  const pages = loadPageBinding();
  const { hugePages } = largeArrays;
  const native = hugePages.enabled && pages.sharedMappedBytes !== undefined;
  const zeroed = sharedArray(ranks, SHARED_PAGES_VALUES);
  const s = sharedArray(ranks, SHARED_PAGES_VALUES);
  zeroed.values.forEach((v) => assert.ok(v.every((x) => x === 0), 'new shared memory is zeroed'));
  s.values.forEach((v) => {
    assert.equal(v.length, SHARED_PAGES_VALUES);
    assert.ok(v.buffer instanceof SharedArrayBuffer);
    if (native) {
      assert.ok((pages.sharedMappedBytes as () => number)() >= 16 * SHARED_PAGES_VALUES, 'the memory is a mapping of the addon');
      const toBoundary = pages.hugePageOffset(v, hugePages.pageBytes);
      const past = toBoundary === 0 ? 0 : hugePages.pageBytes - toBoundary;
      assert.ok(past < 4096 && past % 64 === 0, `the array starts ${past} bytes past a huge page boundary`);
    }
  });
  sharedBarrier(s);
  const before = residentHugeBytes();
  const stripe = Math.ceil(SHARED_PAGES_VALUES / np);
  s.values.forEach((v, p) => {
    for (let i = p * stripe; i < Math.min(SHARED_PAGES_VALUES, (p + 1) * stripe); i++) v[i] = written(p, i);
  });
  sharedBarrier(s);
  if (native) {
    // Every part faulted its own stripe before the barrier: the whole array, less the partial
    // page at either end, is on huge pages now.
    const grown = residentHugeBytes() - before;
    assert.ok(grown >= 8 * SHARED_PAGES_VALUES - 2 * hugePages.pageBytes, `${grown} bytes of huge pages written`);
  }
  s.values.forEach((v) => {
    for (let i = 0; i < SHARED_PAGES_VALUES; i++) {
      const p = Math.floor(i / stripe);
      if (v[i] !== written(p, i)) assert.fail(`value ${i} is ${v[i]}, part ${p} wrote ${written(p, i)}`);
    }
  });
  sharedBarrier(s);
}

/** Whether this kernel collapses shared memory (MADV_COLLAPSE: Linux 6.1, not with shmem `deny`). */
function collapsesSharedMemory(): boolean {
  const [major, minor] = release().split('.').map(Number);
  const shmem = readFileSync('/sys/kernel/mm/transparent_hugepage/shmem_enabled', 'utf8');
  return (major > 6 || (major === 6 && minor >= 1)) && !shmem.includes('[deny]');
}

/**
 * On MPI (2 ranks on one node): the window under a shared array of 32 MiB is collapsed into huge
 * pages by the node's first rank (the system's shared huge pages count at least its whole pages
 * while it lives), and stays shared: each rank's writes after the collapse are read by the other
 * after the barrier, the zeros of creation kept.
 */
export const windowOnHugePages = onParts([2], (ranks: PData<number>): void => {
  const { np } = ranks;
  const n = 4 * SHARED_PAGES_VALUES;
  const s = sharedArray(ranks, n);
  const shmemHugeBytes = (): number => Number(/ShmemHugePages:\s+(\d+) kB/.exec(readFileSync('/proc/meminfo', 'utf8'))?.[1] ?? NaN) * 1024;
  const { hugePages } = largeArrays;
  const pages = loadPageBinding();
  if (hugePages.enabled && pages.collapseSharedPages !== undefined && collapsesSharedMemory()) {
    // Whole huge pages of the window: all but the partial ones at its two ends.
    assert.ok(shmemHugeBytes() >= 8 * n - 2 * hugePages.pageBytes, `${shmemHugeBytes()} bytes of shared huge pages`);
  }
  s.values.forEach((v) => {
    assert.equal(v[0], 0);
    assert.equal(v[n - 1], 0);
  });
  sharedBarrier(s);
  const stripe = Math.ceil(n / np);
  s.values.forEach((v, p) => {
    for (let i = p * stripe; i < Math.min(n, (p + 1) * stripe); i++) v[i] = written(p, i);
  });
  sharedBarrier(s);
  s.values.forEach((v) => {
    for (let i = 0; i < n; i++) {
      const p = Math.floor(i / stripe);
      if (v[i] !== written(p, i)) assert.fail(`value ${i} is ${v[i]}, part ${p} wrote ${written(p, i)}`);
    }
  });
  sharedBarrier(s);
});
