import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, PData, SequentialBackend, withSequential } from '../src/index.js';
import { PTimer } from '../src/pdata/ptimer.js';
import { kernelKind } from '../src/kernels/select-kernels.js';
import { largeArrays } from '../src/kernels/large-arrays.js';

/** A Sequential backend whose clock the test sets by hand. */
class ManualClockBackend extends SequentialBackend {
  now = 0;
  override wtime(): number {
    return this.now;
  }
}

function manualRun(np: number): { backend: ManualClockBackend; ranks: PData<number> } {
  const backend = new ManualClockBackend(np);
  return { backend, ranks: new PData(backend, backend.localParts.slice()) };
}

describe('PTimer', () => {
  it('times consecutive phases and accumulates repeated names', () => {
    const { backend, ranks } = manualRun(3);
    backend.now = 10;
    const timer = new PTimer(ranks);
    backend.now = 11;
    timer.tic();
    backend.now = 12.5;
    timer.toc('assembly');
    backend.now = 13;
    timer.toc('solve');
    backend.now = 15;
    timer.toc('assembly');
    expect(timer.statistics()).toEqual({
      assembly: { min: 3.5, max: 3.5, avg: 3.5 },
      solve: { min: 0.5, max: 0.5, avg: 0.5 },
    });
  });

  it('reports every section, slowest first, with the backend and kernels in the header', () => {
    const { backend, ranks } = manualRun(2);
    const timer = new PTimer(ranks);
    backend.now = 0.25;
    timer.toc('setup');
    backend.now = 2.25;
    timer.toc('solve');
    backend.now = 2.2505;
    timer.toc('report');
    expect(timer.report().split('\n')).toEqual([
      `PTimer: backend sequential, kernels ${kernelKind}, huge pages ${largeArrays.hugePages.enabled ? 'on' : 'off'}, 2 parts, times in seconds`,
      'section |       max |       min |       avg',
      '-------------------------------------------',
      'solve   | 2.000e+00 | 2.000e+00 | 2.000e+00',
      'setup   | 2.500e-01 | 2.500e-01 | 2.500e-01',
      'report  | 5.000e-04 | 5.000e-04 | 5.000e-04',
    ]);
  });

  it('reports as a Markdown table with markdown: true, and refuses other options', () => {
    const { backend, ranks } = manualRun(2);
    const timer = new PTimer(ranks);
    backend.now = 0.25;
    timer.toc('setup');
    backend.now = 2.25;
    timer.toc('solve');
    expect(timer.report({ markdown: true }).split('\n')).toEqual([
      `PTimer: backend sequential, kernels ${kernelKind}, huge pages ${largeArrays.hugePages.enabled ? 'on' : 'off'}, 2 parts, times in seconds`,
      '',
      '| section | max | min | avg |',
      '| --- | ---: | ---: | ---: |',
      '| solve | 2.000e+00 | 2.000e+00 | 2.000e+00 |',
      '| setup | 2.500e-01 | 2.500e-01 | 2.500e-01 |',
    ]);
    expect(() => timer.report({ markdown: 1 as unknown as boolean })).toThrow(
      new InvalidArgumentError('PTimer.report: markdown must be a boolean, got 1'),
    );
    expect(() => timer.report({ md: true } as unknown as { markdown: boolean })).toThrow(
      new InvalidArgumentError("PTimer.report: unknown option 'md' (accepted: markdown)"),
    );
  });

  it('gives min <= avg <= max with the real clock, on every part count', async () => {
    for (const np of [1, 2, 3, 4]) {
      const stats = await withSequential(np, (ranks) => {
        const timer = new PTimer(ranks);
        timer.tic({ barrier: true });
        let x = 0;
        for (let i = 0; i < 1e5; i++) x += Math.sqrt(i);
        timer.toc('work');
        timer.toc('nothing');
        return { stats: timer.statistics(), x };
      });
      const work = stats.stats.work;
      expect(work.min).toBeGreaterThan(0);
      expect(work.min).toBeLessThanOrEqual(work.avg);
      expect(work.avg).toBeLessThanOrEqual(work.max);
      expect(Object.keys(stats.stats)).toEqual(['work', 'nothing']);
    }
  });

  it('rejects an empty section name', () => {
    const { ranks } = manualRun(1);
    const timer = new PTimer(ranks);
    expect(() => timer.toc('')).toThrow(InvalidArgumentError);
    expect(() => timer.toc('')).toThrow('PTimer.toc: the section name must be a non-empty string, got ');
  });
});
