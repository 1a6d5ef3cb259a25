/**
 * The named values an engine of a {@link cluster} keeps between calls.
 *
 * @module
 */
import { InvalidArgumentError } from '../errors.js';

/**
 * Where the namespace lives: a global slot, so that a driver module that imports the library
 * through another path (the package name, a relative path into dist/) still finds the engine's.
 */
const SLOT = Symbol.for('partitioned-arrays.cluster.engine-state');

type Slot = { [SLOT]?: Record<string, unknown> };

/** Creates the namespace of this engine (its bootstrap calls it once). */
export function createEngineState(): Record<string, unknown> {
  const state: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  (globalThis as Slot)[SLOT] = state;
  return state;
}

/**
 * The namespace of the engine this code runs on, inside a driver run by {@link Cluster.run}: the
 * values `push` and `scatter` stored (by name), and whatever a run stores there for later runs,
 * `pull` and `gather`. A plain object; its values stay until the cluster is closed. A driver
 * module's own module-level variables also stay (the module is imported once per engine).
 *
 * @throws InvalidArgumentError when called outside an engine of a cluster.
 * @example
 * ```ts
 * // driver.js, run by: await c.run('./driver.js', 2)
 * export default function main(ranks, factor) {
 *   const state = engineState();
 *   state.a = state.a.toUpperCase();     // 'a' was scattered before
 *   state.count = (state.count ?? 0) + factor;
 * }
 * ```
 * @group Task farms and interactive clusters
 */
export function engineState(): Record<string, unknown> {
  const state = (globalThis as Slot)[SLOT];
  if (state === undefined) {
    throw new InvalidArgumentError('engineState() is only available inside an engine of a cluster (in a driver run by cluster.run)');
  }
  return state;
}
