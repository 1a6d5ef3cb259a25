/**
 * Shared memory on huge pages: the allocator's shared arrays come from the kernels addon's shared
 * mappings (`hugePageSharedBuffer`) where it has them, and from V8's SharedArrayBuffers, advised,
 * otherwise; the addon's mappings are shared between threads and unmapped once the last thread
 * drops them, also across runs of `withThreads`; on MPI the window is collapsed into huge pages
 * and stays shared.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { hugePageArrays, plainLargeArrays, SLAB_PAGES } from '../src/kernels/large-arrays.js';
import { loadPageBinding, type HugePageAdvice, type PageBinding } from '../src/kernels/page-binding.js';
import { kernelKind } from '../src/kernels/select-kernels.js';
import { withThreads } from '../src/run/with-threads.js';
import { windowOnHugePages } from './conformance/shared-pages.js';
import { conformanceSuite } from './harness.js';
import { mpiRunners } from './runners/mpi.js';

const PAGE = 2 ** 16;

/** A binding whose buffers start `start` bytes before a page boundary, with or without shared mappings. */
function fakePages(start: number, withShared: boolean): PageBinding & { advised: number[]; mapped: number[] } {
  const advised: number[] = [];
  const mapped: number[] = [];
  return {
    advised,
    mapped,
    hugePageOffset: () => start,
    adviseHugePages: (array: ArrayBufferView): HugePageAdvice => {
      advised.push(array.byteOffset);
      return { advised: array.byteLength, collapsed: false };
    },
    ...(withShared
      ? {
          hugePageSharedBuffer: (bytes: number, pageBytes: number): SharedArrayBuffer => {
            expect(pageBytes).toBe(PAGE);
            mapped.push(bytes);
            return new SharedArrayBuffer(bytes);
          },
        }
      : {}),
  };
}

