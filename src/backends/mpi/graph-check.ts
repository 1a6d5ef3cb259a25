/**
 * A collective consistency check of point-to-point plans, so that an inconsistent exchange graph
 * or channel plan throws on every rank instead of leaving a receive that is never matched (a
 * hang) or a message that is never received.
 *
 * Every message `from → to` (with its length, when known) is hashed; each rank adds the hashes of
 * what it sends and subtracts those of what it expects to receive, and one `MPI_Allreduce` sums
 * them: when the plans agree every message is added once and subtracted once, so the sums are 0.
 * Two independent hashes make an accidental zero vanishingly unlikely. Sums stay exact in float64
 * as long as fewer than 2^22 messages are planned per check.
 *
 * @module
 */
import { InvalidArgumentError } from '../../errors.js';
import type { MpiBinding } from './binding.js';

const MODULUS = 2147483647; // 2^31 - 1: with multipliers below 2^20 every product stays under 2^53

function hash(seed: number, from: number, to: number, length: number): number {
  let h = (seed + from * 1000003) % MODULUS;
  h = (h * 1000033 + to) % MODULUS;
  return (h * 999983 + length) % MODULUS;
}

/**
 * Checks, collectively, that what every rank sends matches what the receivers expect.
 * `sendLengths`/`recvLengths` (one per message) are compared too when given.
 *
 * @throws InvalidArgumentError on every rank when the plans disagree (`what` names the plan).
 */
export function checkPlansAgree(
  binding: MpiBinding,
  rank: number,
  what: string,
  targets: ArrayLike<number>,
  sources: ArrayLike<number>,
  sendLengths?: ArrayLike<number>,
  recvLengths?: ArrayLike<number>,
): void {
  const local = new Float64Array(2);
  for (let k = 0; k < targets.length; k++) {
    const length = sendLengths === undefined ? 0 : sendLengths[k];
    local[0] += hash(17, rank, targets[k], length);
    local[1] += hash(101, rank, targets[k], length);
  }
  for (let k = 0; k < sources.length; k++) {
    const length = recvLengths === undefined ? 0 : recvLengths[k];
    local[0] -= hash(17, sources[k], rank, length);
    local[1] -= hash(101, sources[k], rank, length);
  }
  const total = new Float64Array(2);
  binding.allreduce(local, total, 'sum');
  if (total[0] !== 0 || total[1] !== 0) {
    const lengths = sendLengths === undefined ? '' : ' (or the lengths of their messages)';
    throw new InvalidArgumentError(
      `inconsistent ${what}: the parts' send lists and receive lists${lengths} do not match, so a message would never be received or a receive never matched`,
    );
  }
}
