/**
 * Typed errors. Every error the library throws is a {@link PartitionedArraysError}, so callers can
 * catch the whole family with one `instanceof` and switch on the stable `code`.
 *
 * @module
 */

/**
 * Stable, machine-readable error codes. They never change meaning between versions.
 * @group Errors
 */
export type ErrorCode =
  | 'INVALID_ARGUMENT'
  | 'DIMENSION_MISMATCH'
  | 'PARTITION_MISMATCH'
  | 'INDEX_OUT_OF_RANGE'
  | 'NON_FINITE_VALUE'
  | 'PART_FAILED'
  | 'WORKER_FAILED'
  | 'COLLECTIVE_TIMEOUT'
  | 'MPI_ERROR'
  | 'BACKEND_UNAVAILABLE'
  | 'FILE_FORMAT'
  | 'TASK_FAILED'
  | 'SINGULAR_MATRIX';

/**
 * Where an error happened: the part id (0-based) and, on SPMD backends, the process rank.
 * @group Errors
 */
export interface ErrorOrigin {
  /** The part (0-based) whose code or data failed. */
  partId?: number;
  /** The MPI rank of the process that threw (SPMD backends). */
  rank?: number;
  /** The underlying error, kept as the standard `Error.cause`. */
  cause?: unknown;
}

/**
 * Base class of every error thrown by partitioned-arrays.
 *
 * `partId` is set when the error concerns one part's data (for example a COO id out of range on
 * part 2); it is `undefined` for errors about the whole call (for example `np < 1`).
 *
 * @example
 * ```ts
 * try { uniformPartition(ranks, -1); }
 * catch (e) { if (e instanceof PartitionedArraysError) console.log(e.code, e.partId); }
 * ```
 * @group Errors
 */
export class PartitionedArraysError extends Error {
  /** Stable error code, see {@link ErrorCode}. */
  readonly code: ErrorCode;
  /** Part (0-based) whose data or code caused the error, when it applies. */
  readonly partId: number | undefined;
  /** Process rank on SPMD backends (threads, MPI), when it applies. */
  readonly rank: number | undefined;

  constructor(code: ErrorCode, message: string, origin: ErrorOrigin = {}) {
    const where = origin.partId === undefined ? '' : ` (part ${origin.partId})`;
    super(`${message}${where}`, origin.cause === undefined ? undefined : { cause: origin.cause });
    this.name = new.target.name;
    this.code = code;
    this.partId = origin.partId;
    this.rank = origin.rank;
  }
}

/**
 * A value passed to a public function is of the wrong kind or outside its allowed range.
 * @group Errors
 */
export class InvalidArgumentError extends PartitionedArraysError {
  constructor(message: string, origin?: ErrorOrigin) {
    super('INVALID_ARGUMENT', message, origin);
  }
}

/**
 * Lengths or sizes that must agree do not (vector length vs partition, non-square operator, ...).
 * @group Errors
 */
export class DimensionMismatchError extends PartitionedArraysError {
  constructor(message: string, origin?: ErrorOrigin) {
    super('DIMENSION_MISMATCH', message, origin);
  }
}

/**
 * Two distributed objects that must share a partition (or a `ranks`) do not, for example a PVector
 * built on other rows than the matrix it is multiplied with.
 * @group Errors
 */
export class PartitionMismatchError extends PartitionedArraysError {
  constructor(message: string, origin?: ErrorOrigin) {
    super('PARTITION_MISMATCH', message, origin);
  }
}

/**
 * A global id is `>= n` (negative ids are never an error: they are ignored by bulk calls).
 * @group Errors
 */
export class IndexOutOfRangeError extends PartitionedArraysError {
  constructor(message: string, origin?: ErrorOrigin) {
    super('INDEX_OUT_OF_RANGE', message, origin);
  }
}

/**
 * A NaN or infinite value where only finite values are accepted (matrix and vector values).
 * @group Errors
 */
export class NonFiniteValueError extends PartitionedArraysError {
  constructor(message: string, origin?: ErrorOrigin) {
    super('NON_FINITE_VALUE', message, origin);
  }
}

/**
 * A part's code threw an error that is not a PartitionedArraysError; the run as a whole fails with
 * this wrapper, which names the part and keeps the original error as `cause`.
 * @group Errors
 */
