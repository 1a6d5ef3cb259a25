/**
 * Runs conformance modules (see `conformance/case.ts`) on every backend and part count.
 * A case module is written once; backends are listed in `runners/index.ts`.
 */
import { describe, it } from 'vitest';
import type { Case } from './conformance/case.js';
import { runners as allRunners } from './runners/index.js';
import type { BackendRunner } from './runners/runner.js';

/**
 * Registers one vitest test per (backend, np, case) of the conformance module
 * `test/conformance/<moduleName>.ts`, whose exports are passed as `cases`.
 */
export function conformanceSuite(
  moduleName: string,
  cases: Record<string, unknown>,
  runners: readonly BackendRunner[] = allRunners,
): void {
  for (const runner of runners) {
    describe(`${moduleName} [${runner.name}]`, () => {
      for (const [exportName, value] of Object.entries(cases)) {
        if (typeof value !== 'function') continue;
        const restricted = (value as Case).nps;
        const nps = restricted === undefined ? runner.partCounts : restricted.filter((np) => runner.partCounts.includes(np));
        for (const np of nps) {
          it(`${exportName} np=${np}`, async () => {
            await runner.run(np, moduleName, cases, exportName);
          });
        }
      }
    });
  }
}
