/**
 * How fast each logical CPU reaches memory right now, measured by a short program pinned to it.
 *
 * On the virtual machines these benchmarks run on, one vCPU can reach memory several times more
 * slowly than the other for seconds to minutes at a time (the host's other work, invisible from
 * inside: no steal time is reported), while a compute-only loop runs at the same speed on both.
 * A part bound to the slow vCPU then holds the other at every exchange, so a run's two-part
 * figures depend on it. Each benchmark prints this probe at its start and its end so that a reader
 * can tell such a run from a quiet one.
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { runCommand } from './anchors.js';

/** One CPU's figures: a dependent chase through memory and a streaming sum. */
export interface VcpuSample {
  /** The logical CPU the probe ran on (`taskset -c`). */
  readonly cpu: number;
  /** Nanoseconds per step of a dependent chase through 32 MiB (lower is faster). */
  readonly chase_ns: number;
  /** GB/s of the best of three sums over 64 MiB (higher is faster). */
  readonly sum_gbs: number;
}

/** The probe of every CPU, with the spread between the slowest and the fastest. */
export interface VcpuProbe {
  readonly samples: readonly VcpuSample[];
  /** Slowest chase over fastest chase (1 when the CPUs are alike). */
  readonly chase_ratio: number;
  /** Fastest sum over slowest sum (1 when the CPUs are alike). */
  readonly sum_ratio: number;
}

/** Elements of the chase (32 MiB of Int32) and of the sum (64 MiB of Float64): beyond the L2 caches. */
const CHASE_LENGTH = 1 << 23;
const SUM_LENGTH = 1 << 23;
/** Chase steps timed: about 0.1 s at 100 ns per step. */
const CHASE_STEPS = 1 << 20;

// The child's program: an LCG of full period visits every slot once, in an order the hardware
// prefetcher cannot follow (each slot holds the next one's index, so every load waits for the last);
// the sum keeps four chains of additions so that memory, not the adder's latency, bounds it.
const PROBE_SOURCE = `
const n = ${CHASE_LENGTH}, steps = ${CHASE_STEPS}, m = ${SUM_LENGTH};
const next = new Int32Array(n);
for (let i = 0; i < n; i++) next[i] = (Math.imul(i, 1103515245) + 12345) & (n - 1);
let at = 0;
for (let s = 0; s < steps; s++) at = next[at];
const t0 = process.hrtime.bigint();
for (let s = 0; s < steps; s++) at = next[at];
const chaseNs = Number(process.hrtime.bigint() - t0) / steps;
const values = new Float64Array(m).fill(1);
let best = Infinity, sum = 0;
for (let r = 0; r < 3; r++) {
  const t = process.hrtime.bigint();
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  for (let i = 0; i < m; i += 4) {
    s0 += values[i];
    s1 += values[i + 1];
    s2 += values[i + 2];
    s3 += values[i + 3];
  }
  best = Math.min(best, Number(process.hrtime.bigint() - t));
  sum += s0 + s1 + s2 + s3;
}
console.log(JSON.stringify({ chaseNs, sumGbs: (8 * m) / best, check: at + sum }));
`;

/**
 * The CPUs a `Cpus_allowed_list` line of `/proc/<pid>/status` names (`0-1`, `0,2-3`), ascending.
 * @throws Error when the list is not of that form.
 * @example `parseCpuList('0,2-3') // [0, 2, 3]`
 */
export function parseCpuList(list: string): number[] {
  const cpus = new Set<number>();
  for (const item of list.trim().split(',')) {
    const match = /^(\d+)(?:-(\d+))?$/.exec(item);
    if (match === null) throw new Error(`not a CPU list: '${list}'`);
    const first = Number(match[1]);
    const last = match[2] === undefined ? first : Number(match[2]);
    for (let cpu = first; cpu <= last; cpu++) cpus.add(cpu);
  }
  return [...cpus].sort((a, b) => a - b);
}

/** The CPUs this process may run on (its affinity, which need not start at 0), or 0..n-1 off Linux. */
function allowedCpus(): number[] {
  try {
    const line = /^Cpus_allowed_list:\s*(.+)$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (line !== null) return parseCpuList(line[1]);
  } catch {
    // Not Linux, or no /proc: every CPU by number.
  }
  return Array.from({ length: availableParallelism() }, (_, k) => k);
}

/**
 * Runs the probe on each CPU of `cpus` (default: every CPU this process may run on), one after the
 * other, each in a child process pinned with `taskset`. Takes about half a second per CPU.
 *
 * @returns the probe, or `{ reason }` when a child cannot be pinned or run (no `taskset`, a CPU
 * this process may not use).
 * @example
 * ```ts
 * const probe = probeVcpus();
 * if (!('reason' in probe)) console.log(describeVcpuProbe(probe)); // "cpu 0: 98 ns, ... slowest/fastest 1.02"
 * ```
 */
export function probeVcpus(cpus: readonly number[] = allowedCpus()): VcpuProbe | { reason: string } {
  const samples: VcpuSample[] = [];
  for (const cpu of cpus) {
    const run = runCommand('taskset', ['-c', String(cpu), process.execPath, '--input-type=module', '-e', PROBE_SOURCE], 60);
    if (run.failure !== undefined) return { reason: `vCPU probe on cpu ${cpu}: ${run.failure}` };
    const { chaseNs, sumGbs } = JSON.parse(run.stdout) as { chaseNs: number; sumGbs: number };
    samples.push({ cpu, chase_ns: chaseNs, sum_gbs: sumGbs });
  }
  return summarizeVcpus(samples);
}

/**
 * The spread of a set of samples (at least one): slowest over fastest chase, fastest over slowest sum.
 * @example `summarizeVcpus([{ cpu: 0, chase_ns: 150, sum_gbs: 6 }, { cpu: 1, chase_ns: 100, sum_gbs: 12 }]).sum_ratio // 2`
 */
export function summarizeVcpus(samples: readonly VcpuSample[]): VcpuProbe {
  const chase = samples.map((s) => s.chase_ns);
  const sums = samples.map((s) => s.sum_gbs);
  return {
    samples,
    chase_ratio: Math.max(...chase) / Math.min(...chase),
    sum_ratio: Math.max(...sums) / Math.min(...sums),
  };
}

/**
 * One line for a benchmark's log.
 * @example `describeVcpuProbe(probe) // "cpu 0: chase 150 ns, sum 6.0 GB/s; cpu 1: chase 100 ns, sum 12.0 GB/s; slowest/fastest 1.50 (chase), 2.00 (sum)"`
 */
export function describeVcpuProbe(probe: VcpuProbe | { reason: string }): string {
  if ('reason' in probe) return `not measured (${probe.reason})`;
  const cpus = probe.samples.map((s) => `cpu ${s.cpu}: chase ${s.chase_ns.toFixed(0)} ns, sum ${s.sum_gbs.toFixed(1)} GB/s`);
  return `${cpus.join('; ')}; slowest/fastest ${probe.chase_ratio.toFixed(2)} (chase), ${probe.sum_ratio.toFixed(2)} (sum)`;
}
