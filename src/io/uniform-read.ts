/**
 * The common read of a vector onto the default range (the uniform 1-D partition, no ghosts) in one
 * step per part and one collective: each part learns the length from the file, reads its own block
 * straight into the new vector's memory, and the parts then agree on the outcome. The general path
 * (`readPlan`, `readTargets`, `vectorFromTargets` in layout.ts) needs the length agreed before
 * the plan, so it takes two collectives and opens the file twice; here nothing is collective
 * before the reads (the uniform partition is computed by each part alone), which on the Threads
 * backend also saves a hand-over between threads in every read (a wake-up that a loaded machine
 * can delay by milliseconds).
 *
 * @module
 */
import type { PData } from '../pdata/pdata.js';
import { uniformPartition } from '../partitions/uniform-partition.js';
import { PVector } from '../vectors/pvector.js';
import { together } from './collective.js';
import { blockSpan, type RowSpan } from './layout.js';

/** A part's block of the vector being read: its rows and the memory they go to. */
export interface UniformBlock {
  readonly span: RowSpan;
  /** The part's own values (the vector's whole local array): fill all of it. */
  readonly into: Float64Array;
}

/**
 * The vector of length `n` read by `readPart` on every part (collective: one agreement).
 * `readPart(block)` runs once per part; it finds `n` in the file, calls `block(n)` once for the
 * part's rows and memory, and fills that memory. What it throws is thrown on every part (see
 * `agree` in collective.ts).
 * @throws what a part's `readPart` threw, or Error when it never called `block`.
 */
export function readUniformVector(ranks: PData<number>, readPart: (block: (n: number) => UniformBlock) => void): PVector {
  const backend = ranks.backend;
  const np = ranks.np;
  const read = together(ranks, (p) => {
    let got: { n: number; into: Float64Array } | undefined;
    readPart((n) => {
      const span = blockSpan(p, n, np);
      got = { n, into: backend.allocateFloat64(span.count) };
      return { span, into: got.into };
    });
    if (got === undefined) throw new Error('readUniformVector: the part read no block');
    return got;
  });
  return new PVector(uniformPartition(ranks, read.localItems[0].n), read.map((r) => r.into));
}
