/**
 * The hand-written TypeScript description of the MPI addon (`native/mpi`, built to
 * `native/mpi/build/Release/pa_mpi.node`). {@link MpiBackend} receives an object of this type in
 * its constructor, so tests can inject a fake.
 *
 * Conventions of every function:
 * - Buffers are typed arrays passed zero-copy (the addon reads and writes the caller's memory);
 *   counts and displacements are in elements of the buffer's type. Accepted element types are
 *   listed per function; `Uint8Array` carries serialized bytes.
 * - Collectives block until this rank's part is done and must be called by every rank, in the
 *   same order, with matching sizes.
 * - Arguments are validated before any MPI call: a wrong type, length or rank throws
 *   {@link InvalidArgumentError}. A failing MPI call throws {@link MpiError} with the MPI error
 *   class and `MPI_Error_string` (the communicator uses `MPI_ERRORS_RETURN`). Any call before
 *   `init()` or after `finalize()` throws `MpiError`; nothing crashes the process except `abort`.
 *
 * @module
 */
import type { InvalidArgumentError, MpiError } from '../../errors.js';

/** Element types the addon moves: bytes, 32-bit integers, 64-bit floats. */
export type MpiBuffer = Uint8Array | Int32Array | Float64Array;

/** Thread support requested from (and reported by) `MPI_Init_thread`. */
export type MpiThreadLevel = 'single' | 'funneled' | 'serialized' | 'multiple';

/** What `init` reports: this process's rank, the number of ranks, the granted thread level. */
export interface MpiInitInfo {
  readonly rank: number;
  readonly size: number;
  readonly threadLevel: MpiThreadLevel;
}

/**
 * A reusable neighbour exchange (see {@link MpiBinding.createExchange}): `start()` posts every
 * receive, then every send; `wait()` completes them all. While a transfer is in flight the
 * exchange keeps its buffers alive.
 */
export interface MpiExchange {
  /**
   * Posts `MPI_Irecv` for each receive segment, then `MPI_Isend` for each send segment.
   * @throws InvalidArgumentError when the previous transfer was not waited for or a buffer was
   * detached; MpiError when an MPI call fails or MPI is finalized.
   */
  start(): void;
  /** `MPI_Waitall` on the posted requests; a no-op when nothing is in flight. @throws MpiError */
  wait(): void;
  /** Whether a transfer is in flight (started and not yet waited for). */
  readonly active: boolean;
}

/** The functions exported by the addon. */
export interface MpiBinding {
  /** Makes the addon throw these classes (the loader calls it once, right after loading). */
  setErrorClasses(classes: {
    MpiError: typeof MpiError;
    InvalidArgumentError: typeof InvalidArgumentError;
  }): void;
  /**
   * `MPI_Init_thread`, after re-opening libmpi with `RTLD_GLOBAL` (Open MPI's plugins need its
   * symbols); then duplicates `MPI_COMM_WORLD` with `MPI_ERRORS_RETURN` for every later call.
   * @throws MpiError when MPI is already initialized or was finalized.
   */
  init(threadLevel: MpiThreadLevel): MpiInitInfo;
  /** Frees the communicator and calls `MPI_Finalize`; every later call throws MpiError. */
  finalize(): void;
  /** `MPI_Abort(MPI_COMM_WORLD, code)` with `code` in 0..255: ends every rank of the job. */
  abort(code: number): never;
  /** Whether `init` succeeded and `finalize` was not called. Makes no MPI call. */
  isInitialized(): boolean;
  /** Whether `finalize` was called. Makes no MPI call. */
  isFinalized(): boolean;
  /** This process's rank in `0..size-1`. */
  rank(): number;
  /** Number of ranks of the job. */
  size(): number;
  /** `MPI_Wtime`: seconds since an arbitrary origin fixed for the process. */
  wtime(): number;
  /** `MPI_Barrier`. */
  barrier(): void;
  /** `MPI_Bcast`: `root`'s `buffer` is copied into every rank's `buffer` (same type and length). */
  bcast(buffer: MpiBuffer, root: number): void;
  /**
   * `MPI_Gather`: on `root`, `recv` (same type, `size × send.length` elements) receives every
   * rank's `send` in rank order; `recv` is ignored elsewhere (pass `null`).
   */
  gather(send: MpiBuffer, recv: MpiBuffer | null, root: number): void;
  /** `MPI_Allgather`: `recv` (`size × send.length` elements) receives every rank's `send`. */
  allgather(send: MpiBuffer, recv: MpiBuffer): void;
  /**
   * `MPI_Scatter`: rank `i`'s `recv` receives block `i` of `root`'s `send`
   * (`size × recv.length` elements; ignored elsewhere, pass `null`).
   */
  scatter(send: MpiBuffer | null, recv: MpiBuffer, root: number): void;
  /**
   * `MPI_Gatherv`: on `root`, rank `i`'s `send` lands at `recv[displs[i]]` (`counts[i]`
   * elements). `recv`, `counts` and `displs` are ignored on other ranks (pass `null`).
   */
  gatherv(
    send: MpiBuffer,
    recv: MpiBuffer | null,
    counts: Int32Array | null,
    displs: Int32Array | null,
    root: number,
  ): void;
  /** `MPI_Allgatherv`: every rank receives rank `i`'s `send` at `recv[displs[i]]`. */
  allgatherv(send: MpiBuffer, recv: MpiBuffer, counts: Int32Array, displs: Int32Array): void;
  /**
   * `MPI_Scatterv`: rank `i`'s `recv` receives `counts[i]` elements of `root`'s `send` from
   * `displs[i]` (`recv.length` must be at least that). Root-only arguments may be `null` elsewhere.
   */
  scatterv(
    send: MpiBuffer | null,
    counts: Int32Array | null,
    displs: Int32Array | null,
    recv: MpiBuffer,
    root: number,
  ): void;
  /** `MPI_Allreduce`, element-wise over ranks; `send` and `recv` of the same shape. */
  allreduce(send: Int32Array | Float64Array, recv: Int32Array | Float64Array, op: 'sum' | 'min' | 'max'): void;
  /**
   * A reusable neighbour exchange: segment `k` of `send` (`sndPtrs[k]..sndPtrs[k+1]`) goes to rank
   * `snd[k]`, segment `k` of `recv` comes from rank `rcv[k]`, all with message tag `tag` (0..32767
   * is always valid). Lists and offsets are copied; the buffers are referenced and must keep their
   * length. `send` and `recv` have the same type.
   */
  createExchange(
    snd: Int32Array,
    sndPtrs: Int32Array,
    send: MpiBuffer,
    rcv: Int32Array,
    rcvPtrs: Int32Array,
    recv: MpiBuffer,
    tag: number,
  ): MpiExchange;
}
