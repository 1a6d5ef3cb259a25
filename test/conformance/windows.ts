import assert from 'node:assert/strict';
import {
  CollectiveTimeoutError,
  DimensionMismatchError,
  IndexOutOfRangeError,
  InvalidArgumentError,
  type PData,
  type Window,
} from '../../src/index.js';

/** Length part `p` exposes: different on every part, so lengths and bounds are really per part. */
const lengthOf = (p: number): number => 12 + 3 * p;
/** What part `t` writes at index `i` of its own memory before the first fence. */
const initial = (t: number, i: number): number => 1000 * (t + 1) + i;

/** Local index of part `p` in the window's per-local-part arrays. */
function localOf(ranks: PData<number>, p: number): number {
  return ranks.backend.localParts.indexOf(p);
}

function fillInitial(ranks: PData<number>, win: Window): void {
  for (const p of ranks.backend.localParts) {
    const local = win.local[localOf(ranks, p)];
    for (let i = 0; i < local.length; i++) local[i] = initial(p, i);
  }
}

/**
 * Every part gets, puts and accumulates runs (several per call, including empty and one-value
 * runs, and its own memory) into every part; the values are checked after each fence. Then every
 * part accumulates into the same elements of every target many times at once: the sums are exact
 * (integer-valued doubles), so a lost update shows.
 */
export function getPutAccumulateBetweenEveryPair(ranks: PData<number>): void {
  const { backend } = ranks;
  const { np, localParts } = backend;
  const win = backend.createWindow(localParts.map(lengthOf));
  assert.deepEqual([...win.lengths], Array.from({ length: np }, (_, p) => lengthOf(p)));
  assert.equal(win.local.length, localParts.length);
  for (const p of localParts) {
    assert.equal(win.local[localOf(ranks, p)].length, lengthOf(p));
    assert.ok(win.local[localOf(ranks, p)].every((v) => v === 0), 'a new window is zeroed');
  }
  fillInitial(ranks, win);
  win.fence();

  // get: runs [1,3) [5,5) [7,8) and the last value, concatenated, from every target.
  for (const p of localParts) {
    for (let t = 0; t < np; t++) {
      const last = lengthOf(t) - 1;
      const out = new Float64Array(4);
      win.get(p, t, [1, 5, 7, last], [2, 0, 1, 1], out);
      assert.deepEqual([...out], [initial(t, 1), initial(t, 2), initial(t, 7), initial(t, last)], `part ${p} gets from ${t}`);
      const whole = new Float64Array(lengthOf(t));
      win.get(p, t, Int32Array.of(0), Int32Array.of(lengthOf(t)), whole);
      assert.deepEqual([...whole], Array.from(whole, (_, i) => initial(t, i)));
    }
  }
  win.fence();

  // put: part p writes -(100p + t) at index 4 + 2p of target t; the untouched gaps between
  // prove the runs land where they say.
  for (const p of localParts) {
    for (let t = 0; t < np; t++) win.put(p, t, [4 + 2 * p], [1], Float64Array.of(-(100 * p + t)));
  }
  win.fence();
  for (const t of localParts) {
    const local = win.local[localOf(ranks, t)];
    for (let p = 0; p < np; p++) assert.equal(local[4 + 2 * p], -(100 * p + t), `part ${p}'s put into ${t}`);
    for (let p = 0; p < np; p++) assert.equal(local[5 + 2 * p], initial(t, 5 + 2 * p), 'gap untouched');
  }
  win.fence();

  // accumulate: every part adds (p + 1) * (k + 1) to elements 0..2 of every target, ROUNDS times,
  // all at once; element k of every target ends at initial + ROUNDS * (k + 1) * np(np + 1)/2.
  const ROUNDS = 200;
  for (let r = 0; r < ROUNDS; r++) {
    for (const p of localParts) {
      for (let t = 0; t < np; t++) win.accumulate(p, t, [0, 2], [2, 1], Float64Array.of(p + 1, 2 * (p + 1), 3 * (p + 1)));
    }
  }
  win.fence();
  const parts = (np * (np + 1)) / 2;
  for (const p of localParts) {
    for (let t = 0; t < np; t++) {
      const out = new Float64Array(3);
      win.get(p, t, [0], [3], out);
      assert.deepEqual([...out], [0, 1, 2].map((k) => initial(t, k) + ROUNDS * (k + 1) * parts), `sums on part ${t}`);
    }
  }
  win.free();
}

