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
 *   same order, with matching sizes. Every one is made of nonblocking MPI calls (`MPI_Igatherv`,
 *   `MPI_Ibarrier`, `MPI_Isend`/`MPI_Irecv`, ...) completed by a test loop, and every wait (collectives and
 *   {@link MpiExchange.wait}) has a deadline, {@link MpiBinding.setCollectiveTimeout} (60 s until
 *   set). When it passes, the rank asks the others what they wait in (on a communicator of its
 *   own, so no message of the library can be mistaken for it; ranks answer while they wait in the
 *   addon), gives their answers for up to 200 ms, and throws the error that the `timeoutError`
 *   function given to {@link MpiBinding.setErrorClasses} makes of the {@link MpiTimeoutReport}.
 *   The timed-out operations stay pending (MPI cannot cancel a collective), so from then on every
 *   communication and `finalize` throw MpiError: the job must end (`withMpi` aborts it).
 * - Arguments are validated before any MPI call: a wrong type, length or rank throws
 *   {@link InvalidArgumentError}. A failing MPI call throws {@link MpiError} with the MPI error
 *   class and `MPI_Error_string` (the communicator uses `MPI_ERRORS_RETURN`). Any call before
 *   `init()` or after `finalize()` throws `MpiError`; nothing crashes the process except `abort`.
 *
 * @module
 */
import type { InvalidArgumentError, MpiError } from '../../errors.js';

/**
 * What a rank whose wait timed out learned, handed to the `timeoutError` function of
 * {@link MpiBinding.setErrorClasses} (which turns it into the error the addon throws).
 * @group Running a program on a backend
 */
export interface MpiTimeoutReport {
  /** What was awaited: an MPI function (`'MPI_Igatherv'`, `'MPI_Testall'`, ...) or `'meet'`. */
  readonly operation: string;
  /**
   * Code of what this rank waited in: `header[0]` of the last {@link MpiBinding.meet} for a
   * collective, the exchange's `kind` for {@link MpiExchange.wait} (0 when neither was given).
   */
  readonly kind: number;
  /** The deadline that passed, in milliseconds. */
  readonly timeoutMs: number;
  /** This rank. */
  readonly rank: number;
  /**
   * For an exchange: the ranks whose messages (to or from this rank) are still incomplete,
   * ascending; `null` for a collective, where MPI cannot tell who is missing.
   */
  readonly pending: Int32Array | null;
  /**
   * Per rank, the kind code it answered it waits in, or -1 when it did not answer within the reply
   * window (it runs code outside the library, is stuck, or died); this rank's entry is `kind`.
   */
  readonly states: Int32Array;
}

/**
 * Element types the addon moves: bytes, 32-bit integers, 64-bit floats.
 * @group Running a program on a backend
 */
export type MpiBuffer = Uint8Array | Int32Array | Float64Array;

/**
 * Thread support requested from (and reported by) `MPI_Init_thread`.
 * @group Running a program on a backend
 */
export type MpiThreadLevel = 'single' | 'funneled' | 'serialized' | 'multiple';

/**
 * What `init` reports: this process's rank, the number of ranks, the granted thread level.
 * @group Running a program on a backend
 */
export interface MpiInitInfo {
  /** This process's rank in `0..size-1`. */
  readonly rank: number;
  /** The number of ranks of the job. */
  readonly size: number;
  /** The thread level MPI granted (may be lower than the one asked for). */
  readonly threadLevel: MpiThreadLevel;
  /**
   * Threads of this process (all but the main one, which keeps its core) whose CPU mask init
   * widened to its launcher's: under Open MPI's default binding of a rank to one core (mpirun
   * without `--bind-to`, two ranks or fewer per node), V8's collector and compiler threads would
   * otherwise run on the rank's core, behind its main thread, while another core is idle. 0 when
   * the binding is kept: none, one asked for with `--bind-to`, no more launcher CPUs than ranks
   * on the node, a launcher that is not Open MPI's, or the system refused.
   */
  readonly releasedThreads: number;
}

/**
 * A reusable neighbour exchange (see {@link MpiBinding.createExchange}): `start()` posts every
 * receive, then every send; `wait()` completes them all. While a transfer is in flight the
 * exchange keeps its buffers alive.
 * @group Running a program on a backend
 */
export interface MpiExchange {
  /**
   * Posts `MPI_Irecv` for each receive segment, then `MPI_Isend` for each send segment.
   * @throws InvalidArgumentError when the previous transfer was not waited for or a buffer was
   * detached; MpiError when an MPI call fails or MPI is finalized.
   */
  start(): void;
  /**
   * Completes the posted requests (`MPI_Testall` in a loop, with the deadline); a no-op when
   * nothing is in flight.
   * @throws MpiError when MPI fails; the `timeoutError` of the report when the deadline passes.
   */
  wait(): void;
  /** Whether a transfer is in flight (started and not yet waited for). */
  readonly active: boolean;
}

/**
 * One window of the addon (see {@link MpiBinding.createWindow}): this rank's exposed memory and
 * the one-sided calls. Every call checks its arguments again (target rank, runs inside the
 * target's memory, data length) before any MPI call, so a bad call is an InvalidArgumentError,
 * never a write outside the window.
 * @group Running a program on a backend
 */
