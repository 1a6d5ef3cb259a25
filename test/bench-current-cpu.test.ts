import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { describe, expect, it } from 'vitest';
import { CpuProbe } from '../bench/lib/current-cpu.js';

/** Field 39 of the stat line, parsed the plain way (splitting strings). */
function processorFromString(): number {
  const line = readFileSync('/proc/thread-self/stat', 'utf8');
  return Number(line.slice(line.lastIndexOf(')') + 2).split(' ')[36]);
}

describe.runIf(process.platform === 'linux')('CpuProbe (bench/lib/current-cpu)', () => {
  it('reads the processor field of the calling thread, as the parsed string gives it', () => {
    const probe = CpuProbe.open();
    expect(probe).not.toBeNull();
    try {
      // The thread may move between two reads; a few tries find both reads on one processor.
      let agreed = false;
      for (let attempt = 0; attempt < 100 && !agreed; attempt++) {
        const before = processorFromString();
        const read = (probe as CpuProbe).read();
        const after = processorFromString();
        if (before === after) {
          expect(read).toBe(before);
          agreed = true;
        }
      }
      expect(agreed).toBe(true);
      const cpu = (probe as CpuProbe).read();
      expect(Number.isInteger(cpu)).toBe(true);
      expect(cpu).toBeGreaterThanOrEqual(0);
      expect(cpu).toBeLessThan(Math.max(cpus().length, 1024));
    } finally {
      probe?.close();
    }
  });
});
