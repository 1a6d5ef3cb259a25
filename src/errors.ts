/**
 * Typed errors. Every error the library throws is a {@link PartitionedArraysError}, so callers can
 * catch the whole family with one `instanceof` and switch on the stable `code`.
 *
 * @module
 */

/** Stable, machine-readable error codes. They never change meaning between versions. */
export type ErrorCode =
  | 'INVALID_ARGUMENT'
  | 'DIMENSION_MISMATCH'
  | 'PARTITION_MISMATCH'
  | 'INDEX_OUT_OF_RANGE'
  | 'NON_FINITE_VALUE'
  | 'PART_FAILED';

/** Where an error happened: the part id (0-based) and, on SPMD backends, the process rank. */
export interface ErrorOrigin {
  partId?: number;
  rank?: number;
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

/** A value passed to a public function is of the wrong kind or outside its allowed range. */
export class InvalidArgumentError extends PartitionedArraysError {
  constructor(message: string, origin?: ErrorOrigin) {
    super('INVALID_ARGUMENT', message, origin);
  }
}

/** Lengths or sizes that must agree do not (vector length vs partition, non-square operator, ...). */
export class DimensionMismatchError extends PartitionedArraysError {
  constructor(message: string, origin?: ErrorOrigin) {
    super('DIMENSION_MISMATCH', message, origin);
  }
}

/**
 * Two distributed objects that must share a partition (or a `ranks`) do not, for example a PVector
 * built on other rows than the matrix it is multiplied with.
 */
export class PartitionMismatchError extends PartitionedArraysError {
  constructor(message: string, origin?: ErrorOrigin) {
    super('PARTITION_MISMATCH', message, origin);
  }
}

/** A global id is `>= n` (negative ids are never an error: they are ignored by bulk calls). */
export class IndexOutOfRangeError extends PartitionedArraysError {
  constructor(message: string, origin?: ErrorOrigin) {
    super('INDEX_OUT_OF_RANGE', message, origin);
  }
}

/** A NaN or infinite value where only finite values are accepted (matrix and vector values). */
export class NonFiniteValueError extends PartitionedArraysError {
  constructor(message: string, origin?: ErrorOrigin) {
    super('NON_FINITE_VALUE', message, origin);
  }
}

/**
 * A part's code threw an error that is not a PartitionedArraysError; the run as a whole fails with
 * this wrapper, which names the part and keeps the original error as `cause`.
 */
export class PartFailedError extends PartitionedArraysError {
  constructor(partId: number, cause: unknown, origin: Omit<ErrorOrigin, 'partId' | 'cause'> = {}) {
    const what = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
    super('PART_FAILED', `part ${partId} failed: ${what}`, { ...origin, cause });
    Object.defineProperty(this, 'partId', { value: partId });
  }
}
