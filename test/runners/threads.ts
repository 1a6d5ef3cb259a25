import { fileURLToPath } from 'node:url';
import { withThreads } from '../../src/run/with-threads.js';
import type { BackendRunner } from './runner.js';

/** Conformance modules run in workers from their compiled JavaScript (`npm test` builds first). */
function compiledModule(moduleName: string): string {
  return fileURLToPath(new URL(`../../dist/test/conformance/${moduleName}.js`, import.meta.url));
}

export const threadsRunner: BackendRunner = {
  name: 'threads',
  partCounts: [1, 2, 4],
  run: (np, moduleName, _cases, exportName) => withThreads(np, compiledModule(moduleName), { exportName }),
};
