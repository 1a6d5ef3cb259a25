/**
 * Misuse under mpirun that used to hang forever (issue 10, items 3-5): each scenario of
 * test/fixtures/mpi/misuse.ts must end the job quickly, non-zero, with the typed error the Threads
 * backend gives, on every rank that can raise it. And the checks that made this possible (a header
 * collective before every collective, deadlines on every wait) must not allocate in a CG iteration.
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mpiUnavailableReason, root, runUnderMpirun, type MpirunResult } from './runners/mpi.js';

const ci = process.env.PA_REQUIRE_NATIVE === '1' || process.env.PA_REQUIRE_NATIVE === 'true';

/** What a rank of the fixture printed about the error it caught. */
interface Caught {
  name: string;
  typed: boolean;
  code: string;
  message: string;
  partId: number;
  collective?: string;
  missingParts?: number[];
}

function fixture(): string {
  const source = join(root, 'test', 'fixtures', 'mpi', 'misuse.ts');
  const compiled = join(root, 'dist', 'test', 'fixtures', 'mpi', 'misuse.js');
  expect(existsSync(compiled), `${compiled} is missing: compile first (npx tsc -p tsconfig.json)`).toBe(true);
  expect(statSync(compiled).mtimeMs, `${compiled} is older than its source: recompile`).toBeGreaterThanOrEqual(statSync(source).mtimeMs);
  return compiled;
}

/** Runs a scenario; the job must end by itself (non-zero) within `withinSeconds`. */
async function run(scenario: string, np: number, withinSeconds: number, env: Record<string, string> = {}): Promise<MpirunResult> {
  const reason = mpiUnavailableReason();
  if (reason !== undefined) throw new Error(`the MPI backend is unavailable: ${reason}`);
  const job = await runUnderMpirun(np, [fixture(), scenario], 30_000, env);
  const output = `stdout:\n${job.stdout}\nstderr:\n${job.stderr}`;
  expect(job.timedOut, output).toBe(false);
  expect(job.code, output).not.toBe(0);
  expect(job.seconds, output).toBeLessThan(withinSeconds);
  return job;
}

/** The errors the ranks printed, by part id. */
function caught(job: MpirunResult): Map<number, Caught> {
  const byPart = new Map<number, Caught>();
  for (const match of job.stdout.matchAll(/^error (\{.*\})$/gm)) {
    const error = JSON.parse(match[1]) as Caught;
    expect(byPart.has(error.partId), `part ${error.partId} printed two errors`).toBe(false);
    byPart.set(error.partId, error);
  }
  return byPart;
}

function expectInvalidArgument(error: Caught | undefined, message: string, partId: number): void {
  expect(error, `part ${partId} printed no error`).toBeDefined();
  expect(error).toMatchObject({ name: 'InvalidArgumentError', typed: true, code: 'INVALID_ARGUMENT', partId });
  expect(error?.message).toBe(`${message} (part ${partId})`);
}

function expectTimeout(error: Caught | undefined, collective: string, missingParts: number[], message: string, partId: number): void {
  expect(error, `part ${partId} printed no error`).toBeDefined();
  expect(error).toMatchObject({ name: 'CollectiveTimeoutError', typed: true, code: 'COLLECTIVE_TIMEOUT', partId, collective, missingParts });
  expect(error?.message).toBe(`${message} (part ${partId})`);
}

