/**
 * Memory for the large arrays the hot loops stream (matrix blocks, vectors, the Jacobi diagonal):
 * on Linux with the native kernels, every array of at least one huge page starts just past a huge
 * page boundary (0 to 63 cache lines, a different number for successive arrays, so that arrays
 * streamed together do not alias in the caches) and is advised onto transparent huge pages before
 * anything writes it. The contents,
 * and so every result, are the same either way; only the time of a pass over the array changes:
 * with 4 KiB pages a streaming pass misses the TLB every 4 KiB, and in a virtual machine every
 * miss is a two-dimensional page walk.
 *
 * Environment: `PA_HUGE_PAGES=0` turns the advice off; unset, empty or `1` use it where it is
 * available (see {@link HugePageStatus.reason} for why it is not).
 *
 * @module
 */
import { constants as bufferConstants } from 'node:buffer';
import { readFileSync } from 'node:fs';
import { totalmem } from 'node:os';
import { markAsUntransferable } from 'node:worker_threads';
import type { KernelKind } from './kernel-set.js';
import { BackendUnavailableError, InvalidArgumentError } from '../errors.js';
import { loadPageBinding, type PageBinding } from './page-binding.js';
import { kernelKind } from './select-kernels.js';

/**
 * Whether large arrays are placed on huge pages, and if not, why.
 * @group Kernels (the hot loops behind PVector, PSparseMatrix and CG)
 */
export interface HugePageStatus {
  /** Whether arrays of at least {@link HugePageStatus.pageBytes} bytes are put on huge pages. */
  readonly enabled: boolean;
  /** The huge page size in bytes (2 MiB on x86-64); 0 when disabled. */
  readonly pageBytes: number;
  /** Why huge pages are not used (`''` when they are), e.g. `'PA_HUGE_PAGES=0'`. */
  readonly reason: string;
}

/**
 * Allocates the library's large typed arrays: zero-filled, of exactly `length` elements, owned by
 * the caller like any typed array. Every method throws InvalidArgumentError, before allocating,
 * when the array cannot fit (more elements than V8 allows in one typed array, or more bytes than
 * one array may take in this process). A view of at least one huge page may sit inside a somewhat
 * larger buffer (up to one huge page more, never touched and so never resident, plus at most an
 * eighth of the array's size that rounds its end up to a whole huge page), starting up to 4 KiB past
 * a huge page boundary. Smaller views of at least a 32nd of a huge page (64 KiB of 2 MiB) share a
 * slab of `SLAB_PAGES` huge pages with other such arrays (the slab lives while any of them
 * does), so that they too are written on huge pages: in a virtual machine the first write of a
 * 4 KiB page costs about 12 µs, 3 ms per MiB, against about 0.1 ms per MiB on huge pages.
 * @group Kernels (the hot loops behind PVector, PSparseMatrix and CG)
 */
