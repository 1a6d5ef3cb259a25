/**
 * The deadline of the MPI backend's waits and the error of a wait that passed it: the same
 * variable, default and {@link CollectiveTimeoutError} messages as the Threads backend.
 *
 * @module
 */
import { CollectiveTimeoutError } from '../../errors.js';
import type { MpiTimeoutReport } from './binding.js';
import { kindName, partList } from '../collectives.js';
import { waitingIn } from './header.js';

/**
 * The error of a wait whose deadline passed, made from what the rank learned (the addon calls
 * this through `setErrorClasses`). The missing parts are, for an exchange, the ranks whose messages
 * are incomplete; for a collective, the ranks that did not answer that they wait in the same one.
 *
 * @example
 * ```ts
 * // CollectiveTimeoutError: gather: part 1 did not arrive within 1000 ms (part 1 is running) (part 0)
 * ```
 */
export function timeoutError(report: MpiTimeoutReport): CollectiveTimeoutError {
  const { kind, rank, states, timeoutMs } = report;
  const name = kind === 0 ? report.operation : kindName(kind);
  const missing =
    report.pending !== null
      ? Array.from(report.pending)
      : Array.from(states.keys()).filter((q) => q !== rank && states[q] !== kind);
  const describe = (q: number): string => (states[q] === -1 ? `part ${q} is running` : waitingIn(q, states[q]));
  const message =
    missing.length === 0
      ? `${name}: did not complete within ${timeoutMs} ms, although every part answered that it waits in it`
      : `${name}: ${partList(missing)} did not arrive within ${timeoutMs} ms (${missing.map(describe).join('; ')})`;
  return new CollectiveTimeoutError(name, missing, message, { partId: rank });
}
