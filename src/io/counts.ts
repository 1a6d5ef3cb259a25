/**
 * Where each part's piece goes in a file laid out in part order: the sum of the pieces before it
 * and the total, from one gather of one number per part.
 *
 * @module
 */
import type { PData } from '../pdata/pdata.js';
import { gather, getAny } from '../pdata/primitives.js';

/** Per part, the sum of the counts of the parts before it, and the sum over all parts (collective). */
export function partOffsets(counts: PData<number>): { before: PData<number>; total: number } {
  const all = getAny(gather(counts, { destination: 'all' }));
  const total = all.reduce((a, b) => a + b, 0);
  return { before: counts.map((_, p) => all.slice(0, p).reduce((a, b) => a + b, 0)), total };
}
