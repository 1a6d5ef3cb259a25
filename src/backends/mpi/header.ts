/**
 * The header every collective of {@link MpiBackend} starts with: one fixed-shape `MPI_Iallgather`
 * ({@link MpiBinding.meet}) of a few float64 words per rank, saying which collective the rank is
 * in, with which root, and how many bytes (or values) it brings. Because its shape never depends
 * on the collective, the header of any collective matches the header of any other on every rank,
 * so a disagreement (another collective, another root, a rank that returned from `main` and is in
 * `dispose`) is seen by every rank at the first step and becomes a typed error there, never a
 * mismatched MPI call. `allgatherFloat64` carries its values in the header itself: one collective.
 *
 * Kind codes and names follow the Threads backend's (its error messages are the same word for word).
 *
 * @module
 */
import { CollectiveTimeoutError, InvalidArgumentError } from '../../errors.js';
import { Kind, kindName, partList, type KindCode } from '../collectives.js';

/** What part `q`, seen waiting in `kind`, is doing, as error messages say it. */
export function waitingIn(q: number, kind: number): string {
  return kind === Kind.finalize ? `part ${q} returned from main` : `part ${q} waits in ${kindName(kind)}`;
}

/** `root` of collectives without a root part. */
export const NO_ROOT = -2;
/** `root` of collectives whose destination is every part. */
export const ALL_PARTS = -1;

/** Offset, in a rank's header, of the {@link Kind} code of its collective. */
export const KIND = 0;
/** Offset of the root part: a part id, {@link ALL_PARTS} or {@link NO_ROOT}. */
export const ROOT = 1;
/**
 * Offset of the bytes the rank brings (gather; the source of multicast and scatter; the sends of
 * an exchange), or the number of values of allgatherFloat64.
 */
export const SIZE = 2;
/** First of the up to 8 values of allgatherFloat64. */
export const VALUES = 3;
/** Float64 words per rank header. */
export const HEADER_WORDS = 11;

function rootName(root: number): string {
  return root === ALL_PARTS ? "'all'" : `part ${root}`;
}

/**
 * Checks the gathered headers `all` (one per rank) against this rank's collective. Allocation-free
 * when they agree (the hot path: `allgatherFloat64` runs twice per CG iteration).
 *
 * @throws CollectiveTimeoutError (partId `me`) naming the parts that are in another collective or
 * returned from `main` (`"gather cannot complete: part 1 will never arrive (part 1 returned from
 * main)"`), as the Threads backend says when a missing part can no longer arrive.
 * @throws InvalidArgumentError (partId `me`) when the parts disagree on the root (`"gather: the
 * parts disagree on the root: part 0 here, 'all' on part 1"`) or, for allgatherFloat64, on the
 * number of values.
 */
export function checkHeaders(all: Float64Array, np: number, me: number, kind: KindCode, root: number, size: number): void {
  const checkSize = kind === Kind.allgatherFloat64;
  for (let q = 0, b = 0; q < np; q++, b += HEADER_WORDS) {
    if (all[b + KIND] !== kind || all[b + ROOT] !== root || (checkSize && all[b + SIZE] !== size)) {
      throw headerMismatch(all, np, me, kind, root, size);
    }
  }
}

function headerMismatch(all: Float64Array, np: number, me: number, kind: KindCode, root: number, size: number): Error {
  const elsewhere: number[] = [];
  for (let q = 0; q < np; q++) if (all[q * HEADER_WORDS + KIND] !== kind) elsewhere.push(q);
  const name = kindName(kind);
  if (elsewhere.length > 0) {
    const why = elsewhere.map((q) => waitingIn(q, all[q * HEADER_WORDS + KIND])).join('; ');
    return new CollectiveTimeoutError(name, elsewhere, `${name} cannot complete: ${partList(elsewhere)} will never arrive (${why})`, {
      partId: me,
    });
  }
  for (let q = 0; q < np; q++) {
    const other = all[q * HEADER_WORDS + ROOT];
    if (other !== root) {
      return new InvalidArgumentError(`${name}: the parts disagree on the root: ${rootName(root)} here, ${rootName(other)} on part ${q}`, {
        partId: me,
      });
    }
  }
  const q = Array.from({ length: np }, (_, p) => p).find((p) => all[p * HEADER_WORDS + SIZE] !== size) as number;
  return new InvalidArgumentError(
    `${name}: the parts disagree on the number of values: ${size} here, ${all[q * HEADER_WORDS + SIZE]} on part ${q}`,
    { partId: me },
  );
}