const leftOut = ci ? undefined : mpiUnavailableReason();
if (leftOut !== undefined) console.log(`MPI misuse tests left out: ${leftOut}`);
else describe('MPI misuse ends the job with a typed error instead of hanging', () => {
  it('parts that disagree on the root: InvalidArgumentError on every rank, well under the timeout', async () => {
    const errors = caught(await run('roots-disagree', 3, 10));
    expectInvalidArgument(errors.get(0), "gather: the parts disagree on the root: part 0 here, 'all' on part 1", 0);
    expectInvalidArgument(errors.get(1), "gather: the parts disagree on the root: 'all' here, part 0 on part 0", 1);
    expectInvalidArgument(errors.get(2), "gather: the parts disagree on the root: 'all' here, part 0 on part 0", 2);
  });

  it('a rank that returns from main while the others wait: they learn it at once', async () => {
    const job = await run('returns-early', 3, 10);
    const errors = caught(job);
    const returned = 'gather cannot complete: part 1 will never arrive (part 1 returned from main)';
    expect(errors.size, `${job.stdout}\n${job.stderr}`).toBeGreaterThanOrEqual(1);
    for (const part of [0, 2]) {
      if (errors.has(part)) expectTimeout(errors.get(part), 'gather', [1], returned, part);
    }
    expect(errors.has(1)).toBe(false);
  });

  it('a rank in a busy loop: the waiting ranks time out after PA_COLLECTIVE_TIMEOUT_MS and abort the job', async () => {
    const job = await run('busy', 3, 10, { PA_COLLECTIVE_TIMEOUT_MS: '1000' });
    const errors = caught(job);
    expect(errors.size, `${job.stdout}\n${job.stderr}`).toBeGreaterThanOrEqual(1);
    for (const part of [0, 2]) {
      const message = 'gather: part 1 did not arrive within 1000 ms (part 1 is running)';
      if (errors.has(part)) expectTimeout(errors.get(part), 'gather', [1], message, part);
    }
    expect(job.seconds).toBeGreaterThan(1);
  });

  it('a rank in a busy loop while its neighbour waits for halo values: Channel.wait times out', async () => {
    const job = await run('busy-in-halo', 2, 10, { PA_COLLECTIVE_TIMEOUT_MS: '1000' });
    const message = 'Channel.wait: part 1 did not arrive within 1000 ms (part 1 is running)';
    expectTimeout(caught(job).get(0), 'Channel.wait', [1], message, 0);
  });

  it('a collective inside mapMain: the main rank fails at once, naming the collective', async () => {
    const errors = caught(await run('collective-in-map-main', 2, 10));
    expectInvalidArgument(
      errors.get(0),
      'gather is collective: every part must call it, but it was called inside code that runs for part 0 alone ' +
        '(map, forEach, pmap or mapMain); call it outside, on the whole PData',
      0,
    );
    expect(errors.has(1)).toBe(false);
  });

  it('a reversed ring: InvalidArgumentError on every rank, naming the parts', async () => {
    const errors = caught(await run('reversed-ring', 3, 10));
    expectInvalidArgument(errors.get(0), 'inconsistent exchange graph: part 0 expects 1 item(s) from part 1, which sends it 0', 0);
    expectInvalidArgument(errors.get(1), 'inconsistent exchange graph: part 1 expects 0 item(s) from part 0, which sends it 1', 1);
    expectInvalidArgument(errors.get(2), 'inconsistent exchange graph: part 2 expects 1 item(s) from part 0, which sends it 0', 2);
  });

  it('a function item given to gather: the seam\'s typed error on every rank', async () => {
    const errors = caught(await run('function-item', 2, 10));
    for (const part of [0, 1]) {
      expectInvalidArgument(
        errors.get(part),
        'gather: an item cannot be copied to another part (() => 1 could not be cloned.); items that cross parts must be ' +
          'structured data: numbers, strings, plain objects, arrays, typed arrays',
        part,
      );
    }
  });
});

if (leftOut === undefined) describe('the MPI hot path', () => {
  it('a CG iteration (two header collectives, one halo round) allocates < 320 bytes on every rank', async () => {
    const reason = mpiUnavailableReason();
    if (reason !== undefined) throw new Error(`the MPI backend is unavailable: ${reason}`);
    const compiled = join(root, 'dist', 'test', 'fixtures', 'mpi', 'cg-heap.js');
    const flags = ['--expose-gc', '--single-threaded', '--max-semi-space-size=64'];
    const job = await runUnderMpirun(2, [...flags, compiled], 120_000);
    const output = `stdout:\n${job.stdout}\nstderr:\n${job.stderr}`;
    expect(job.code, output).toBe(0);
    const reports = [...job.stdout.matchAll(/^heap (\{.*\})$/gm)].map(
      (m) => JSON.parse(m[1]) as { rank: number; allocated: [number, number]; iterations: number[]; cleanSamples: number },
    );
    expect(reports.map((r) => r.rank).sort()).toEqual([0, 1]);
    for (const { allocated, iterations, cleanSamples } of reports) {
      expect(iterations).toEqual([100, 500]);
      expect(cleanSamples).toBeGreaterThanOrEqual(6);
      expect((allocated[1] - allocated[0]) / 400, output).toBeLessThan(320);
    }
  }, 130_000);
});