export class PartFailedError extends PartitionedArraysError {
  constructor(partId: number, cause: unknown, origin: Omit<ErrorOrigin, 'partId' | 'cause'> = {}) {
    const what = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
    super('PART_FAILED', `part ${partId} failed: ${what}`, { ...origin, cause });
    Object.defineProperty(this, 'partId', { value: partId });
  }
}

/**
 * A part of a Threads run failed: its driver threw (synchronously or asynchronously), its worker
 * called `process.exit`, died, or could not import the driver module. `partId` is the FIRST part
 * that failed; `cause` is its original error, with the stack from inside the worker.
 *
 * @example
 * ```ts
 * try { await withThreads(4, './dist/driver.js'); }
 * catch (e) { if (e instanceof WorkerError) console.error(e.partId, e.cause); }
 * ```
 * @group Errors
 */
export class WorkerError extends PartFailedError {
  override readonly code: ErrorCode = 'WORKER_FAILED';
}

/**
 * Parts waited in a collective (or a channel round) that some other part never reached: the
 * collectives of the parts do not match. Thrown by a waiting part after the collective timeout, or
 * at once when the missing part can no longer arrive (it returned from `main` or waits in another
 * collective). `collective` names what the part waited in; `missingParts` lists who did not arrive.
 *
 * @example
 * ```ts
 * // part 1 skips a reduction the others call:
 * // CollectiveTimeoutError: gather: part 1 did not arrive within 500 ms (part 1 is running) (part 0)
 * ```
 * @group Errors
 */
export class CollectiveTimeoutError extends PartitionedArraysError {
  /** Name of the collective the part waited in (`'gather'`, `'barrier'`, `'Channel.wait'`, ...). */
  readonly collective: string;
  /** Parts that did not arrive, ascending. */
  readonly missingParts: readonly number[];

  constructor(collective: string, missingParts: readonly number[], message: string, origin?: ErrorOrigin) {
    super('COLLECTIVE_TIMEOUT', message, origin);
    this.collective = collective;
    this.missingParts = missingParts;
  }
}

/**
 * An MPI call failed (the MPI backend's communicator returns errors instead of aborting), or MPI
 * was used outside its life cycle (before `init` or after `finalize`).
 *
 * `errorClass` is the MPI error class (`MPI_Error_class`, e.g. 15 = `MPI_ERR_TRUNCATE` in Open MPI;
 * `MPI_ERR_OTHER` for life-cycle misuse) and `errorString` the library's text for it
 * (`MPI_Error_string`).
 *
 * @example
 * ```ts
 * try { binding.barrier(); }
 * catch (e) { if (e instanceof MpiError) console.log(e.operation, e.errorClass, e.errorString); }
 * ```
 * @group Errors
 */
export class MpiError extends PartitionedArraysError {
  /** The MPI function (`MPI_Allgather`) or binding function (`barrier`) that failed. */
  readonly operation: string;
  /** MPI error class of the failure. */
  readonly errorClass: number;
  /** MPI's description of the error (`MPI_Error_string`). */
  readonly errorString: string;

  constructor(operation: string, errorClass: number, errorString: string, origin?: ErrorOrigin) {
    super('MPI_ERROR', `${operation}: ${errorString} (MPI error class ${errorClass})`, origin);
    this.operation = operation;
    this.errorClass = errorClass;
    this.errorString = errorString;
  }
}

/**
 * A backend cannot be used on this machine or in this process (for example the MPI addon is not
 * built, or the program was not launched by `mpirun`). The message lists every `reason` found
 * and every `fix`.
 *
 * @example
 * ```ts
 * try { await withMpi(main); }
 * catch (e) { if (e instanceof BackendUnavailableError) console.error(e.reasons); }
 * ```
 * @group Errors
 */
export class BackendUnavailableError extends PartitionedArraysError {
  /** Everything that went wrong, one entry per attempt or check. */
  readonly reasons: readonly string[];
  /** What the user can do about it. */
  readonly fixes: readonly string[];

  constructor(summary: string, reasons: readonly string[], fixes: readonly string[], origin?: ErrorOrigin) {
    const lines = [`${summary}:`, ...reasons.map((r) => `  - ${r}`)];
    if (fixes.length > 0) lines.push('To fix this:', ...fixes.map((f, i) => `  ${i + 1}. ${f}`));
    super('BACKEND_UNAVAILABLE', lines.join('\n'), origin);
    this.reasons = Object.freeze([...reasons]);
    this.fixes = Object.freeze([...fixes]);
  }
}

