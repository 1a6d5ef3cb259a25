/**
 * The progress display of examples/poisson.ts: a cli-progress bar when standard output is a
 * terminal, the plain lines that test/example.test.ts reads otherwise (chosen with an injected isTTY).
 */
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { chooseProgress } from '../examples/poisson.js';

function target(isTTY: boolean | undefined) {
  const stream = Object.assign(new PassThrough(), { isTTY: isTTY === true, columns: 120 });
  let written = '';
  stream.on('data', (chunk: Buffer) => (written += chunk.toString('utf8')));
  const lines: string[] = [];
  return { target: { isTTY, stream, print: (line: string) => lines.push(line) }, lines, written: () => written };
}

/** Runs a display over a residual history that falls from 100 to 1e-7 (relative 1e-9) in 60 iterations. */
function drive(display: ReturnType<typeof chooseProgress>): void {
  const r0 = 100;
  for (let k = 0; k <= 60; k++) display.iteration(k, r0 * 10 ** (-k * 0.15), r0);
  display.finish(60, r0 * 1e-9, r0);
}

describe('examples/poisson progress', () => {
  for (const isTTY of [false, undefined]) {
    it(`prints a line every 25 iterations and the last one when stdout is not a terminal (isTTY ${isTTY})`, () => {
      const { target: t, lines, written } = target(isTTY);
      const display = chooseProgress(t);
      expect(display.kind).toBe('lines');
      drive(display);
      expect(lines).toEqual([
        'iteration     0  residual 1.000000e+02  relative 1.000e+00',
        'iteration    25  residual 1.778279e-02  relative 1.778e-04',
        'iteration    50  residual 3.162278e-06  relative 3.162e-08',
        'iteration    60  residual 1.000000e-07  relative 1.000e-09',
      ]);
      expect(written()).toBe('');
    });
  }

  it('draws a bar on a terminal and prints only the final line', async () => {
    const { target: t, lines, written } = target(true);
    const display = chooseProgress(t);
    expect(display.kind).toBe('bar');
    drive(display);
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines).toEqual(['iteration    60  residual 1.000000e-07  relative 1.000e-09']);
    expect(written()).toContain('CG [');
    expect(written()).toContain('0% | iteration 0 | relative residual 1.000e+00');
    expect(written()).toContain('100% | iteration 60 | relative residual 1.000e-09');
  });
});
