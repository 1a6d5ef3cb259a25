/**
 * One MPI conformance run, started on every rank by the MPI runner:
 * `mpirun -n np node dist/test/runners/mpi-main.js <moduleName> <exportName> <np>` imports
 * `dist/test/conformance/<moduleName>.js` and runs its export `<exportName>` under `withMpi`.
 * A failing check aborts the job (non-zero exit, the rank's stack on stderr).
 */
import { withMpi } from '../../src/run/with-mpi.js';
import type { Case } from '../conformance/case.js';

const [moduleName, exportName, np] = process.argv.slice(2);
const cases = (await import(`../conformance/${moduleName}.js`)) as Record<string, unknown>;
const main = cases[exportName];
if (typeof main !== 'function') {
  throw new Error(`conformance module ${moduleName} has no case named ${exportName}`);
}
await withMpi(main as Case, { np: Number(np) });
