/**
 * The AMG conformance cases on every backend, then the cross-backend check: for each part count,
 * every backend's AMG-CG iterates (recorded by amgCgConvergesOnPoisson) have the same bits.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { conformanceSuite } from './harness.js';
import * as cases from './conformance/amg.js';
import { AMG_RESULTS_VARIABLE } from './conformance/amg.js';

const dir = mkdtempSync(join(tmpdir(), 'pa-amg-'));
process.env[AMG_RESULTS_VARIABLE] = dir;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

conformanceSuite('amg', cases);

it('AMG-CG has the same iterates, residuals and solution bits on every backend for a given part count', () => {
  const byParts = new Map<string, { backend: string; text: string }[]>();
  for (const file of readdirSync(dir)) {
    const [backend, parts] = file.replace('.json', '').split('-');
    byParts.set(parts, [...(byParts.get(parts) ?? []), { backend, text: readFileSync(join(dir, file), 'utf8') }]);
  }
  expect(byParts.size).toBeGreaterThan(0);
  for (const [parts, results] of byParts) {
    for (const { backend, text } of results.slice(1)) {
      expect(text === results[0].text, `${parts}: ${backend} vs ${results[0].backend}`).toBe(true);
    }
  }
});
