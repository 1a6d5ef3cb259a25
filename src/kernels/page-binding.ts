/**
 * The hand-written TypeScript description of the kernels addon's page functions
 * (`native/kernels/src/pages.h`): where an array lies relative to a huge page, and asking Linux to
 * back an array with transparent huge pages. The library calls them only through
 * {@link LargeArrays} (`large-arrays.ts`).
 *
 * @module
 */
import { loadAddon, requireNative } from '../native-addon.js';
import { KERNELS_FIXES, kernelsAddonPaths } from './native-kernels.js';

/** What {@link PageBinding.adviseHugePages} did. */
export interface HugePageAdvice {
  /** Bytes in whole huge pages inside the array, now advised (0 when the array holds none). */
  readonly advised: number;
  /** Whether those pages were also collapsed at once (`MADV_COLLAPSE`; Linux 6.1 and later). */
  readonly collapsed: boolean;
}

/**
 * The page functions of the kernels addon. Arguments are checked: a non-typed-array throws a
 * `TypeError`, a `pageBytes` that is not a power of two ≥ 4096 a `RangeError`. Neither keeps a
 * reference to the array.
 *
 * @example
 * ```ts
 * const pages = loadPageBinding();
 * const buffer = new ArrayBuffer(3 * 2 ** 21);
 * const offset = pages.hugePageOffset(new Uint8Array(buffer), 2 ** 21);
 * pages.adviseHugePages(new Uint8Array(buffer, offset, 2 ** 22), 2 ** 21); // { advised: 4194304, ... }
 * ```
 */
export interface PageBinding {
  /** Bytes from the array's first byte to the next multiple of `pageBytes` (0 when aligned). */
  hugePageOffset(array: ArrayBufferView, pageBytes: number): number;
  /**
   * `madvise(MADV_HUGEPAGE)` on the whole `pageBytes` pages inside the array, so that pages
   * touched later are huge pages, then `madvise(MADV_COLLAPSE)` on them (best effort), so that
   * pages touched already are collapsed now. Never changes the array's contents.
   * @throws Error `"adviseHugePages: madvise(MADV_HUGEPAGE) failed: <strerror>"` when the kernel
   * refuses the advice (e.g. built without transparent huge pages).
   */
  adviseHugePages(array: ArrayBufferView, pageBytes: number): HugePageAdvice;
  /**
   * A new ArrayBuffer of `bytes` zero bytes on fresh memory that starts on a `pageBytes` boundary
   * and is advised onto huge pages before anything touches it (unmapped when collected). Unlike
   * memory from `new ArrayBuffer`, which malloc may zero from its heap first (faulting 4 KiB
   * pages), its first writes fault huge pages. V8 is told about a thread's mapped memory only
   * beyond its first 64 MiB (see the addon's kUnreportedMappingBytes: V8 counts reported external
   * memory against its first, small, old-generation limit). The caller must mark the buffer
   * untransferable (`markAsUntransferable`): its memory is unmapped when it is collected. Absent
   * from fakes and older builds.
   * @throws Error `"hugePageBuffer: mmap failed: <strerror>"`.
   */
  hugePageBuffer?(bytes: number, pageBytes: number): ArrayBuffer;
  /**
   * A new SharedArrayBuffer of `bytes` zero bytes on a mapping of its own that starts on a
   * `pageBytes` boundary and is advised onto huge pages before anything touches it. `postMessage`
   * shares its memory as any SharedArrayBuffer's; the mapping is unmapped when the last buffer
   * over it, in any thread of the process, is collected (or its thread ends). Unlike a
   * SharedArrayBuffer from V8, whose memory malloc may hand out already written (and so on 4 KiB
   * pages) or 16 bytes into a page, its first writes fault huge pages.
   * Absent from fakes and older builds (the allocator then advises V8's SharedArrayBuffers).
   * @throws Error `"hugePageSharedBuffer: mmap failed: <strerror>"`; a `RangeError` for a bad
   * `pageBytes` or `bytes`.
   */
  hugePageSharedBuffer?(bytes: number, pageBytes: number): SharedArrayBuffer;
  /** Bytes of the {@link PageBinding.hugePageSharedBuffer} mappings alive in this process. */
  sharedMappedBytes?(): number;
  /**
   * Collapses the whole `pageBytes` pages of the shared memory (MAP_SHARED, e.g. a file in
   * /dev/shm) under the array into huge pages (`MADV_COLLAPSE`, through a second mapping of the
   * same pages at an address congruent to their file offsets, then unmapped): every mapping of
   * them then reads physically contiguous huge pages. The pages must have been written. Reports
   * what failed instead of throwing (`error` is `''` or the system's message, e.g. `'Invalid
   * argument'` for private memory); the contents never change.
   * @throws TypeError when `array` is not a typed array; RangeError for a bad `pageBytes`.
   */
  collapseSharedPages?(array: ArrayBufferView, pageBytes: number): { readonly collapsed: number; readonly error: string };
}

/** The functions a loaded module must export to be taken for the page functions. */
const PAGE_BINDING_FUNCTIONS: readonly (keyof PageBinding)[] = ['hugePageOffset', 'adviseHugePages'];

/**
 * Loads the page functions from the kernels addon (the first of `paths` that has them).
 * @throws BackendUnavailableError `"The huge page functions are unavailable"`, with the loader's
 * reasons and the kernels addon's fixes.
 * @example `const pages = loadPageBinding();`
 */
export function loadPageBinding(
  paths: readonly string[] = kernelsAddonPaths(),
  load: (path: string) => unknown = requireNative,
): PageBinding {
  return loadAddon<PageBinding>({
    paths,
    load,
    required: PAGE_BINDING_FUNCTIONS,
    what: 'kernels addon with page functions',
    summary: 'The huge page functions are unavailable',
    fixes: KERNELS_FIXES,
  });
}