export interface LargeArrays {
  /** Where the arrays go. Turns to disabled for good if the kernel refuses the advice. */
  readonly hugePages: HugePageStatus;
  /** A zero-filled Float64Array; in a SharedArrayBuffer when `shared` (Threads backend storage). */
  float64(length: number, shared?: boolean): Float64Array;
  /** A zero-filled Int32Array (CSR row pointers and column ids). */
  int32(length: number): Int32Array;
  /** A zero-filled Int16Array (compact column offsets). */
  int16(length: number): Int16Array;
  /** A zero-filled Uint8Array (compact row lengths). */
  uint8(length: number): Uint8Array;
  /**
   * Room for a result whose size is known only once it is written (a sparse product's column ids
   * and values): `length` zero-filled elements of which the caller writes a prefix, keeping at
   * most a subarray of it. Never carved from recycled ranges: those are zero-filled whole when
   * handed out, so a room there would write all of its bytes and take warm bytes from the arrays
   * written whole, while fresh memory is resident only where it is written.
   * @example `const values = largeArrays.roomFloat64(bound).subarray(0, written)`
   */
  roomFloat64(length: number): Float64Array;
  /** As {@link LargeArrays.roomFloat64}, an Int32Array. */
  roomInt32(length: number): Int32Array;
  /**
   * Hands back an array its caller is done with: no reference to it, or to any view of its bytes,
   * may be used again. Its bytes, written already and so resident, then serve the next arrays of
   * at least `RECYCLE_MIN_BYTES` (64 KiB) this thread asks for (zero-filled again, about
   * 10 GB/s) before any fresh memory, until the thread is next idle (a timer, run once the
   * current synchronous work is done, drops what is left). Writing fresh memory the first time
   * costs far more: about 0.3 GB/s for 4 KiB pages and 0.5 GB/s for huge pages in the reference
   * virtual machine, whose host backs a guest page only when it is first written. So the scratch
   * arrays an operation ends with (those of psparse) become the next operation's arrays (a CG
   * solver's work vectors) at a fraction of the cost. The 8 largest ranges are kept. A request
   * for shared memory is served only from a SharedArrayBuffer; any other request may be served
   * from either kind of buffer. While part of a recycled range is in use, its whole buffer stays
   * alive (as for a slab). Neighbouring ranges of one buffer (arrays carved one after the other)
   * join into one. Smaller arrays are ignored.
   * @example
   * ```ts
   * const scratch = largeArrays.int32(1 << 22);
   * // ... scratch's last use ...
   * largeArrays.recycle(scratch);
   * const v = largeArrays.float64(1 << 20); // zero-filled, in scratch's former bytes
   * ```
   */
  recycle(array: ArrayBufferView): void;
  /**
   * Puts memory this process shares with other processes (an MPI window's segment) on huge pages
   * where the system allows it, even with shared-memory huge pages off
   * (`/sys/kernel/mm/transparent_hugepage/shmem_enabled` set to `never`): see
   * the kernels addon's `collapseSharedPages`. Call it once, from one process, after the
   * memory has been written (zeroed) and before it is streamed; the contents do not change.
   * Returns the bytes now on huge pages: 0 when huge pages are off, the addon lacks the function,
   * the memory holds no whole huge page or the kernel refuses (a best effort: never throws).
   * @example `largeArrays.collapseShared(windowArray) // 33554432 for 32 MiB in whole huge pages`
   */
  collapseShared(array: ArrayBufferView): number;
}

/**
 * Smallest array `LargeArrays.recycle` keeps and smallest request it serves (64 KiB):
 * smaller arrays are cheap to fault and come from slabs or plain memory.
 * @group Kernels (the hot loops behind PVector, PSparseMatrix and CG)
 */
export const RECYCLE_MIN_BYTES = 2 ** 16;

/** The environment variable {@link selectLargeArrays} reads. */
export interface HugePageEnvironment {
  readonly PA_HUGE_PAGES?: string;
}

/** What {@link selectLargeArrays} reads of the operating system (tests inject one). */
export interface HugePageSystem {
  /** `process.platform`. */
  readonly platform: string;
  /** The contents of `/sys/kernel/mm/transparent_hugepage/enabled`, or undefined when absent. */
  readEnabled(): string | undefined;
  /** The contents of `/sys/kernel/mm/transparent_hugepage/hpage_pmd_size`, or undefined when absent. */
  readPageBytes(): string | undefined;
}

const THP_DIR = '/sys/kernel/mm/transparent_hugepage';
const DEFAULT_PAGE_BYTES = 2 ** 21;