/**
 * The target takes no part: part 0 spins in JavaScript (no library call) until it sees, in its
 * own memory, a put from every other part, which each makes after getting and accumulating into
 * part 0's memory. If a one-sided call needed part 0's help, part 0 would spin until the deadline
 * and the case would fail. (On Sequential the parts run one after another: the calls are made,
 * the spinning is not.)
 */
export function completesWhileTheTargetIsBusy(ranks: PData<number>): void {
  const { backend } = ranks;
  const { np, localParts } = backend;
  const win = backend.createWindow(localParts.map(() => 2 * np + 4));
  fillInitial(ranks, win);
  win.fence();
  let seenAll = true;
  for (const p of localParts) {
    if (p === 0) continue;
    const out = new Float64Array(2);
    win.get(p, 0, [2 * np], [2], out);
    assert.deepEqual([...out], [initial(0, 2 * np), initial(0, 2 * np + 1)]);
    win.accumulate(p, 0, [2 * np + 2], [1], Float64Array.of(p));
    win.put(p, 0, [p], [1], Float64Array.of(-p));
  }
  if (localParts.includes(0) && backend.kind !== 'sequential') {
    const local = win.local[localOf(ranks, 0)];
    const deadline = Date.now() + 20_000;
    const arrived = (): boolean => {
      for (let q = 1; q < np; q++) if (local[q] !== -q) return false;
      return true;
    };
    while (!arrived() && Date.now() < deadline) {
      // busy in JavaScript: no library or MPI call
    }
    seenAll = arrived();
  }
  win.fence();
  assert.ok(seenAll, 'part 0 saw every put while it was busy');
  if (localParts.includes(0)) {
    const local = win.local[localOf(ranks, 0)];
    for (let q = 1; q < np; q++) assert.equal(local[q], -q);
    assert.equal(local[2 * np + 2], initial(0, 2 * np + 2) + (np * (np - 1)) / 2);
  }
  win.free();
}

/** Runs `f`, expecting `Class` with `partId` and a message matching `pattern`. */
function throwsTyped(f: () => unknown, Class: new (...args: never[]) => Error, partId: number | undefined, pattern: RegExp): void {
  assert.throws(f, (error: unknown) => {
    assert.ok(error instanceof Class, `expected ${Class.name}, got ${String(error)}`);
    assert.equal((error as { partId?: number }).partId, partId);
    assert.match((error as Error).message, pattern);
    return true;
  });
}

/**
 * Bad input is refused with typed errors naming the part, before anything moves (the target's
 * memory is unchanged afterwards); collectives are refused inside per-part code; a freed window
 * refuses every call.
 */
