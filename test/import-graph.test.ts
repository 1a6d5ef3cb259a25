/**
 * The layering the folders promise, checked on the sources: no import circle anywhere in `src/`,
 * and each layer imports only what lies below it. `backends/` implements `Backend` and never sees
 * the distributed data structures; `pdata/`, `partitions/`, `vectors/`, `sparse/` and `solvers/`
 * reach a backend only through the `Backend` interface, `Pending` and the part scope; entry points live in `run/`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const srcDir = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** `src/`-relative path of every file each file imports (relative specifiers only). */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  const specifier = /(?:\bfrom\s+|\bimport\s*\(\s*|^\s*import\s+)['"](\.{1,2}\/[^'"]+)['"]/gm;
  for (const file of sourceFiles(srcDir)) {
    // Examples in TSDoc import things too: only code counts.
    const text = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
    const targets: string[] = [];
    for (const match of text.matchAll(specifier)) {
      const target = resolve(dirname(file), match[1]).replace(/\.js$/, '.ts');
      targets.push(relative(srcDir, target));
    }
    graph.set(relative(srcDir, file), targets);
  }
  return graph;
}

/** Every cycle found by a depth-first search, each as the list of files around it. */
function cycles(graph: Map<string, string[]>): string[][] {
  const found: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (file: string): void => {
    state.set(file, 'open');
    stack.push(file);
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === 'open') found.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(file, 'done');
  };
  for (const file of [...graph.keys()].sort()) if (!state.has(file)) visit(file);
  return found;
}

const layer = (file: string): string => (file.includes('/') ? file.slice(0, file.indexOf('/')) : file);

/** The second-round layers, which nothing of the core may import. */
const TOP = ['parray', 'shared', 'io', 'pool', 'cluster'];

/** Folders each layer must not import from (besides the allowed `Backend`/`Pending` seam). */
const FORBIDDEN: Record<string, readonly string[]> = {
  errors: ['workers', 'backends', 'pdata', 'partitions', 'vectors', 'sparse', 'solvers', 'run', 'kernels', 'dense', 'gallery', ...TOP],
  kernels: ['workers', 'backends', 'pdata', 'partitions', 'vectors', 'sparse', 'solvers', 'run', 'dense', 'gallery', ...TOP],
  backends: ['pdata', 'partitions', 'vectors', 'sparse', 'solvers', 'run', 'gallery', ...TOP],
  pdata: ['partitions', 'vectors', 'sparse', 'solvers', 'run', 'gallery', ...TOP],
  partitions: ['vectors', 'sparse', 'solvers', 'run', 'gallery', ...TOP],
  vectors: ['sparse', 'solvers', 'run', 'gallery', ...TOP],
  sparse: ['solvers', 'run', 'gallery', ...TOP],
  solvers: ['run', 'gallery', ...TOP],
  gallery: ['run', 'solvers', ...TOP],
  parray: ['sparse', 'solvers', 'run', 'gallery', 'shared', 'io', 'pool', 'cluster'],
  shared: ['solvers', 'run', 'gallery', 'parray', 'io', 'pool', 'cluster'],
  io: ['solvers', 'run', 'pool', 'cluster'],
  pool: ['backends', 'pdata', 'partitions', 'vectors', 'sparse', 'solvers', 'run', 'gallery', 'parray', 'shared', 'io', 'cluster'],
};

/** The only backend files the data structures may import: the seam itself. */
const SEAM = new Set(['backends/backend.ts', 'backends/pending.ts', 'backends/part-scope.ts']);
const DATA_LAYERS = new Set(['pdata', 'partitions', 'vectors', 'sparse', 'solvers', 'gallery', 'dense', 'parray', 'shared', 'io']);

describe('import graph of src/', () => {
  const graph = importGraph();

  it('resolves every relative import to a source file', () => {
    const missing = [...graph].flatMap(([file, targets]) => targets.filter((t) => !graph.has(t)).map((t) => `${file} -> ${t}`));
    expect(missing).toEqual([]);
    expect(graph.size).toBeGreaterThan(50);
  });

  it('has no circle', () => {
    expect(cycles(graph).map((cycle) => cycle.join(' -> '))).toEqual([]);
  });

  it('keeps each layer above the ones it uses', () => {
    const violations: string[] = [];
    for (const [file, targets] of graph) {
      const from = layer(file.replace(/\.ts$/, ''));
      for (const target of targets) {
        const to = layer(target.replace(/\.ts$/, ''));
        if ((FORBIDDEN[from] ?? []).includes(to)) violations.push(`${file} -> ${target}`);
        if (DATA_LAYERS.has(from) && to === 'backends' && !SEAM.has(target)) violations.push(`${file} -> ${target}`);
      }
    }
    expect(violations).toEqual([]);
  });

  it('finds a circle and a layer violation when there is one (the check itself works)', () => {
    const bad = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts']],
      ['c.ts', ['a.ts']],
    ]);
    expect(cycles(bad)).toEqual([['a.ts', 'b.ts', 'c.ts', 'a.ts']]);
    expect(FORBIDDEN.backends).toContain(layer('pdata/pdata'));
  });
});
