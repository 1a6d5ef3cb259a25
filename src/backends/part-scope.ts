/**
 * Which part's own code is running, so that a collective called from inside it is caught at once
 * on every backend. `map`, `forEach`, `pmap` and `mapMain` run a function for some parts only (one
 * part on Threads and MPI, each part in turn on Sequential); a collective called there is entered by
 * a subset of the parts, which would hang a distributed run and silently run np times on
 * Sequential.
 *
 * @module
 */
import { InvalidArgumentError } from '../errors.js';

/** The part whose code runs now, or -1 outside per-part code. */
let current = -1;

/**
 * Runs `f` as part `partId`'s own code: collectives called inside it throw (see
 * {@link checkNotInPartCode}). Nests; restores the outer part on return or throw.
 */
export function inPartCode<R>(partId: number, f: () => R): R {
  const outer = current;
  current = partId;
  try {
    return f();
  } finally {
    current = outer;
  }
}

/**
 * Called by every collective of every backend before it communicates.
 * @throws InvalidArgumentError (with the part id) `"<collective> is collective: every part must
 * call it, but it was called inside code that runs for part <p> alone (map, forEach, pmap or
 * mapMain)"`.
 */
export function checkNotInPartCode(collective: string): void {
  if (current < 0) return;
  throw new InvalidArgumentError(
    `${collective} is collective: every part must call it, but it was called inside code that runs for part ${current} alone (map, forEach, pmap or mapMain); call it outside, on the whole PData`,
    { partId: current },
  );
}