export function refusesBadInput(ranks: PData<number>): void {
  const { backend } = ranks;
  const { np, localParts } = backend;
  // Errors about a whole call name this process's part on SPMD backends, no part on Sequential.
  const spmd = backend.kind === 'sequential' ? undefined : localParts[0];
  throwsTyped(() => backend.createWindow(localParts.map(() => -1)), InvalidArgumentError, localParts[0], /createWindow: length must be a non-negative safe integer, got -1/);
  throwsTyped(() => backend.createWindow(localParts.map(() => 1.5)), InvalidArgumentError, localParts[0], /got 1\.5/);
  throwsTyped(() => backend.createWindow([...localParts, 3].map(() => 3)), InvalidArgumentError, spmd, /createWindow: expected one item per local part/);
  throwsTyped(() => ranks.map(() => backend.createWindow(localParts.map(() => 3))), InvalidArgumentError, localParts[0], /createWindow is collective/);

  const win = backend.createWindow(localParts.map(lengthOf));
  fillInitial(ranks, win);
  win.fence();
  for (const p of localParts) {
    const t = (p + 1) % np;
    const L = lengthOf(t);
    const two = new Float64Array(2);
    throwsTyped(() => win.put(np, t, [0], [2], two), InvalidArgumentError, spmd, new RegExp(`Window.put: origin must be a part held by this process .*, got ${np}`));
    throwsTyped(() => win.put(p, np, [0], [2], two), InvalidArgumentError, p, new RegExp(`Window.put target must be a part id in 0..${np - 1}, got ${np}`));
    throwsTyped(() => win.put(p, t, [L - 1], [2], two), IndexOutOfRangeError, p, new RegExp(`Window.put: run 0 \\[${L - 1}, ${L + 1}\\) leaves the memory of part ${t}, of length ${L}`));
    throwsTyped(() => win.accumulate(p, t, [0, L], [1, 1], two), IndexOutOfRangeError, p, /run 1/);
    throwsTyped(() => win.put(p, t, [-1], [2], two), InvalidArgumentError, p, /Window.put: starts\[0\] must be a non-negative integer, got -1/);
    throwsTyped(() => win.accumulate(p, t, [0], [1.5], two), InvalidArgumentError, p, /counts\[0\] must be a non-negative integer, got 1\.5/);
    throwsTyped(() => win.put(p, t, [0, 1], [2], two), DimensionMismatchError, p, /Window.put: starts has 2 entries but counts has 1/);
    throwsTyped(() => win.put(p, t, [0], [3], two), DimensionMismatchError, p, /Window.put: values has length 2 but the runs hold 3 values/);
    throwsTyped(() => win.get(p, t, [0], [1], two), DimensionMismatchError, p, /Window.get: out has length 2 but the runs hold 1 values/);
    const out = Float64Array.of(7, 7);
    throwsTyped(() => win.get(p, t, [L], [2], out), IndexOutOfRangeError, p, /Window.get: run 0/);
    assert.deepEqual([...out], [7, 7], 'a refused get writes nothing');
  }
  throwsTyped(() => ranks.forEach(() => win.fence()), InvalidArgumentError, localParts[0], /Window.fence is collective/);
  if (spmd !== undefined && np > 1) {
    // Part 0 fences while the others enter a barrier: every part learns it at once, and the
    // parts stay in step (the next fence works).
    const expected = spmd === 0 ? /^Window.fence cannot complete: parts? [\d, ]+ will never arrive \(part \d+ waits in barrier/ : /^barrier cannot complete: part 0 will never arrive \(part 0 waits in Window.fence\)/;
    throwsTyped(() => (spmd === 0 ? win.fence() : backend.barrier()), CollectiveTimeoutError, spmd, expected);
  }
  win.fence();
  for (const t of localParts) {
    const local = win.local[localOf(ranks, t)];
    assert.deepEqual([...local], Array.from(local, (_, i) => initial(t, i)), 'refused calls wrote nothing');
  }
  // One-sided calls are not collective: inside per-part code they work.
  ranks.forEach((p) => {
    const out = new Float64Array(1);
    win.get(p, 0, [0], [1], out);
    assert.equal(out[0], initial(0, 0));
  });
  win.free();
  const p = localParts[0];
  throwsTyped(() => win.get(p, 0, [0], [1], new Float64Array(1)), InvalidArgumentError, p, /Window.get: the window was freed/);
  // Parts may expose nothing: empty runs of their memory are fine, a value is out of range.
  const sparse = backend.createWindow(localParts.map((q) => (q % 2 === 0 ? 0 : 2)));
  assert.deepEqual([...sparse.lengths], Array.from({ length: np }, (_, q) => (q % 2 === 0 ? 0 : 2)));
  sparse.get(p, 0, [0], [0], new Float64Array(0));
  throwsTyped(() => sparse.get(p, 0, [0], [1], new Float64Array(1)), IndexOutOfRangeError, p, /leaves the memory of part 0, of length 0/);
  sparse.free();
  throwsTyped(() => win.put(p, 0, [0], [1], new Float64Array(1)), InvalidArgumentError, p, /Window.put: the window was freed/);
  throwsTyped(() => win.fence(), InvalidArgumentError, spmd, /Window.fence: the window was freed/);
  throwsTyped(() => win.free(), InvalidArgumentError, spmd, /Window.free: the window was freed/);
}

/** Environment variable: values per part of {@link leftAliveAtTheEnd}'s window and shared memory. */
export const LEFT_ALIVE_VALUES = 'PA_TEST_LEFT_ALIVE_VALUES';

/**
 * A window and shared memory left alive when `main` returns: the backend frees them when it is
 * disposed (on MPI, before MPI_Finalize, which would otherwise fail or hang). The Threads runs of
 * test/windows.test.ts also use it to check that repeated runs do not grow memory.
 */
export function leftAliveAtTheEnd(ranks: PData<number>): number {
  const { backend } = ranks;
  // Small as a conformance case; the no-leak test asks for large memory through the environment.
  const values = Number(process.env[LEFT_ALIVE_VALUES] ?? 1024);
  const win = backend.createWindow(backend.localParts.map(() => values));
  const shm = backend.createSharedMemory(values);
  for (const local of win.local) local.fill(1);
  if (backend.localParts[0] === 0) shm.arrays[0].fill(1);
  win.fence();
  shm.barrier();
  return win.lengths.length;
}
