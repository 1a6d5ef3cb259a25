import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { describeVcpuProbe, parseCpuList, probeVcpus, summarizeVcpus } from '../bench/lib/vcpu-probe.js';

describe('vCPU probe (bench/lib/vcpu-probe)', () => {
  it('reports the slowest over the fastest CPU for the chase and the fastest over the slowest for the sum', () => {
    const probe = summarizeVcpus([
      { cpu: 0, chase_ns: 150, sum_gbs: 6 },
      { cpu: 1, chase_ns: 100, sum_gbs: 12 },
      { cpu: 2, chase_ns: 120, sum_gbs: 9 },
    ]);
    expect(probe.chase_ratio).toBe(1.5);
    expect(probe.sum_ratio).toBe(2);
    expect(summarizeVcpus([{ cpu: 3, chase_ns: 80, sum_gbs: 20 }])).toMatchObject({ chase_ratio: 1, sum_ratio: 1 });
  });

  it('describes every CPU and the spread in one line, or why nothing was measured', () => {
    const line = describeVcpuProbe(summarizeVcpus([
      { cpu: 0, chase_ns: 150.4, sum_gbs: 6.04 },
      { cpu: 1, chase_ns: 100.2, sum_gbs: 12.1 },
    ]));
    expect(line).toBe('cpu 0: chase 150 ns, sum 6.0 GB/s; cpu 1: chase 100 ns, sum 12.1 GB/s; slowest/fastest 1.50 (chase), 2.00 (sum)');
    expect(describeVcpuProbe({ reason: 'no taskset' })).toBe('not measured (no taskset)');
  });

  it('reads the CPU lists of /proc/<pid>/status, ranges and single CPUs alike', () => {
    expect(parseCpuList('0-1')).toEqual([0, 1]);
    expect(parseCpuList('3,0-1,8-9\n')).toEqual([0, 1, 3, 8, 9]);
    expect(parseCpuList('5')).toEqual([5]);
    expect(() => parseCpuList('0-1,x')).toThrow("not a CPU list: '0-1,x'");
  });

  describe.runIf(process.platform === 'linux')('on this machine', () => {
    const allowed = (): number[] =>
      parseCpuList(/^Cpus_allowed_list:\s*(.+)$/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? '');

    it('measures one CPU with a child pinned to it', () => {
      const [first] = allowed();
      const probe = probeVcpus([first]);
      if ('reason' in probe) throw new Error(probe.reason);
      expect(probe.samples).toHaveLength(1);
      const [sample] = probe.samples;
      expect(sample.cpu).toBe(first);
      // A dependent load from beyond the caches takes tens to hundreds of nanoseconds, and a sum
      // over memory moves at least a few hundred MB/s on any machine these tests run on.
      expect(sample.chase_ns).toBeGreaterThan(1);
      expect(sample.chase_ns).toBeLessThan(10_000);
      expect(sample.sum_gbs).toBeGreaterThan(0.3);
      expect(sample.sum_gbs).toBeLessThan(1000);
    }, 60_000);

    it('probes every CPU this process may run on by default', () => {
      const probe = probeVcpus();
      if ('reason' in probe) throw new Error(probe.reason);
      expect(probe.samples.map((s) => s.cpu)).toEqual(allowed());
    }, 120_000);

    it('says which CPU could not be probed instead of throwing', () => {
      const probe = probeVcpus([4095]);
      expect('reason' in probe).toBe(true);
      expect((probe as { reason: string }).reason).toMatch(/^vCPU probe on cpu 4095: /);
    });
  });
});
