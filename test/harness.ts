/**
 * Runs conformance modules (see `conformance/case.ts`) on every backend and part count.
 * Backends are added here as they become available; a case module is written once.
 */
import { describe, it } from 'vitest';
import { withSequential } from '../src/index.js';
import type { Case } from './conformance/case.js';

/** Part counts every conformance case runs with (unless it restricts itself). */
export const PART_COUNTS = [1, 2, 3, 4] as const;

/** A way to run one exported case of a conformance module with `np` parts. */
export interface BackendRunner {
  readonly name: string;
  readonly partCounts: readonly number[];
  run(np: number, cases: Record<string, unknown>, exportName: string): Promise<unknown>;
}

export const sequentialRunner: BackendRunner = {
  name: 'sequential',
  partCounts: PART_COUNTS,
  run: (np, cases, exportName) => withSequential(np, cases[exportName] as Case),
};

/** Registers one vitest test per (backend, np, case) of a conformance module. */
export function conformanceSuite(
  title: string,
  cases: Record<string, unknown>,
  runners: readonly BackendRunner[] = [sequentialRunner],
): void {
  for (const runner of runners) {
    describe(`${title} [${runner.name}]`, () => {
      for (const [exportName, value] of Object.entries(cases)) {
        if (typeof value !== 'function') continue;
        const nps = (value as Case).nps ?? runner.partCounts;
        for (const np of nps) {
          it(`${exportName} np=${np}`, async () => {
            await runner.run(np, cases, exportName);
          });
        }
      }
    });
  }
}
