/**
 * The data movement of a one-sided call inside one address space (Sequential; Threads, where the
 * target's memory is a SharedArrayBuffer this thread sees): copies or adds runs of the target's
 * memory. Arguments arrive checked (see window-core.ts).
 *
 * @module
 */

/** Copies the runs `[starts[k], starts[k] + counts[k])` of `memory` into `out`, back to back. */
export function getRuns(memory: Float64Array, starts: ArrayLike<number>, counts: ArrayLike<number>, out: Float64Array): void {
  let at = 0;
  for (let k = 0; k < starts.length; k++) {
    const start = starts[k];
    const count = counts[k];
    if (count === 1) out[at] = memory[start];
    else out.set(memory.subarray(start, start + count), at);
    at += count;
  }
}

/** Writes `values` (the runs back to back) into the runs of `memory`. */
export function putRuns(memory: Float64Array, starts: ArrayLike<number>, counts: ArrayLike<number>, values: Float64Array): void {
  let at = 0;
  for (let k = 0; k < starts.length; k++) {
    const count = counts[k];
    if (count === 1) memory[starts[k]] = values[at];
    else memory.set(values.subarray(at, at + count), starts[k]);
    at += count;
  }
}

/** Adds `values` (the runs back to back) element-wise into the runs of `memory`. */
export function addRuns(memory: Float64Array, starts: ArrayLike<number>, counts: ArrayLike<number>, values: Float64Array): void {
  let at = 0;
  for (let k = 0; k < starts.length; k++) {
    const start = starts[k];
    const end = start + counts[k];
    for (let i = start; i < end; i++) memory[i] += values[at++];
  }
}
