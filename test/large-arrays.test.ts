/**
 * Large arrays on huge pages: the placement and advice logic against a fake page binding (where
 * each view starts, which bytes are advised, what a refusal does), the choice made from
 * PA_HUGE_PAGES, the kernels and the system, the addon's page functions themselves, and, on this
 * machine, that an advised array really is backed by huge pages.
 */
import { readFileSync } from 'node:fs';
import { MessageChannel } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { BackendUnavailableError, InvalidArgumentError } from '../src/errors.js';
import {
  hugePageArrays,
  largeArrays,
  plainLargeArrays,
  RECYCLE_MIN_BYTES,
  selectLargeArrays,
  SLAB_PAGES,
  type HugePageSystem,
} from '../src/kernels/large-arrays.js';
import { loadPageBinding, type HugePageAdvice, type PageBinding } from '../src/kernels/page-binding.js';
import { kernelKind } from '../src/kernels/select-kernels.js';

const PAGE = 2 ** 16;

/** A page binding that says every buffer starts `start` bytes before a page boundary and records the advice. */
function fakePages(start: number, refuse?: string): PageBinding & { advised: { offset: number; bytes: number; buffer: ArrayBufferLike }[] } {
  const advised: { offset: number; bytes: number; buffer: ArrayBufferLike }[] = [];
  return {
    advised,
    hugePageOffset: (array: ArrayBufferView, pageBytes: number): number => {
      expect(pageBytes).toBe(PAGE);
      expect(array.byteOffset).toBe(0);
      return start;
    },
    adviseHugePages: (array: ArrayBufferView, pageBytes: number): HugePageAdvice => {
      expect(pageBytes).toBe(PAGE);
      if (refuse !== undefined) throw new Error(refuse);
      advised.push({ offset: array.byteOffset, bytes: array.byteLength, buffer: array.buffer });
      return { advised: array.byteLength, collapsed: true };
    },
  };
}

const linux = (enabled: string | undefined, pageBytes: string | undefined = `${2 ** 21}\n`): HugePageSystem => ({
  platform: 'linux',
  readEnabled: () => enabled,
  readPageBytes: () => pageBytes,
});