function readOptional(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** This machine, as {@link HugePageSystem}. */
const linuxHugePageSystem: HugePageSystem = {
  platform: process.platform,
  readEnabled: () => readOptional(`${THP_DIR}/enabled`),
  readPageBytes: () => readOptional(`${THP_DIR}/hpage_pmd_size`),
};

/** What one array may take in this process (see `checkArrayFits`). */
export interface ArrayLimits {
  /** Most elements of one typed array (V8's limit: 2^32 on Node 20). */
  readonly maxLength: number;
  /** Bytes of memory the process can have: the machine's memory, or a lower cgroup limit. */
  readonly memoryBytes: number;
}

/** This process's {@link ArrayLimits}. */
export function arrayLimits(): ArrayLimits {
  const machine = totalmem();
  const constrained = process.constrainedMemory?.() ?? 0;
  return {
    maxLength: bufferConstants.MAX_LENGTH,
    memoryBytes: constrained > 0 && constrained < machine ? constrained : machine,
  };
}

const processLimits = arrayLimits();

/**
 * Checks, before anything is allocated, that an array of `length` elements of `bytesPerElement`
 * bytes can be had: at most `limits.maxLength` elements and at most half of `limits.memoryBytes`.
 * Half, because no computation of the library holds one array alone (an SpMV needs x and y, CG
 * five vectors and the matrix): an array beyond half of the memory cannot be part of a run that
 * fits, and without this check the operating system would hand out the address space lazily and
 * the run would die (or swap the machine to a halt) while the array is filled.
 *
 * The check is per array. The parts of one process (all of them on Sequential, the workers of
 * Threads) each ask for their own array, so several requests that fit one by one may still
 * exhaust the memory together.
 *
 * @param what the function named in the message, e.g. `'allocateFloat64'`
 * @param partId the part asking, when known
 * @throws InvalidArgumentError (with `partId`) giving the bytes asked for and the limit, e.g.
 * `"allocateFloat64: 2863311531 elements of 8 bytes (22906492248 bytes) do not fit in this
 * process: one array may take at most 12638078976 bytes (half of 25276157952 bytes of memory)"`.
 * @example `checkArrayFits(nLocal, 8, 'allocateFloat64', partId)`
 */
export function checkArrayFits(
  length: number,
  bytesPerElement: number,
  what: string,
  partId?: number,
  limits: ArrayLimits = processLimits,
): void {
  const bytes = length * bytesPerElement;
  const asked = `${what}: ${length} elements of ${bytesPerElement} bytes (${bytes} bytes) do not fit in this process`;
  if (length > limits.maxLength) {
    throw new InvalidArgumentError(`${asked}: a typed array holds at most ${limits.maxLength} elements`, { partId });
  }
  const most = Math.floor(limits.memoryBytes / 2);
  if (bytes > most) {
    throw new InvalidArgumentError(
      `${asked}: one array may take at most ${most} bytes (half of ${limits.memoryBytes} bytes of memory)`,
      { partId },
    );
  }
}

/** A typed array type, as a constructor over any buffer. */
interface ArrayKind<T> {
  new (length: number): T;
  new (buffer: ArrayBufferLike, byteOffset?: number, length?: number): T;
  readonly BYTES_PER_ELEMENT: number;
  readonly name: string;
}

/** Bytes of a cache line. */
const CACHE_LINE = 64;
/** Cache lines past the boundary at which successive arrays start: 64 different offsets in 4 KiB. */
const STAGGER_LINES = Array.from({ length: 64 }, (_, k) => (k * 5) % 64);
/** Huge pages of one slab, the buffer that arrays smaller than a huge page are carved from. */
export const SLAB_PAGES = 2;
/** Arrays of at least a huge page over this many bytes come from a slab; smaller ones are plain. */
const SLAB_FRACTION = 32;

/** Arrays of this many bytes or more are not given a mapping of their own (see `allocate`). */
const OWN_MAPPING_MAX_BYTES = 2 ** 25;

/** The slab arrays are carved from: `[next, end)` of `buffer` is still free (and untouched). */
interface Slab {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
  next: number;
  readonly end: number;
}

/** Recycled bytes `[start, end)` of `buffer`, written before and free again. */
interface Recycled {
  readonly buffer: ArrayBufferLike;
  start: number;
  readonly end: number;
}

/** Bytes a recycled range's arrays are aligned to before their stagger (a 4 KiB page). */
const RECYCLE_ALIGN = 4096;
/** Most bytes between two arrays carved one after the other: an alignment plus the largest stagger. */
const MERGE_GAP = RECYCLE_ALIGN + 64 * CACHE_LINE;
/**
 * Most ranges kept at once: a synchronous loop that recycles more than it reuses keeps the
 * largest (an AMG set-up recycles a few ranges of tens of MB early, which its last arrays and the
 * solver's vectors can use, and many small ones after them).
 */
const MAX_RECYCLED = 8;

/** The position of the range with the fewest bytes left (the oldest of equals). */
function smallest(ranges: readonly Recycled[]): number {
  let k = 0;
  for (let j = 1; j < ranges.length; j++) if (ranges[j].end - ranges[j].start < ranges[k].end - ranges[k].start) k = j;
  return k;
}

class LargeArrayAllocator implements LargeArrays {
  private status: HugePageStatus;
  private allocations = 0;
  private readonly pages: PageBinding | null;
  /** The current slab of plain and of shared memory. */
  private readonly slabs: [Slab | null, Slab | null] = [null, null];
  /** Ranges handed back by {@link LargeArrays.recycle}, dropped when the thread is next idle. */
  private readonly recycled: Recycled[] = [];
  private dropScheduled = false;

  constructor(pages: PageBinding | null, status: HugePageStatus) {
    this.pages = pages;
    this.status = status;
  }

  get hugePages(): HugePageStatus {
    return this.status;
  }

  float64(length: number, shared = false): Float64Array {
    return this.allocate<Float64Array>(Float64Array, length, shared);
  }

  int32(length: number): Int32Array {
    return this.allocate<Int32Array>(Int32Array, length, false);
  }

  int16(length: number): Int16Array {
    return this.allocate<Int16Array>(Int16Array, length, false);
  }

  uint8(length: number): Uint8Array {
    return this.allocate<Uint8Array>(Uint8Array, length, false);
  }

  roomFloat64(length: number): Float64Array {
    return this.allocate<Float64Array>(Float64Array, length, false, false);
  }

  roomInt32(length: number): Int32Array {
    return this.allocate<Int32Array>(Int32Array, length, false, false);
  }

  collapseShared(array: ArrayBufferView): number {
    const { pages, status } = this;
    if (pages === null || !status.enabled || pages.collapseSharedPages === undefined) return 0;
    return pages.collapseSharedPages(array, status.pageBytes).collapsed;
  }

  recycle(array: ArrayBufferView): void {
    if (array.byteLength < RECYCLE_MIN_BYTES) return;
    let start = array.byteOffset;
    let end = start + array.byteLength;
    // Arrays carved one after the other (a page alignment and a stagger apart) and handed back
    // make one range again, so that a later array larger than each of them fits. No array lies
    // in a gap smaller than the smallest array a recycled range (64 KiB) or a slab holds.
    const gap = this.status.enabled ? Math.min(MERGE_GAP, this.status.pageBytes / SLAB_FRACTION) : MERGE_GAP;
    for (let k = this.recycled.length - 1; k >= 0; k--) {
      const r = this.recycled[k];
      if (r.buffer !== array.buffer) continue;
      if (r.end <= start && start - r.end < gap) {
        start = r.start;
        this.recycled.splice(k, 1);
      } else if (end <= r.start && r.start - end < gap) {
        end = r.end;
        this.recycled.splice(k, 1);
      }
    }
    this.recycled.push({ buffer: array.buffer, start, end });
    if (this.recycled.length > MAX_RECYCLED) this.recycled.splice(smallest(this.recycled), 1);
    if (this.dropScheduled) return;
    this.dropScheduled = true;
    // Kept only across synchronous work: an idle thread gives the memory back to the system.
    const timer = setTimeout(() => {
      this.recycled.length = 0;
      this.dropScheduled = false;
    }, 0);
    timer.unref?.();
  }

  private allocate<T>(kind: ArrayKind<T>, length: number, shared: boolean, reuse = true): T {
    checkArrayFits(length, kind.BYTES_PER_ELEMENT, `largeArrays.${kind.name.replace('Array', '').toLowerCase()}`);
    const bytes = length * kind.BYTES_PER_ELEMENT;
    if (reuse && this.recycled.length > 0 && bytes >= RECYCLE_MIN_BYTES) {
      const reused = this.fromRecycled(kind, length, shared);
      if (reused !== null) return reused;
    }
    const { pages, status } = this;
    const { pageBytes } = status;
    if (pages === null || !status.enabled || !(bytes >= pageBytes / SLAB_FRACTION)) return plain(kind, length, shared);
    if (bytes < pageBytes) return this.fromSlab(kind, length, shared);
    // Arrays that start on the same huge page boundary alias element for element in the L1/L2
    // sets and in the 4 KiB store-to-load check, which slows the passes that stream several of
    // them at once: each array starts a different number of cache lines past its boundary.
    const stagger = STAGGER_LINES[this.allocations++ % STAGGER_LINES.length] * CACHE_LINE;
    const total = stagger + bytes;
    // Rounding the end up to a whole page puts the last partial page on a huge page too, at the
    // price of that page's unused part once it is touched: worth it only while the waste is small.
    const whole = Math.ceil(total / pageBytes) * pageBytes;
    const span = whole - total <= bytes / 8 ? whole : total;
    // A mapping of its own is unmapped by a finalizer that Node runs only once the event loop
    // turns, so a synchronous loop of large results would fault in fresh pages every time; V8
    // frees an ArrayBuffer's memory in the collection itself, so the largest arrays take that path.
    if (!shared && pages.hugePageBuffer !== undefined && bytes < OWN_MAPPING_MAX_BYTES) {
      return new kind(mappedBuffer(pages, span, pageBytes), stagger, length);
    }
    // A shared mapping is unmapped by V8 itself once the last thread's buffer over it is gone
    // (no finalizer waits for an event loop), so it serves shared arrays of every size.
    if (shared && pages.hugePageSharedBuffer !== undefined) return new kind(pages.hugePageSharedBuffer(span, pageBytes), stagger, length);
    const buffer = shared ? new SharedArrayBuffer(span + pageBytes) : new ArrayBuffer(span + pageBytes);
    const offset = pages.hugePageOffset(new Uint8Array(buffer, 0, 1), pageBytes);
    if (offset % kind.BYTES_PER_ELEMENT !== 0) return plain(kind, length, shared);
    const view = new kind(buffer, offset + stagger, length);
    try {
      pages.adviseHugePages(new Uint8Array(buffer, offset, span), pageBytes);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      this.status = { enabled: false, pageBytes: 0, reason };
    }
    return view;
  }

  /**
   * `length` zero-filled elements carved from the smallest recycled range they fit in (a shared
   * request only from a SharedArrayBuffer), or null when none fits. Each array starts on a 4 KiB
   * boundary of its range plus a stagger, as fresh arrays do.
   */
  private fromRecycled<T>(kind: ArrayKind<T>, length: number, shared: boolean): T | null {
    const bytes = length * kind.BYTES_PER_ELEMENT;
    const stagger = STAGGER_LINES[this.allocations % STAGGER_LINES.length] * CACHE_LINE;
    let best = -1;
    let bestRoom = Infinity;
    for (let k = 0; k < this.recycled.length; k++) {
      const r = this.recycled[k];
      if (shared && !(r.buffer instanceof SharedArrayBuffer)) continue;
      const room = r.end - (Math.ceil(r.start / RECYCLE_ALIGN) * RECYCLE_ALIGN + stagger);
      if (room >= bytes && room < bestRoom) {
        best = k;
        bestRoom = room;
      }
    }
    if (best < 0) return null;
    this.allocations++;
    const r = this.recycled[best];
    const start = Math.ceil(r.start / RECYCLE_ALIGN) * RECYCLE_ALIGN + stagger;
    const view = new kind(r.buffer, start, length);
    (view as unknown as Uint8Array).fill(0);
    r.start = start + bytes;
    if (r.end - r.start < RECYCLE_MIN_BYTES) this.recycled.splice(best, 1);
    return view;
  }

  /** `length` elements carved from the current slab (a new one when they do not fit). */
  private fromSlab<T>(kind: ArrayKind<T>, length: number, shared: boolean): T {
    const which = shared ? 1 : 0;
    const stagger = STAGGER_LINES[this.allocations++ % STAGGER_LINES.length] * CACHE_LINE;
    const bytes = length * kind.BYTES_PER_ELEMENT;
    let slab = this.slabs[which];
    if (slab === null || slab.next + stagger + bytes > slab.end) {
      slab = this.newSlab(shared);
      this.slabs[which] = slab;
      if (slab === null) return plain(kind, length, shared);
    }
    const start = slab.next + stagger;
    // Whole cache lines from `start`, so every array keeps the slab's first boundary's alignment.
    slab.next = start + Math.ceil(bytes / CACHE_LINE) * CACHE_LINE;
    return new kind(slab.buffer, start, length);
  }

  /** A slab of `SLAB_PAGES` advised huge pages, or null (plain memory) where that fails. */
  private newSlab(shared: boolean): Slab | null {
    const pages = this.pages as PageBinding;
    const { pageBytes } = this.status;
    const span = SLAB_PAGES * pageBytes;
    if (!shared && pages.hugePageBuffer !== undefined) return { buffer: mappedBuffer(pages, span, pageBytes), next: 0, end: span };
    if (shared && pages.hugePageSharedBuffer !== undefined) return { buffer: pages.hugePageSharedBuffer(span, pageBytes), next: 0, end: span };
    const buffer = shared ? new SharedArrayBuffer(span + pageBytes) : new ArrayBuffer(span + pageBytes);
    // The boundary is a cache line boundary wherever the buffer starts, but a typed array needs an
    // offset that is a multiple of its element size (8 bytes at most). V8's buffers come from
    // malloc, 16 bytes into a page: demanding a multiple of a cache line here, as this once did,
    // turned every shared slab (the Threads vectors of 64 KiB to 2 MiB) into 4 KiB pages.
    const offset = pages.hugePageOffset(new Uint8Array(buffer, 0, 1), pageBytes);
    if (offset % Float64Array.BYTES_PER_ELEMENT !== 0) return null;
    try {
      pages.adviseHugePages(new Uint8Array(buffer, offset, span), pageBytes);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      this.status = { enabled: false, pageBytes: 0, reason };
      return null;
    }
    return { buffer, next: offset, end: offset + span };
  }
}

/**
 * A buffer on a mapping of its own (`pages.hugePageBuffer`), marked untransferable as Node marks
 * its own external buffers: the addon unmaps the memory when this buffer is collected, so
 * `postMessage` must copy it, not move it to another thread.
 */
function mappedBuffer(pages: PageBinding, bytes: number, pageBytes: number): ArrayBuffer {
  const buffer = (pages.hugePageBuffer as NonNullable<PageBinding['hugePageBuffer']>)(bytes, pageBytes);
  markAsUntransferable(buffer);
  return buffer;
}

function plain<T>(kind: ArrayKind<T>, length: number, shared: boolean): T {
  return shared ? new kind(new SharedArrayBuffer(length * kind.BYTES_PER_ELEMENT)) : new kind(length);
}

/**
 * Large arrays without huge pages, saying why.
 * @example `plainLargeArrays('PA_HUGE_PAGES=0').float64(10)`
 */
export function plainLargeArrays(reason: string): LargeArrays {
  return new LargeArrayAllocator(null, { enabled: false, pageBytes: 0, reason });
}

/**
 * Large arrays on huge pages of `pageBytes` bytes (a power of two ≥ 4096), placed and advised
 * with `pages`.
 * @throws InvalidArgumentError for a bad `pageBytes`.
 * @example `hugePageArrays(loadPageBinding(), 2 ** 21).float64(1 << 20)`
 */
export function hugePageArrays(pages: PageBinding, pageBytes: number): LargeArrays {
  if (!Number.isInteger(pageBytes) || pageBytes < 4096 || (pageBytes & (pageBytes - 1)) !== 0) {
    throw new InvalidArgumentError(`hugePageArrays: pageBytes must be a power of two >= 4096, got ${String(pageBytes)}`);
  }
  return new LargeArrayAllocator(pages, { enabled: true, pageBytes, reason: '' });
}

/**
 * The large-array allocator that `env`, the kernel set in use and the system allow: huge pages
 * with the native kernels on Linux when transparent huge pages are not disabled, else plain
 * arrays with the reason.
 *
 * @throws InvalidArgumentError when `PA_HUGE_PAGES` is not `'0'`, `'1'` or empty.
 * @example
 * ```ts
 * selectLargeArrays({ PA_HUGE_PAGES: '0' }, 'native').hugePages.reason; // 'PA_HUGE_PAGES=0'
 * ```
 */
export function selectLargeArrays(
  env: HugePageEnvironment,
  kernels: KernelKind,
  loadPages: () => PageBinding = loadPageBinding,
  system: HugePageSystem = linuxHugePageSystem,
): LargeArrays {
  const choice = env.PA_HUGE_PAGES ?? '';
  if (choice !== '' && choice !== '0' && choice !== '1') {
    throw new InvalidArgumentError(`PA_HUGE_PAGES must be '0', '1' or unset, got '${choice}'`);
  }
  if (choice === '0') return plainLargeArrays('PA_HUGE_PAGES=0');
  if (kernels !== 'native') return plainLargeArrays('the JavaScript kernels are in use (the page functions are in the kernels addon)');
  if (system.platform !== 'linux') return plainLargeArrays(`transparent huge pages are a Linux feature (platform ${system.platform})`);
  const enabled = system.readEnabled();
  if (enabled === undefined) return plainLargeArrays(`the kernel has no transparent huge pages (no ${THP_DIR}/enabled)`);
  if (enabled.includes('[never]')) return plainLargeArrays(`transparent huge pages are disabled (${THP_DIR}/enabled: never)`);
  const pageBytes = Number((system.readPageBytes() ?? String(DEFAULT_PAGE_BYTES)).trim());
  if (!Number.isInteger(pageBytes) || pageBytes < 4096 || (pageBytes & (pageBytes - 1)) !== 0) {
    return plainLargeArrays(`${THP_DIR}/hpage_pmd_size is not a power of two >= 4096`);
  }
  let pages: PageBinding;
  try {
    pages = loadPages();
  } catch (error) {
    if (!(error instanceof BackendUnavailableError)) throw error;
    return plainLargeArrays(`the huge page functions are unavailable (${error.reasons.join('; ')})`);
  }
  return hugePageArrays(pages, pageBytes);
}

/**
 * The allocator every large array of this process comes from, chosen when the library is
 * imported (see the module notes).
 *
 * @example
 * ```ts
 * const values = largeArrays.float64(nnz); // zero-filled, on huge pages where available
 * ```
 * @group Kernels (the hot loops behind PVector, PSparseMatrix and CG)
 */
export const largeArrays: LargeArrays = selectLargeArrays(process.env, kernelKind);
