/**
 * Memory scales with the data a part holds, not with its id range (issue 10, item 8): the cases of
 * `conformance/memory.ts` run on every backend in a process (an mpirun job for MPI) whose address
 * space is limited to 4 GB, so an allocation in proportion to ids near 2^32 fails the test at once
 * instead of filling the machine. Runs the compiled cases (`npx tsc -p tsconfig.json` first).
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as cases from './conformance/memory.js';
import type { Case } from './conformance/case.js';
import { mpiUnavailableReason } from './runners/mpi.js';

/** Address space of each process, in KiB (`ulimit -v`): Node and 4 workers need well under 1 GB. */
const ADDRESS_SPACE_KIB = 4_000_000;
const TIMEOUT_MS = 50_000;

const dist = (path: string): string => fileURLToPath(new URL(`../dist/test/${path}`, import.meta.url));

interface Job {
  readonly code: number | null;
  readonly output: string;
}

/** Runs `command` under `ulimit -v`, with the MPI variables a root user needs. */
function limited(command: readonly string[]): Promise<Job> {
  return new Promise((resolve) => {
    const child = spawn('bash', ['-c', `ulimit -v ${ADDRESS_SPACE_KIB}; exec "$@"`, 'bash', ...command], {
      env: { ...process.env, OMPI_ALLOW_RUN_AS_ROOT: '1', OMPI_ALLOW_RUN_AS_ROOT_CONFIRM: '1' },
      timeout: TIMEOUT_MS,
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('close', (code) => resolve({ code, output }));
  });
}

const backends: Record<string, (name: string, np: number) => readonly string[]> = {
  sequential: (name, np) => [process.execPath, dist('runners/limited-main.js'), 'sequential', 'memory', name, String(np)],
  threads: (name, np) => [process.execPath, dist('runners/limited-main.js'), 'threads', 'memory', name, String(np)],
};
if (mpiUnavailableReason() === undefined) {
  backends.mpi = (name, np) => [
    'mpirun',
    '--oversubscribe',
    '-n',
    String(np),
    process.execPath,
    dist('runners/mpi-main.js'),
    'memory',
    name,
    String(np),
  ];
}

/** Part counts per backend: a few, each case on the ones it is meant for. */
const PART_COUNTS: Record<string, readonly number[]> = { sequential: [1, 3], threads: [2, 4], mpi: [2, 4] };

for (const [backend, command] of Object.entries(backends)) {
  describe(`memory scaling [${backend}], address space ${ADDRESS_SPACE_KIB} KiB`, () => {
    for (const [name, value] of Object.entries(cases)) {
      const restricted = (value as Case).nps;
      const nps = PART_COUNTS[backend].filter((np) => restricted === undefined || restricted.includes(np));
      for (const np of nps) {
        it(`${name} np=${np}`, async () => {
          const job = await limited(command(name, np));
          expect(job.code, job.output.slice(-4000)).toBe(0);
        }, TIMEOUT_MS + 5000);
      }
    }
  });
}
