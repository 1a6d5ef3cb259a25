import { withSequential } from '../../src/index.js';
import type { Case } from '../conformance/case.js';
import type { BackendRunner } from './runner.js';

export const sequentialRunner: BackendRunner = {
  name: 'sequential',
  partCounts: [1, 2, 3, 4],
  run: (np, _moduleName, cases, exportName) => withSequential(np, cases[exportName] as Case),
};
