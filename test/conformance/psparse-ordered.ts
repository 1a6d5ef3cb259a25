/**
 * psparse on triplets that arrive in order (a stencil's: row by row, columns ascending), which
 * build their pattern without the permutation, against the same triplets plus one trailing
 * triplet out of order (a zero added to an entry that exists), which take the general path: the
 * same blocks, bit for bit.
 */
import assert from 'node:assert/strict';
import { pmap, type LocalIndices, type PData } from '../../src/index.js';
import { laplacianFdm } from '../../src/gallery/laplacian-fdm.js';
import { psparse } from '../../src/sparse/psparse.js';
import { centralize } from '../../src/sparse/psparse-matrix.js';

type Triplets = { I: Float64Array; J: Float64Array; V: Float64Array };

/** The triplets with (first row, first row, +0) appended: out of order after the last row, same sums. */
function withTrailingZero({ I, J, V }: Triplets): Triplets {
  if (I.length === 0) return { I, J, V };
  const with1 = (a: Float64Array, x: number): Float64Array => Float64Array.of(...a, x);
  return { I: with1(I, I[0]), J: with1(J, I[0]), V: with1(V, 0) };
}

/**
 * Each triplet twice in a row (the second a third of the value, so sums round), with a triplet of
 * a row owned elsewhere (sent; its diagonal, which exists) and an ignored one between rows.
 */
function doubledWithExtras({ I, J, V }: Triplets, ids: LocalIndices): Triplets {
  const out: Triplets = { I: new Float64Array(3 * I.length), J: new Float64Array(3 * I.length), V: new Float64Array(3 * I.length) };
  let t = 0;
  const push = (i: number, j: number, v: number): void => {
    out.I[t] = i;
    out.J[t] = j;
    out.V[t++] = v;
  };
  for (let k = 0; k < I.length; k++) {
    push(I[k], J[k], V[k]);
    push(I[k], J[k], V[k] / 3);
    const other = (I[k] + 37 * k) % ids.n;
    if (k % 5 === 0 && ids.globalToOwn(other) < 0) push(other, other, 0.25);
    else if (k % 5 === 1) push(-1, J[k], 7);
  }
  return { I: out.I.slice(0, t), J: out.J.slice(0, t), V: out.V.slice(0, t) };
}

async function sameBlocks(ranks: PData<number>, make: (t: Triplets, ids: LocalIndices) => Triplets): Promise<void> {
  const { I, J, V, rows } = laplacianFdm(ranks, [6, 5, 4], [ranks.np, 1, 1]);
  const inOrder = pmap(
    (Ip: ArrayLike<number>, Jp: ArrayLike<number>, Vp: ArrayLike<number>, ids: LocalIndices) =>
      make({ I: Float64Array.from(Ip), J: Float64Array.from(Jp), V: Float64Array.from(Vp) }, ids),
    I,
    J,
    V,
    rows.partition,
  );
  const general = inOrder.map(withTrailingZero);
  const A = await psparse(inOrder.map((t) => t.I), inOrder.map((t) => t.J), inOrder.map((t) => t.V), rows, rows);
  const B = await psparse(general.map((t) => t.I), general.map((t) => t.J), general.map((t) => t.V), rows, rows);
  const a = centralize(A);
  const b = centralize(B);
  assert.deepEqual(Array.from(a.rowPtr), Array.from(b.rowPtr));
  assert.deepEqual(Array.from(a.colIdx), Array.from(b.colIdx));
  a.values.forEach((v, k) => assert.ok(Object.is(v, b.values[k]), `entry ${k}: ${v} against ${b.values[k]}`));
  // 6 x 5 x 4 nodes: 120 diagonal entries and two per edge (100 + 96 + 90 edges).
  assert.equal(a.values.length, 120 + 2 * (100 + 96 + 90));
}

export async function stencilTripletsInOrderGiveTheBitsOfTheGeneralPath(ranks: PData<number>): Promise<void> {
  await sameBlocks(ranks, (t) => t);
}

export async function duplicatesSentAndIgnoredTripletsBetweenRowsKeepTheOrder(ranks: PData<number>): Promise<void> {
  await sameBlocks(ranks, doubledWithExtras);
}
