/**
 * `PTimer`: named wall-clock sections recorded per part, with statistics over parts.
 *
 * @module
 */
import { checkOptions, describeValue, expectInstance } from '../argument-checks.js';
import { InvalidArgumentError } from '../errors.js';
import { formatScientific } from '../format/scientific.js';
import { formatTable } from '../format/table.js';
import { largeArrays } from '../kernels/large-arrays.js';
import { PData } from './pdata.js';
import { gather, getAny, multicast } from './primitives.js';

/**
 * Statistics of one section over the parts, in seconds.
 * @group Gallery and timing
 */
export interface SectionStatistics {
  /** The shortest time of a part. */
  readonly min: number;
  /** The longest time of a part. */
  readonly max: number;
  /** The mean over the parts. */
  readonly avg: number;
}

/** Min, max and average over the parts' records (each a list of [section, seconds]). */
function sectionStatistics(records: readonly (readonly [string, number][])[]): Record<string, SectionStatistics> {
  const all = records.map((entries) => new Map(entries));
  const names: string[] = [];
  for (const times of all) for (const name of times.keys()) if (!names.includes(name)) names.push(name);
  const stats: Record<string, SectionStatistics> = {};
  for (const name of names) {
    let min = Infinity;
    let max = -Infinity;
    let total = 0;
    for (const times of all) {
      const t = times.get(name) ?? 0;
      min = Math.min(min, t);
      max = Math.max(max, t);
      total += t;
    }
    // The rounded mean of equal times can land one ulp outside them: keep min <= avg <= max.
    stats[name] = { min, max, avg: Math.min(max, Math.max(min, total / all.length)) };
  }
  return stats;
}

/**
 * A timer for phases of a distributed program. `toc(name)` records, on every local part, the
 * wall-clock time elapsed since the previous `tic()` or `toc()` (or since construction) and
 * restarts the clock, so consecutive `toc`s time consecutive phases; repeated names accumulate.
 *
 * Times come from `ranks.backend.wtime()` (seconds). On the Sequential backend all parts run in
 * one process, so every part records the same time: that of all parts together.
 *
 * @example
 * ```ts
 * const timer = new PTimer(ranks);
 * timer.tic();
 * const A = await psparse(I, J, V, rows, cols);
 * timer.toc('assembly');
 * const result = cg(A, b, { preconditioner: 'jacobi' });
 * timer.toc('solve');
 * console.log(timer.report());   // section | max | min | avg, slowest first
 * ```
 * @group Gallery and timing
 */
export class PTimer {
  private readonly ranks: PData<number>;
  /** Per local part (aligned with `ranks.partIds`), seconds recorded per section name. */
  private readonly sections: Map<string, number>[];
  private last: number;

  /**
   * Starts the clock. `ranks` names the run whose parts are timed.
   * @throws InvalidArgumentError when `ranks` is not a PData.
   */
  constructor(ranks: PData<number>) {
    expectInstance(ranks, PData, 'PTimer: ranks');
    this.ranks = ranks;
    this.sections = ranks.localItems.map(() => new Map());
    this.last = ranks.backend.wtime();
  }

  /**
   * Restarts the clock. With `barrier: true` every part first waits for all the others
   * (collective), so the next section starts at the same time everywhere.
   * @throws InvalidArgumentError for options other than `{ barrier?: boolean }`.
   */
  tic(opts?: { barrier?: boolean }): void {
    const { barrier } = checkOptions(opts, ['barrier'], 'PTimer.tic');
    if (barrier !== undefined && typeof barrier !== 'boolean') {
      throw new InvalidArgumentError(`PTimer.tic: barrier must be a boolean, got ${describeValue(barrier)}`);
    }
    if (barrier === true) this.ranks.backend.barrier();
    this.last = this.ranks.backend.wtime();
  }

  /**
   * Adds the time since the last `tic`/`toc` to section `name` on every local part, and restarts
   * the clock.
   * @throws InvalidArgumentError when `name` is not a non-empty string.
   */
  toc(name: string): void {
    if (typeof name !== 'string' || name.length === 0) {
      throw new InvalidArgumentError(`PTimer.toc: the section name must be a non-empty string, got ${describeValue(name)}`);
    }
    const now = this.ranks.backend.wtime();
    const elapsed = now - this.last;
    for (const times of this.sections) times.set(name, (times.get(name) ?? 0) + elapsed);
    this.last = now;
  }

  /**
   * Minimum, maximum and average over the parts of each section's time, in seconds, in the order
   * sections were first recorded (a part that never recorded a section counts 0 s for it).
   * Collective: the records are gathered on part 0, which computes the statistics and multicasts
   * them (O(np) memory, even with every part in one process); equal objects on every part.
   */
  statistics(): Record<string, SectionStatistics> {
    let i = 0;
    const records = this.ranks.map(() => [...this.sections[i++]]);
    const stats = gather(records, { destination: 0 }).map((all, p) => (p === 0 ? sectionStatistics(all) : {}));
    return getAny(multicast(stats, { source: 0 }));
  }

  /**
   * A table of {@link PTimer.statistics}: one row per section, `section | max | min | avg` in
   * seconds (`%.3e`), slowest (largest max) first, under a header naming the backend, the kernel
   * implementation, whether large arrays are on huge pages, and the number of parts. Aligned text,
   * or with `markdown: true` a Markdown pipe table after the header line and a blank line (for a
   * report or an issue). Collective; returns the same string on every part.
   * @throws InvalidArgumentError for options other than `{ markdown?: boolean }`.
   */
  report(opts?: { markdown?: boolean }): string {
    const { markdown = false } = checkOptions(opts, ['markdown'], 'PTimer.report');
    if (typeof markdown !== 'boolean') {
      throw new InvalidArgumentError(`PTimer.report: markdown must be a boolean, got ${describeValue(markdown)}`);
    }
    const stats = this.statistics();
    const names = Object.keys(stats).sort((a, b) => stats[b].max - stats[a].max);
    const { kind, kernels, np } = this.ranks.backend;
    const table = formatTable(
      ['section', 'max', 'min', 'avg'],
      names.map((name) => [name, ...[stats[name].max, stats[name].min, stats[name].avg].map((t) => formatScientific(t, 3))]),
      { separator: ' | ', rule: 'full', markdown },
    );
    return [
      `PTimer: backend ${kind}, kernels ${kernels}, huge pages ${largeArrays.hugePages.enabled ? 'on' : 'off'}, ` +
        `${np} part${np === 1 ? '' : 's'}, times in seconds`,
      ...(markdown ? [''] : []),
      table,
    ].join('\n');
  }
}
