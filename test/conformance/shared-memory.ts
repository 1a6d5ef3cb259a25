import assert from 'node:assert/strict';
import { InvalidArgumentError, type PData } from '../../src/index.js';

/** Slots per part in the shared array. */
const SLOTS = 3;
/** What part `p` writes in its slot `j` in round `r`. */
const written = (r: number, p: number, j: number): number => 10_000 * r + 100 * p + j;

/**
 * Every part writes its own slots, a barrier, every part reads every slot (so what part p wrote
 * is read by part q), a barrier; three rounds over the same memory. The sharers are every part
 * here (Threads, Sequential, and MPI on one machine), ascending, and the arrays of all local parts
 * are the same memory.
 */
export function writesBeforeTheBarrierAreReadAfterIt(ranks: PData<number>): void {
  const { backend } = ranks;
  const { np, localParts } = backend;
  const shm = backend.createSharedMemory(SLOTS * np);
  const everyPart = Array.from({ length: np }, (_, p) => p);
  assert.equal(shm.arrays.length, localParts.length);
  assert.equal(shm.sharers.length, localParts.length);
  for (let i = 0; i < localParts.length; i++) {
    assert.deepEqual([...shm.sharers[i]], everyPart);
    assert.equal(shm.arrays[i].length, SLOTS * np);
    assert.equal(shm.arrays[i].buffer, shm.arrays[0].buffer);
  }
  shm.barrier();
  assert.ok(shm.arrays[0].every((v) => v === 0), 'new shared memory is zeroed');
  shm.barrier();
  for (let r = 1; r <= 3; r++) {
    for (let i = 0; i < localParts.length; i++) {
      for (let j = 0; j < SLOTS; j++) shm.arrays[i][SLOTS * localParts[i] + j] = written(r, localParts[i], j);
    }
    shm.barrier();
    for (let i = 0; i < localParts.length; i++) {
      const seen = [...shm.arrays[i]];
      assert.deepEqual(seen, Array.from(seen, (_, k) => written(r, Math.floor(k / SLOTS), k % SLOTS)), `round ${r} on part ${localParts[i]}`);
    }
    shm.barrier();
  }
  shm.free();
}

/**
 * Bad lengths (and, on SPMD backends, parts passing different lengths) are refused on every part;
 * a collective inside per-part code is refused; freed memory refuses every call; zero length works.
 */
export function refusesBadInput(ranks: PData<number>): void {
  const { backend } = ranks;
  const { np, localParts } = backend;
  // Errors about a whole call name this process's part on SPMD backends, no part on Sequential.
  const spmd = backend.kind === 'sequential' ? undefined : localParts[0];
  const expect = (f: () => unknown, pattern: RegExp, partId = spmd): void => {
    assert.throws(f, (error: unknown) => {
      assert.ok(error instanceof InvalidArgumentError, String(error));
      assert.equal(error.partId, partId);
      assert.match(error.message, pattern);
      return true;
    });
  };
  expect(() => backend.createSharedMemory(-2), /createSharedMemory: length must be a non-negative safe integer, got -2/);
  expect(() => backend.createSharedMemory(0.5), /got 0\.5/);
  expect(() => ranks.map(() => backend.createSharedMemory(4)), /createSharedMemory is collective/, localParts[0]);
  if (spmd !== undefined && np > 1) {
    const other = spmd === 0 ? 1 : 0;
    expect(
      () => backend.createSharedMemory(5 + spmd),
      new RegExp(`createSharedMemory: the parts disagree on the length: ${5 + spmd} here, ${5 + other} on part ${other}`),
    );
  }
  const empty = backend.createSharedMemory(0);
  assert.equal(empty.arrays[0].length, 0);
  empty.barrier();
  expect(() => ranks.forEach(() => empty.barrier()), /SharedMemory.barrier is collective/, localParts[0]);
  empty.free();
  expect(() => empty.barrier(), /SharedMemory.barrier: the shared memory was freed/);
  expect(() => empty.free(), /SharedMemory.free: the shared memory was freed/);
}