export interface MpiWindow {
  /**
   * This rank's memory (for shared memory: the node's shared array), an external ArrayBuffer over
   * the window's memory; detached (length 0) once freed.
   */
  readonly memory: Float64Array;
  /** Shared memory: the world ranks sharing it, ascending; empty for a plain window. */
  readonly sharers: Int32Array;
  /**
   * `MPI_Get` of the runs `[starts[k], starts[k] + counts[k])` (element offsets) of `target`'s
   * memory into `out`, then `MPI_Win_flush`: complete on return. Plain windows only.
   */
  get(target: number, starts: Float64Array, counts: Float64Array, out: Float64Array): void;
  /** `MPI_Put` of `values` into the runs, then `MPI_Win_flush` (complete at the target). */
  put(target: number, starts: Float64Array, counts: Float64Array, values: Float64Array): void;
  /** `MPI_Accumulate` with `MPI_SUM`, then `MPI_Win_flush`. */
  accumulate(target: number, starts: Float64Array, counts: Float64Array, values: Float64Array): void;
  /** `MPI_Win_sync`: a memory barrier between this rank's accesses and the window's memory. */
  sync(): void;
  /**
   * Ends the epoch, detaches {@link MpiWindow.memory} and calls `MPI_Win_free` (blocking
   * collective: call it on every rank, after a {@link MpiBinding.meet}). Later calls throw
   * InvalidArgumentError.
   */
  free(): void;
}

/**
 * The functions exported by the addon.
 * @group Running a program on a backend
 */
export interface MpiBinding {
  /**
   * Makes the addon throw these classes, and the error `timeoutError` returns for a wait whose
   * deadline passed (the loader calls it once, right after loading).
   */
  setErrorClasses(classes: {
    MpiError: typeof MpiError;
    InvalidArgumentError: typeof InvalidArgumentError;
    timeoutError: (report: MpiTimeoutReport) => Error;
  }): void;
  /**
   * `MPI_Init_thread`, after re-opening libmpi with `RTLD_GLOBAL` (Open MPI's plugins need its
   * symbols); then duplicates `MPI_COMM_WORLD` with `MPI_ERRORS_RETURN` for every later call, and
   * releases Open MPI's default one-core binding of the rank (see {@link MpiInitInfo.releasedThreads}).
   * @throws MpiError when MPI is already initialized or was finalized.
   */
  init(threadLevel: MpiThreadLevel): MpiInitInfo;
  /**
   * Frees the communicators and calls `MPI_Finalize`; every later call throws MpiError.
   * @throws MpiError after a wait timed out (MPI_Finalize would wait for its pending operations).
   */
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
  /**
   * The deadline of every later wait, in milliseconds (the addon starts with 60 000).
   * @throws InvalidArgumentError unless `ms` is a positive finite number.
   */
  setCollectiveTimeout(ms: number): void;
  /** `MPI_Ibarrier`, completed with the deadline. */
  barrier(): void;
  /** `MPI_Ibcast`: `root`'s `buffer` is copied into every rank's `buffer` (same type and length). */
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
   * The header collective of {@link MpiBackend}: an allgather of `header` into `all`
   * (`size × header.length` float64, rank order), made of `log2(size)` rounds of `MPI_Isend`/
   * `MPI_Irecv` on a communicator of its own (cheaper than `MPI_Iallgather` for these few words;
   * no rank leaves before every rank entered, as in a barrier). It also records
   * `header[0]` as the kind code this rank waits in (what it answers ranks that time out, and
   * the `kind` of its own {@link MpiTimeoutReport}, for this and the following collectives).
   */
  meet(header: Float64Array, all: Float64Array): void;
  /** `MPI_Alltoall` of one int per rank: `recv[i]` receives rank `i`'s `send[rank]`. */
  alltoall(send: Int32Array, recv: Int32Array): void;
  /**
   * `MPI_Alltoallv`: `sendCounts[i]` elements of `send` from `sendDispls[i]` go to rank `i`;
   * `recvCounts[i]` elements from rank `i` land at `recv[recvDispls[i]]` (they must be what rank
   * `i` sends, else MpiError `MPI_ERR_TRUNCATE`). `send` and `recv` of the same type.
   */
  alltoallv(
    send: MpiBuffer,
    sendCounts: Int32Array,
    sendDispls: Int32Array,
    recv: MpiBuffer,
    recvCounts: Int32Array,
    recvDispls: Int32Array,
  ): void;
  /**
   * A reusable neighbour exchange: segment `k` of `send` (`sndPtrs[k]..sndPtrs[k+1]`) goes to rank
   * `snd[k]`, segment `k` of `recv` comes from rank `rcv[k]`, all with message tag `tag` (0..32767
   * is always valid). Lists and offsets are copied; the buffers are referenced and must keep their
   * length. `send` and `recv` have the same type. `kind` (0..255) is what a rank waiting in
   * `wait()` answers ranks that time out, and the `kind` of its own {@link MpiTimeoutReport}.
   */
  createExchange(
    snd: Int32Array,
    sndPtrs: Int32Array,
    send: MpiBuffer,
    rcv: Int32Array,
    rcvPtrs: Int32Array,
    recv: MpiBuffer,
    tag: number,
    kind: number,
  ): MpiExchange;
  /**
   * `MPI_Win_allocate` of `length` float64 on this rank (`disp_unit` 8, zeroed) over the addon's
   * communicator, with one passive-target epoch open for the window's life (`MPI_Win_lock_all`),
   * so one-sided calls need nothing from the target. `lengths` gives every rank's length (to
   * check runs). A blocking collective: every rank calls it, after a {@link MpiBinding.meet}.
   * Optional only because builds of the addon older than windows lack it (the backend then says
   * to rebuild).
   */
  createWindow?(length: number, lengths: Float64Array): MpiWindow;
  /**
   * Node-shared memory of `length` float64: `MPI_Comm_split_type(MPI_COMM_TYPE_SHARED)`,
   * `MPI_Win_allocate_shared` (all of it on the node's first rank, zeroed there) and
   * `MPI_Win_shared_query`. A blocking collective, as {@link MpiBinding.createWindow}.
   */
  createSharedMemory?(length: number): MpiWindow;
}