/**
 * A file being read is not what its format promises: truncated, a wrong header or magic number,
 * sizes that disagree, ids out of range, or values not allowed there. The message names the file
 * and the byte offset or line; the same facts are in the fields.
 *
 * @example
 * ```ts
 * try { readMatrixMarket('A.mtx', ranks); }
 * catch (e) { if (e instanceof FileFormatError) console.error(e.path, e.line); }
 * ```
 * @group Errors
 */
export class FileFormatError extends PartitionedArraysError {
  /** The file that was being read. */
  readonly path: string;
  /** Byte offset where the problem was found (binary formats), when known. */
  readonly offset: number | undefined;
  /** 1-based line where the problem was found (text formats), when known. */
  readonly line: number | undefined;

  constructor(message: string, where: { path: string; offset?: number; line?: number }, origin?: ErrorOrigin) {
    const at = where.line !== undefined ? `, line ${where.line}` : where.offset !== undefined ? `, byte offset ${where.offset}` : '';
    super('FILE_FORMAT', `${where.path}${at}: ${message}`, origin);
    this.path = where.path;
    this.offset = where.offset;
    this.line = where.line;
  }
}

/**
 * One task of a task farm (a `workerPool` map) failed; `index` is the item's position in the
 * mapped array and `cause` the error the task threw (or why its worker died).
 *
 * @example
 * ```ts
 * try { await pool.map(moduleUrl, items); }
 * catch (e) { if (e instanceof TaskFailedError) console.error(`item ${e.index}:`, e.cause); }
 * ```
 * @group Errors
 */
export class TaskFailedError extends PartitionedArraysError {
  /** Position of the failed item in the mapped array. */
  readonly index: number;

  constructor(message: string, index: number, origin?: ErrorOrigin) {
    super('TASK_FAILED', message, origin);
    this.index = index;
  }
}

/**
 * A factorisation or solve met a matrix it cannot handle: a zero pivot in ILU, a singular coarse
 * matrix in AMG, a zero diagonal in SSOR. `row` is the global row where it happened, when known.
 *
 * @example
 * ```ts
 * try { gmres(A, b, { preconditioner: 'ilu0' }); }
 * catch (e) { if (e instanceof SingularMatrixError) console.error(e.partId, e.row); }
 * ```
 * @group Errors
 */
export class SingularMatrixError extends PartitionedArraysError {
  /** Global row of the zero pivot or singular block, when known. */
  readonly row: number | undefined;

  constructor(message: string, row?: number, origin?: ErrorOrigin) {
    super('SINGULAR_MATRIX', message, origin);
    this.row = row;
  }
}

/**
 * Every class of the {@link PartitionedArraysError} family, keyed by its name (the `name` of its
 * instances). It is the one list of the family: the Threads backend rebuilds an error that crossed
 * from a worker as an instance of the class found here (so `instanceof`, `code` and the class's
 * fields survive the trip), and a test checks that it holds every such class the package exports.
 * A new error class is added here, in this file. Frozen.
 *
 * @example
 * ```ts
 * const Class = ERROR_CLASSES['CollectiveTimeoutError']; // the class itself
 * Object.keys(ERROR_CLASSES); // ['PartitionedArraysError', 'InvalidArgumentError', ...]
 * ```
 * @group Errors
 */
export const ERROR_CLASSES = Object.freeze({
  /** The class {@link PartitionedArraysError}. */
  PartitionedArraysError,
  /** The class {@link InvalidArgumentError}. */
  InvalidArgumentError,
  /** The class {@link DimensionMismatchError}. */
  DimensionMismatchError,
  /** The class {@link PartitionMismatchError}. */
  PartitionMismatchError,
  /** The class {@link IndexOutOfRangeError}. */
  IndexOutOfRangeError,
  /** The class {@link NonFiniteValueError}. */
  NonFiniteValueError,
  /** The class {@link PartFailedError}. */
  PartFailedError,
  /** The class {@link WorkerError}. */
  WorkerError,
  /** The class {@link CollectiveTimeoutError}. */
  CollectiveTimeoutError,
  /** The class {@link MpiError}. */
  MpiError,
  /** The class {@link BackendUnavailableError}. */
  BackendUnavailableError,
  /** The class {@link FileFormatError}. */
  FileFormatError,
  /** The class {@link TaskFailedError}. */
  TaskFailedError,
  /** The class {@link SingularMatrixError}. */
  SingularMatrixError,
});