describe('shared arrays of the allocator', () => {
  it('come from the shared mappings, large ones and slabs alike, staggered, never advised again', () => {
    const pages = fakePages(4096, true);
    const arrays = hugePageArrays(pages, PAGE);
    const large = arrays.float64(PAGE / 4, true);
    const small = arrays.float64(PAGE / 16, true);
    const plain = arrays.float64(PAGE / 4);
    expect(large.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(small.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(plain.buffer).toBeInstanceOf(ArrayBuffer);
    // the large array: 2 pages (its stagger of 0 lines rounds up to no waste); the slab: SLAB_PAGES pages
    expect(pages.mapped).toEqual([2 * PAGE, SLAB_PAGES * PAGE]);
    expect([large.byteOffset, small.byteOffset, plain.byteOffset]).toEqual([0, 320, 4096 + 640]);
    expect(pages.advised).toEqual([4096]); // the ordinary array only
    for (const a of [large, small]) expect(a.every((v) => v === 0)).toBe(true);
  });

  it('without the shared mappings, use slabs of V8 buffers whose boundary is not on a cache line (malloc puts them 16 bytes into a page)', () => {
    const pages = fakePages(4080, false);
    const arrays = hugePageArrays(pages, PAGE);
    const a = arrays.float64(PAGE / 16, true);
    const b = arrays.float64(PAGE / 16, true);
    expect(a.buffer).toBe(b.buffer);
    expect(a.buffer.byteLength).toBe((SLAB_PAGES + 1) * PAGE);
    // both at the boundary plus a whole number of cache lines (staggers 0 and 5 lines)
    expect([a.byteOffset, b.byteOffset]).toEqual([4080, 4080 + PAGE / 2 + 320]);
    expect(pages.advised).toEqual([4080]);
  });
});

describe('LargeArrays.collapseShared', () => {
  it("passes the array and the page size to the addon and returns what it collapsed; 0 without the function or huge pages", () => {
    const calls: [number, number][] = [];
    const pages: PageBinding = {
      ...fakePages(0, false),
      collapseSharedPages: (array, pageBytes) => {
        calls.push([array.byteLength, pageBytes]);
        return { collapsed: 3 * pageBytes, error: '' };
      },
    };
    const array = new Float64Array(PAGE);
    expect(hugePageArrays(pages, PAGE).collapseShared(array)).toBe(3 * PAGE);
    expect(calls).toEqual([[8 * PAGE, PAGE]]);
    expect(hugePageArrays(fakePages(0, false), PAGE).collapseShared(array)).toBe(0);
    expect(plainLargeArrays('PA_HUGE_PAGES=0').collapseShared(array)).toBe(0);
  });
});

// Registered only when the addon is in use; kernels.test.ts reports (and with PA_REQUIRE_NATIVE=1 fails) otherwise.
if (kernelKind === 'native') {
  describe("the addon's shared mappings", () => {
    const pages = loadPageBinding();
    const HUGE = 2 ** 21;
    const mappedBytes = (): number => (pages.sharedMappedBytes as () => number)();
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    /** Collects until the mapped bytes are back to `bytes` (V8 frees swept buffers a little later). */
    async function settlesAt(bytes: number): Promise<number> {
      for (let k = 0; k < 100 && mappedBytes() !== bytes; k++) {
        gc();
        await sleep(20);
      }
      return mappedBytes();
    }

    it('hugePageSharedBuffer: zeroed, on a boundary, shared with a worker, unmapped when the last thread drops it', async () => {
      const hugePageSharedBuffer = pages.hugePageSharedBuffer as NonNullable<PageBinding['hugePageSharedBuffer']>;
      const start = mappedBytes();
      let buffer: SharedArrayBuffer | undefined = hugePageSharedBuffer(HUGE + 8, HUGE);
      expect(buffer).toBeInstanceOf(SharedArrayBuffer);
      expect(buffer.byteLength).toBe(HUGE + 8);
      expect(mappedBytes() - start).toBe(HUGE + 4096);
      expect(pages.hugePageOffset(new Uint8Array(buffer), HUGE)).toBe(0);
      let values: Float64Array | undefined = new Float64Array(buffer);
      expect(values.every((v) => v === 0)).toBe(true);
      // The worker writes the last value, answers, then holds the buffer until told to drop it.
      const worker = new Worker(
        `const { parentPort, workerData } = require('node:worker_threads');
         let a = new Float64Array(workerData);
         a[a.length - 1] = 6.5;
         parentPort.postMessage('written');
         parentPort.once('message', () => { a = undefined; parentPort.close(); });`,
        { eval: true, workerData: buffer },
      );
      await new Promise((resolve) => worker.once('message', resolve));
      expect(values[values.length - 1]).toBe(6.5);
      values = undefined;
      buffer = undefined;
      // Still mapped after collections: the worker holds it.
      for (let k = 0; k < 5; k++) {
        gc();
        await sleep(20);
      }
      expect(mappedBytes()).toBe(start + HUGE + 4096);
      const exited = new Promise((resolve) => worker.once('exit', resolve));
      worker.postMessage('drop');
      await exited;
      expect(await settlesAt(start)).toBe(start);
      expect(() => hugePageSharedBuffer(8, 3000)).toThrow('hugePageSharedBuffer: pageBytes must be a power of two >= 4096');
    });

    it('collapseSharedPages leaves private memory alone and says why; refuses what is not a typed array', () => {
      const collapseSharedPages = pages.collapseSharedPages as NonNullable<PageBinding['collapseSharedPages']>;
      const buffer = (pages.hugePageSharedBuffer as NonNullable<PageBinding['hugePageSharedBuffer']>)(4 * HUGE, HUGE);
      const values = new Float64Array(buffer).fill(1.5);
      expect(collapseSharedPages(values, HUGE)).toEqual({ collapsed: 0, error: 'Invalid argument' });
      expect(values.every((v) => v === 1.5)).toBe(true);
      expect(collapseSharedPages(new Float64Array(8), HUGE)).toEqual({ collapsed: 0, error: '' }); // no whole huge page
      expect(() => collapseSharedPages([1] as unknown as Float64Array, HUGE)).toThrow(TypeError);
      expect(() => collapseSharedPages(values, 3000)).toThrow(RangeError);
    });

    it('withThreads: one mapping shared by every part, zeroed, written and read across parts, gone after each run', async () => {
      const driver = fileURLToPath(new URL('../dist/test/conformance/shared-pages.js', import.meta.url));
      const start = await settlesAt(mappedBytes());
      for (let run = 0; run < 2; run++) {
        await withThreads(2, driver, { exportName: 'sharedArrayOnAMappingOfItsOwn' });
        expect(await settlesAt(start)).toBe(start);
      }
    });
  });
}

// The driver module is this suite's own (`shared-pages`); only its MPI case runs here.
conformanceSuite('shared-pages', { windowOnHugePages }, mpiRunners);
