/**
 * How a map reports progress: a cli-progress bar on a terminal, a caller's function, or nothing.
 *
 * @module
 */
import { createRequire } from 'node:module';

/**
 * cli-progress is loaded only when a bar is drawn: importing the library (or running a pool
 * without a terminal) never loads it.
 */
const load = createRequire(import.meta.url);

/**
 * Told how many items are done out of how many (called at most once per finished chunk).
 * @group Task farms and interactive clusters
 */
export type ProgressCallback = (done: number, total: number) => void;

/** What a map calls as items finish; `stop` once the map settles. */
export interface ProgressSink {
  update(done: number): void;
  stop(): void;
}

/** The sink that shows nothing (no progress asked for, or no terminal to draw on). */
export const NO_PROGRESS: ProgressSink = { update: () => undefined, stop: () => undefined };

/**
 * The sink for a map's `progress` option: `true` draws a bar on stderr when it is a terminal (and
 * nothing otherwise: logs and pipes stay clean), a function is called with (done, total).
 */
export function progressSink(option: boolean | ProgressCallback | undefined, total: number, stream: NodeJS.WriteStream = process.stderr): ProgressSink {
  if (typeof option === 'function') {
    return { update: (done) => option(done, total), stop: () => undefined };
  }
  if (option !== true || stream.isTTY !== true) return NO_PROGRESS;
  const { SingleBar } = load('cli-progress') as typeof import('cli-progress');
  const bar = new SingleBar({ stream, format: 'map [{bar}] {percentage}% | {value}/{total} items | {eta_formatted} left', hideCursor: true, clearOnComplete: true });
  bar.start(total, 0);
  return {
    update: (done) => bar.update(done),
    stop: () => bar.stop(),
  };
}
