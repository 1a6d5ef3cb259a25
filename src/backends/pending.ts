import { InvalidArgumentError } from '../errors.js';

/**
 * A split-phase operation: started when created, finished by {@link Pending.wait}. Work placed
 * between the start and `wait()` overlaps the communication (the SpMV computes its own-own product
 * while the ghost values travel).
 *
 * `wait()` blocks the calling thread until the operation is complete and returns its result; it
 * may be called any number of times and returns the same result. A `Pending` is also awaitable
 * (`await consistent(v)`), which simply calls `wait()`.
 *
 * @example
 * ```ts
 * const update = consistent(x);   // ghost values start travelling
 * localWork();                    // overlapped with the exchange
 * update.wait();                  // ghosts are now up to date
 * ```
 * @group Running a program on a backend
 */
export class Pending<T> implements PromiseLike<T> {
  private finish: (() => T) | undefined;
  private result: { value: T } | { error: unknown } | undefined;

  /**
   * `finish` completes the operation; it is called at most once, by the first `wait()`.
   * @throws InvalidArgumentError when `finish` is not a function.
   */
  constructor(finish: () => T) {
    if (typeof finish !== 'function') throw new InvalidArgumentError(`Pending: finish must be a function, got ${typeof finish}`);
    this.finish = finish;
  }

  /** An already completed operation. */
  static done<T>(value: T): Pending<T> {
    const p = new Pending<T>(() => value);
    p.wait();
    return p;
  }

  /** Blocks until the operation is complete; returns its result. Throws what the operation threw. */
  wait(): T {
    if (this.result === undefined) {
      const finish = this.finish;
      if (finish === undefined) throw new Error('Pending.wait() re-entered while finishing');
      this.finish = undefined;
      try {
        this.result = { value: finish() };
      } catch (error) {
        this.result = { error };
      }
    }
    if ('error' in this.result) throw this.result.error;
    return this.result.value;
  }

  /** Lets `await pending` work; equivalent to `wait()`. */
  then<R1 = T, R2 = never>(
    onFulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onRejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return new Promise<T>((resolve) => resolve(this.wait())).then(onFulfilled, onRejected);
  }

  /**
   * A Pending whose result is `f` applied to this one's result (f runs inside `wait()`).
   * @throws InvalidArgumentError when `f` is not a function (at once, not at `wait()`).
   */
  map<U>(f: (value: T) => U): Pending<U> {
    if (typeof f !== 'function') throw new InvalidArgumentError(`Pending.map: f must be a function, got ${typeof f}`);
    return new Pending(() => f(this.wait()));
  }
}
