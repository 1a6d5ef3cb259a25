/**
 * One conformance case in a process of its own, started by tests that limit the process's
 * resources (`ulimit -v` in `test/memory-scaling.test.ts`):
 * `node dist/test/runners/limited-main.js <sequential|threads> <moduleName> <exportName> <np>`.
 * Exits 0 when the case passes; a failing check or a failed allocation exits non-zero with the
 * error on stderr. (MPI jobs use `mpi-main.js` under `mpirun` the same way.)
 */
import { fileURLToPath } from 'node:url';
import { withSequential } from '../../src/run/with-sequential.js';
import { withThreads } from '../../src/run/with-threads.js';
import type { Case } from '../conformance/case.js';

const [backend, moduleName, exportName, np] = process.argv.slice(2);
const modulePath = fileURLToPath(new URL(`../conformance/${moduleName}.js`, import.meta.url));
if (backend === 'sequential') {
  const cases = (await import(modulePath)) as Record<string, unknown>;
  await withSequential(Number(np), cases[exportName] as Case);
} else if (backend === 'threads') {
  await withThreads(Number(np), modulePath, { exportName });
} else {
  throw new Error(`limited-main: unknown backend ${backend} (sequential or threads)`);
}