describe('hugePageArrays with a fake binding', () => {
  it('starts a large array on the page boundary, zero-filled, and advises its whole pages', () => {
    const pages = fakePages(4096);
    const arrays = hugePageArrays(pages, PAGE);
    const length = (3 * PAGE) / 8 - 100; // 2.99 pages: rounded up to 3 (waste 800 B <= 1/8)
    const a = arrays.float64(length);
    expect(a).toBeInstanceOf(Float64Array);
    expect(a.length).toBe(length);
    expect(a.byteOffset).toBe(4096);
    expect(a.buffer).toBeInstanceOf(ArrayBuffer);
    expect(a.every((v) => v === 0)).toBe(true);
    expect(pages.advised).toEqual([{ offset: 4096, bytes: 3 * PAGE, buffer: a.buffer }]);
    expect(a.buffer.byteLength).toBe(4 * PAGE);
    expect(arrays.hugePages).toEqual({ enabled: true, pageBytes: PAGE, reason: '' });
  });

  it('maps arrays under 32 MiB on their own and gives larger ones an advised ArrayBuffer', () => {
    const mapped: number[] = [];
    const pages = {
      ...fakePages(0),
      hugePageBuffer: (bytes: number, pageBytes: number): ArrayBuffer => {
        expect(pageBytes).toBe(PAGE);
        mapped.push(bytes);
        return new ArrayBuffer(bytes);
      },
    };
    const arrays = hugePageArrays(pages, PAGE);
    const below = arrays.float64(2 ** 22 - 8); // 32 MiB less 64 bytes
    expect(mapped).toHaveLength(1);
    expect(mapped[0]).toBeGreaterThanOrEqual(below.byteLength);
    expect(below.buffer.byteLength).toBe(mapped[0]);
    expect(pages.advised).toEqual([]);
    const large = arrays.float64(2 ** 22); // exactly 32 MiB
    expect(mapped).toHaveLength(1);
    expect(large.length).toBe(2 ** 22);
    expect(large.every((v) => v === 0)).toBe(true);
    expect(pages.advised).toHaveLength(1);
    expect(pages.advised[0].buffer).toBe(large.buffer);
    expect(pages.advised[0].bytes).toBeGreaterThanOrEqual(large.byteLength);
  });

  it('leaves the last partial page alone when rounding it up would waste more than an eighth', () => {
    const pages = fakePages(0);
    const a = hugePageArrays(pages, PAGE).int32((1.5 * PAGE) / 4); // waste 0.5 page > 1.5/8 page
    expect(a).toBeInstanceOf(Int32Array);
    expect(a.length).toBe((1.5 * PAGE) / 4);
    expect(pages.advised).toEqual([{ offset: 0, bytes: 1.5 * PAGE, buffer: a.buffer }]);
  });

  it('starts successive arrays at 64 different cache lines past their boundary, each advised from the boundary', () => {
    const pages = fakePages(0);
    const arrays = hugePageArrays(pages, PAGE);
    const views = Array.from({ length: 65 }, () => arrays.float64(PAGE / 8));
    const starts = views.map((v) => v.byteOffset);
    expect(starts.slice(0, 4)).toEqual([0, 320, 640, 960]);
    expect(new Set(starts.slice(0, 64)).size).toBe(64);
    expect(starts.every((s) => s % 64 === 0 && s < 4096)).toBe(true);
    expect(starts[64]).toBe(starts[0]);
    views.forEach((v, k) => {
      const { offset, bytes, buffer } = pages.advised[k];
      expect(buffer).toBe(v.buffer);
      expect(offset).toBe(0);
      expect(offset + bytes).toBeGreaterThanOrEqual(v.byteOffset + v.byteLength);
      expect(v.length).toBe(PAGE / 8);
    });
    // 1 page + 320 B: rounding up to 2 pages would waste more than an eighth, so the tail stays
    expect(pages.advised[1].bytes).toBe(PAGE + 320);
  });

  it('puts shared arrays in a SharedArrayBuffer', () => {
    const pages = fakePages(8);
    const a = hugePageArrays(pages, PAGE).float64(PAGE / 8, true);
    expect(a.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(a.byteOffset).toBe(8);
    expect(pages.advised).toHaveLength(1);
  });

  it('gives arrays smaller than a 32nd of a page plain memory, without advice', () => {
    const pages = fakePages(4096);
    const arrays = hugePageArrays(pages, PAGE);
    const a = arrays.float64(PAGE / 256 - 1);
    const s = arrays.float64(10, true);
    const empty = arrays.int32(0);
    expect([a.byteOffset, a.buffer.byteLength]).toEqual([0, PAGE / 32 - 8]);
    expect(s.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(empty.length).toBe(0);
    expect(pages.advised).toEqual([]);
  });

  it('carves arrays between a 32nd of a page and a page from advised slabs of SLAB_PAGES pages, zero-filled', () => {
    const pages = fakePages(4096);
    const arrays = hugePageArrays(pages, PAGE);
    const a = arrays.float64(PAGE / 8 - 1);
    const b = arrays.int16(PAGE / 64);
    const c = arrays.float64(PAGE / 8 - 1); // does not fit after a and b: a new slab
    const s = arrays.float64(PAGE / 16, true);
    expect(a.buffer).toBe(b.buffer);
    expect(c.buffer).not.toBe(a.buffer);
    expect(s.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(a.buffer.byteLength).toBe((SLAB_PAGES + 1) * PAGE);
    // the slab starts at the page boundary; each array a (staggered) number of cache lines after the last
    expect([a.byteOffset, b.byteOffset]).toEqual([4096, Math.ceil((4096 + PAGE - 8) / 64) * 64 + 320]);
    expect([c.byteOffset, s.byteOffset]).toEqual([4096 + 640, 4096 + 960]);
    for (const v of [a, b, c, s]) expect(v.every((x) => x === 0)).toBe(true);
    a.fill(1);
    expect(b.every((x) => x === 0)).toBe(true);
    expect(pages.advised.map(({ offset, bytes }) => [offset, bytes])).toEqual([
      [4096, SLAB_PAGES * PAGE], [4096, SLAB_PAGES * PAGE], [4096, SLAB_PAGES * PAGE],
    ]);
  });

  it('falls back to plain memory when the boundary is not aligned to the element size', () => {
    const pages = fakePages(4);
    const a = hugePageArrays(pages, PAGE).float64(PAGE / 4);
    expect([a.byteOffset, a.length]).toEqual([0, PAGE / 4]);
    expect(pages.advised).toEqual([]);
  });

  it('turns itself off for good, with the reason, when the kernel refuses the advice', () => {
    const refusal = 'adviseHugePages: madvise(MADV_HUGEPAGE) failed: Invalid argument';
    const pages = fakePages(0, refusal);
    const arrays = hugePageArrays(pages, PAGE);
    const a = arrays.float64(PAGE / 8);
    a[0] = 1;
    expect([a.length, a[0]]).toEqual([PAGE / 8, 1]);
    expect(arrays.hugePages).toEqual({ enabled: false, pageBytes: 0, reason: refusal });
    const b = arrays.float64(PAGE / 8);
    expect([b.byteOffset, b.buffer.byteLength]).toEqual([0, PAGE]);
  });

  it('rejects a page size that is not a power of two of at least 4096', () => {
    for (const bad of [0, 1000, 3 * 4096, Number.NaN]) {
      expect(() => hugePageArrays(fakePages(0), bad)).toThrow(InvalidArgumentError);
    }
    expect(() => hugePageArrays(fakePages(0), 3000)).toThrow('hugePageArrays: pageBytes must be a power of two >= 4096, got 3000');
  });

  it('plainLargeArrays never advises and says why', () => {
    const arrays = plainLargeArrays('because');
    expect(arrays.hugePages).toEqual({ enabled: false, pageBytes: 0, reason: 'because' });
    const a = arrays.float64(1 << 20, true);
    expect([a.byteOffset, a.buffer.byteLength, a.buffer instanceof SharedArrayBuffer]).toEqual([0, 8 << 20, true]);
  });
});

describe('LargeArrays.recycle', () => {
  it('serves later arrays, zero-filled, from the recycled bytes (smallest fitting range first) until the thread is idle', async () => {
    const arrays = plainLargeArrays('test');
    const big = arrays.int32(1 << 21); // 8 MiB
    const small = arrays.float64(1 << 17); // 1 MiB
    big.fill(-1);
    small.fill(7);
    arrays.recycle(big);
    arrays.recycle(small);
    arrays.recycle(arrays.float64(10)); // under RECYCLE_MIN_BYTES: ignored
    const a = arrays.float64(RECYCLE_MIN_BYTES / 8); // fits both: from the smaller range
    const b = arrays.float64(1 << 18); // 2 MiB: only the big one has room
    const c = arrays.float64(1 << 18);
    expect([a.buffer, b.buffer, c.buffer]).toEqual([small.buffer, big.buffer, big.buffer]);
    for (const v of [a, b, c]) expect(v.every((x) => x === 0)).toBe(true);
    // inside the recycled bytes, 4 KiB-aligned plus a stagger, and not overlapping
    expect(a.byteOffset).toBeGreaterThanOrEqual(small.byteOffset);
    expect(a.byteOffset + a.byteLength).toBeLessThanOrEqual(small.byteOffset + small.byteLength);
    expect(c.byteOffset).toBeGreaterThanOrEqual(b.byteOffset + b.byteLength);
    expect(c.byteOffset + c.byteLength).toBeLessThanOrEqual(big.byteOffset + big.byteLength);
    expect(b.byteOffset % 64).toBe(0);
    // the big range has less than 4 MiB left: a fresh buffer
    expect(arrays.float64(1 << 19).buffer).not.toBe(big.buffer);
    arrays.recycle(arrays.float64(1 << 16));
    await new Promise((resolve) => setTimeout(resolve, 5));
    const fresh = arrays.float64(1 << 16);
    expect(fresh.byteOffset).toBe(0);
    expect(fresh.buffer.byteLength).toBe(1 << 19);
  });

  it('keeps the 8 largest ranges, not the newest', () => {
    const arrays = plainLargeArrays('test');
    const big = arrays.float64(1 << 18);
    const small = Array.from({ length: 8 }, (_, k) => arrays.float64((1 << 14) * (k + 1)));
    arrays.recycle(big);
    for (const r of small) arrays.recycle(r);
    // the smallest range was dropped: the request is served from the second smallest
    expect(arrays.float64(1 << 13).buffer).toBe(small[1].buffer);
    // the oldest (and largest) was kept: 1.5 MiB fit only there
    expect(arrays.float64((1 << 17) + (1 << 16)).buffer).toBe(big.buffer);
  });

  it('gives rooms (roomInt32, roomFloat64) fresh zeros, never a recycled range', () => {
    const arrays = plainLargeArrays('test');
    const used = arrays.float64(1 << 17);
    used.fill(7);
    arrays.recycle(used);
    const rooms = [arrays.roomFloat64(1 << 14), arrays.roomInt32(1 << 14)];
    for (const room of rooms) {
      expect(room.buffer).not.toBe(used.buffer);
      expect(room.every((x) => x === 0)).toBe(true);
    }
    expect(rooms.map((room) => room.length)).toEqual([1 << 14, 1 << 14]);
    // the range is still there for the arrays written whole
    expect(arrays.float64(1 << 14).buffer).toBe(used.buffer);
  });

  it('joins neighbouring ranges of one buffer', () => {
    const arrays = plainLargeArrays('test');
    const range = arrays.float64(1 << 18); // 2 MiB
    arrays.recycle(range);
    const [a, b, c] = [arrays.float64(1 << 16), arrays.float64(1 << 16), arrays.float64(1 << 16)];
    for (const v of [a, b, c]) expect(v.buffer).toBe(range.buffer);
    arrays.recycle(c); // joins the buffer's rest
    arrays.recycle(a); // b lies between: a range of its own
    arrays.recycle(b);
    // a, b, c and the buffer's rest are one range again: 1.5 MiB fit from a's start
    const joined = arrays.float64(3 << 16);
    expect(joined.buffer).toBe(range.buffer);
    expect(joined.byteOffset).toBeLessThan(b.byteOffset);
  });

  it('serves a shared request only from a SharedArrayBuffer, any other request from either', () => {
    const arrays = plainLargeArrays('test');
    const plain = arrays.float64(1 << 16);
    arrays.recycle(plain);
    const shared = arrays.float64(1 << 13, true);
    expect(shared.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(shared.buffer).not.toBe(plain.buffer);
    const sab = arrays.float64(1 << 18, true);
    arrays.recycle(sab);
    const fromShared = arrays.int16(1 << 19); // 1 MiB: only the shared range has room
    expect(fromShared.buffer).toBe(sab.buffer);
    expect(arrays.uint8(1 << 16).buffer).toBe(plain.buffer);
  });
});

describe('selectLargeArrays', () => {
  const load = (): PageBinding => fakePages(0);
  const reason = (env: { PA_HUGE_PAGES?: string }, kernels: 'native' | 'js', system: HugePageSystem, loader = load): string =>
    selectLargeArrays(env, kernels, loader, system).hugePages.reason;

  it('uses huge pages with the native kernels where Linux offers them', () => {
    for (const mode of ['always [madvise] never\n', '[always] madvise never\n']) {
      for (const env of [{}, { PA_HUGE_PAGES: '' }, { PA_HUGE_PAGES: '1' }]) {
        expect(selectLargeArrays(env, 'native', load, linux(mode)).hugePages).toEqual({ enabled: true, pageBytes: 2 ** 21, reason: '' });
      }
    }
    expect(selectLargeArrays({}, 'native', load, linux('[madvise]', undefined)).hugePages.pageBytes).toBe(2 ** 21);
    expect(selectLargeArrays({}, 'native', load, linux('[madvise]', '65536')).hugePages.pageBytes).toBe(65536);
  });

  it('says why it does not', () => {
    const thp = '/sys/kernel/mm/transparent_hugepage';
    expect(reason({ PA_HUGE_PAGES: '0' }, 'native', linux('[madvise]'))).toBe('PA_HUGE_PAGES=0');
    expect(reason({}, 'js', linux('[madvise]'))).toBe('the JavaScript kernels are in use (the page functions are in the kernels addon)');
    expect(reason({}, 'native', { ...linux('[madvise]'), platform: 'darwin' })).toBe(
      'transparent huge pages are a Linux feature (platform darwin)',
    );
    expect(reason({}, 'native', linux(undefined))).toBe(`the kernel has no transparent huge pages (no ${thp}/enabled)`);
    expect(reason({}, 'native', linux('always madvise [never]\n'))).toBe(`transparent huge pages are disabled (${thp}/enabled: never)`);
    expect(reason({}, 'native', linux('[madvise]', '12345'))).toBe(`${thp}/hpage_pmd_size is not a power of two >= 4096`);
    const unavailable = (): PageBinding => {
      throw new BackendUnavailableError('The huge page functions are unavailable', ['x: not built'], ['npm run build:native']);
    };
    expect(reason({}, 'native', linux('[madvise]'), unavailable)).toBe('the huge page functions are unavailable (x: not built)');
  });

  it('rejects an unknown PA_HUGE_PAGES before looking at anything else', () => {
    expect(() => selectLargeArrays({ PA_HUGE_PAGES: 'yes' }, 'js', load, linux(undefined))).toThrow(InvalidArgumentError);
    expect(() => selectLargeArrays({ PA_HUGE_PAGES: 'yes' }, 'js', load, linux(undefined))).toThrow(
      "PA_HUGE_PAGES must be '0', '1' or unset, got 'yes'",
    );
  });

  it('passes on errors other than an unavailable addon', () => {
    const broken = (): PageBinding => {
      throw new TypeError('boom');
    };
    expect(() => selectLargeArrays({}, 'native', broken, linux('[madvise]'))).toThrow('boom');
  });
});

// Registered only when the addon is in use; kernels.test.ts reports (and with PA_REQUIRE_NATIVE=1 fails) otherwise.
if (kernelKind === 'native') {
  describe('the addon page functions', () => {
    const pages = loadPageBinding();
    const HUGE = 2 ** 21;

    it('hugePageOffset finds the next boundary, and adviseHugePages counts the whole pages after it', () => {
      const buffer = new ArrayBuffer(4 * HUGE);
      const offset = pages.hugePageOffset(new Uint8Array(buffer), HUGE);
      expect(offset).toBeGreaterThanOrEqual(0);
      expect(offset).toBeLessThan(HUGE);
      expect(pages.hugePageOffset(new Uint8Array(buffer, offset), HUGE)).toBe(0);
      expect(pages.hugePageOffset(new Uint8Array(buffer, offset + 8), HUGE)).toBe(HUGE - 8);
      expect(pages.hugePageOffset(new Float64Array(buffer, offset + 8), HUGE)).toBe(HUGE - 8);
      expect(pages.adviseHugePages(new Uint8Array(buffer, offset, 2 * HUGE + 5), HUGE).advised).toBe(2 * HUGE);
      expect(pages.adviseHugePages(new Uint8Array(buffer, offset + 8, 2 * HUGE), HUGE).advised).toBe(HUGE);
      expect(pages.adviseHugePages(new Uint8Array(buffer, offset + 8, 100), HUGE)).toEqual({ advised: 0, collapsed: false });
    });

    it('hugePageBuffer gives zeroed, writable memory of the size asked for, starting on a boundary', () => {
      const hugePageBuffer = pages.hugePageBuffer as NonNullable<PageBinding['hugePageBuffer']>;
      for (const bytes of [8, HUGE + 8, 2 * HUGE]) {
        const buffer = hugePageBuffer(bytes, HUGE);
        expect(buffer).toBeInstanceOf(ArrayBuffer);
        expect(buffer.byteLength).toBe(bytes);
        expect(pages.hugePageOffset(new Uint8Array(buffer), HUGE)).toBe(0);
        const a = new Float64Array(buffer);
        expect(a.every((v) => v === 0)).toBe(true);
        a.fill(2.5);
        expect(a[a.length - 1]).toBe(2.5);
      }
      expect(() => hugePageBuffer(8, 3000)).toThrow('hugePageBuffer: pageBytes must be a power of two >= 4096');
    });

    it('a mapped array posted with its buffer in the transfer list is copied: the sender keeps its memory', async () => {
      const sent = hugePageArrays(pages, HUGE).float64(HUGE / 8 + 3);
      sent[5] = 7.25;
      const { port1, port2 } = new MessageChannel();
      const received = new Promise<Float64Array>((resolve) => port2.once('message', resolve));
      port1.postMessage(sent, [sent.buffer as ArrayBuffer]);
      const copy = await received;
      port1.close();
      port2.close();
      expect(sent.length).toBe(HUGE / 8 + 3);
      expect(sent[5]).toBe(7.25);
      expect(copy[5]).toBe(7.25);
      copy[5] = 1;
      expect(sent[5]).toBe(7.25);
    });

    it('refuses what is not a typed array (TypeError) and a bad page size (RangeError)', () => {
      expect(() => pages.hugePageOffset([1, 2] as unknown as Uint8Array, HUGE)).toThrow(TypeError);
      expect(() => pages.hugePageOffset([1, 2] as unknown as Uint8Array, HUGE)).toThrow('hugePageOffset: array must be a typed array');
      expect(() => pages.adviseHugePages(new Uint8Array(8), 3000)).toThrow(RangeError);
      expect(() => pages.adviseHugePages(new Uint8Array(8), 3000)).toThrow(
        'adviseHugePages: pageBytes must be a power of two >= 4096',
      );
    });

    it('backs a large array with huge pages on this machine, or says why not', () => {
      const { hugePages } = largeArrays;
      if (!hugePages.enabled) {
        expect(hugePages.reason).not.toBe('');
        return;
      }
      const residentHuge = (): number =>
        Number(/AnonHugePages:\s+(\d+) kB/.exec(readFileSync('/proc/self/smaps_rollup', 'utf8'))?.[1] ?? NaN) * 1024;
      const before = residentHuge();
      const a = largeArrays.float64((4 * hugePages.pageBytes) / 8);
      a.fill(1);
      // The array starts 0 to 63 cache lines past a huge page boundary.
      const toBoundary = pages.hugePageOffset(a, hugePages.pageBytes);
      const pastBoundary = toBoundary === 0 ? 0 : hugePages.pageBytes - toBoundary;
      expect(pastBoundary % 64).toBe(0);
      expect(pastBoundary).toBeLessThan(4096);
      expect(residentHuge() - before).toBeGreaterThanOrEqual(2 * hugePages.pageBytes);
    });
  });
}
