/**
 * VTK XML files for ParaView: a structured grid's point fields as one rectilinear-grid piece per
 * part (`.vtr`) plus the parallel header (`.pvtr`) that lists them. Each part writes its own piece
 * (its box of the grid plus the layer of nodes its upper neighbours own, so that neighbouring
 * pieces share their boundary points and ParaView draws no gap); part 0 writes the header once
 * every piece is there.
 *
 * @module
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { describeValue, expectInstance } from '../argument-checks.js';
import { InvalidArgumentError } from '../errors.js';
import { gather } from '../pdata/primitives.js';
import type { LocalIndices } from '../partitions/local-indices.js';
import type { OwnBox } from '../partitions/own-ids.js';
import { uniformPartition } from '../partitions/uniform-partition.js';
import { PVector } from '../vectors/pvector.js';
import { together } from './collective.js';
import { vectorBlocks, vectorFromBlocks } from './layout.js';
import { formatValue } from './matrix-market.js';
import { checkPath } from './read-options.js';

/**
 * The structured grid of {@link writeVtk}: interior nodes per direction (node (i, j, k) has global
 * id i + nₓ·j + nₓ·n_y·k, as in `laplacianFdm`) and how the parts split it.
 * @group Parallel IO and interop
 */
export interface VtkGrid {
  /** Nodes per direction (1 to 3 directions). */
  nodesPerDir: readonly number[];
  /** Parts per direction; their product is the number of parts. */
  partsPerDir: readonly number[];
  /**
   * Distance between nodes per direction; default 1/(n+1), so that the nodes are the interior
   * nodes of the unit square or cube (node i at (i+1)·spacing).
   */
  spacing?: readonly number[];
}

/** The three extents `lo hi` (inclusive) of a piece, directions beyond the grid's set to 0 0. */
function extentText(lo: number[], hi: number[]): string {
  return [0, 1, 2].map((d) => (d < lo.length ? `${lo[d]} ${hi[d]}` : '0 0')).join(' ');
}

function dataArray(name: string, values: ArrayLike<number>, indent: string): string {
  const text = Array.from(values, formatValue).join(' ');
  return `${indent}<DataArray type="Float64" Name="${name}" format="ascii">${text}</DataArray>\n`;
}

function checkGridArgument(grid: unknown, np: number): { nodes: number[]; parts: number[]; spacing: number[] } {
  const g = grid as VtkGrid;
  if (typeof grid !== 'object' || grid === null || !Array.isArray(g.nodesPerDir) || !Array.isArray(g.partsPerDir)) {
    throw new InvalidArgumentError(`writeVtk: grid must be { nodesPerDir, partsPerDir }, got ${describeValue(grid)}`);
  }
  const nodes = [...g.nodesPerDir];
  const parts = [...g.partsPerDir];
  const d = nodes.length;
  if (d < 1 || d > 3 || parts.length !== d) {
    throw new InvalidArgumentError(`writeVtk: nodesPerDir and partsPerDir must have the same 1 to 3 entries, got [${nodes}] and [${parts}]`);
  }
  if (parts.reduce((a, b) => a * b, 1) !== np) {
    throw new InvalidArgumentError(`writeVtk: partsPerDir [${parts}] has ${parts.reduce((a, b) => a * b, 1)} parts, the run has ${np}`);
  }
  const spacing = g.spacing === undefined ? nodes.map((n) => 1 / (n + 1)) : [...g.spacing];
  if (spacing.length !== d || !spacing.every((h) => typeof h === 'number' && Number.isFinite(h) && h > 0)) {
    throw new InvalidArgumentError(`writeVtk: spacing must be ${d} positive numbers, got ${describeValue(g.spacing)}`);
  }
  return { nodes, parts, spacing };
}

/**
 * Writes point fields on a structured grid for ParaView: `<path>_<p>.vtr` (one rectilinear-grid
 * piece per part, ASCII) and `<path>.pvtr` (the parallel header listing the pieces and fields);
 * open the `.pvtr` in ParaView. A `.pvtr` ending of `path` is dropped; its directory is created
 * when missing. Collective: each field is
 * moved once to the parts that draw it (its own box plus one layer of upper neighbours' nodes),
 * each part writes its piece, part 0 the header once every piece is written.
 *
 * @param grid the grid and its split among the parts (see {@link VtkGrid}).
 * @param fields point fields by name: vectors on the grid's nodes (any row partition of
 * `nodesPerDir`'s product).
 * @throws InvalidArgumentError when `path` is not a non-empty string, the grid is malformed or
 * does not match the run's part count, `fields` is empty or holds something other than a PVector
 * of the grid's size, or a field name is not a plain identifier; PartFailedError when a file cannot
 * be written.
 * @example
 * ```ts
 * writeVtk('out/poisson', { nodesPerDir: [64, 64], partsPerDir: [1, ranks.np] }, { u: x });
 * // ParaView: File > Open out/poisson.pvtr
 * ```
 * @group Parallel IO and interop
 */
export function writeVtk(path: string, grid: VtkGrid, fields: Record<string, PVector>): void {
  checkPath(path, 'writeVtk');
  if (typeof fields !== 'object' || fields === null || Object.keys(fields).length === 0) {
    throw new InvalidArgumentError(`writeVtk: fields must be an object of at least one named PVector, got ${describeValue(fields)}`);
  }
  const names = Object.keys(fields);
  const first = fields[names[0]];
  expectInstance(first, PVector, `writeVtk: field ${names[0]}`);
  const ranks = first.rows.partition.map((ids) => ids.partId);
  const { nodes, parts, spacing } = checkGridArgument(grid, ranks.np);
  const total = nodes.reduce((a, b) => a * b, 1);
  for (const name of names) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new InvalidArgumentError(`writeVtk: field name ${describeValue(name)} is not an identifier`);
    expectInstance(fields[name], PVector, `writeVtk: field ${name}`);
    if (fields[name].rows.n !== total) {
      throw new InvalidArgumentError(`writeVtk: field ${name} has ${fields[name].rows.n} entries, the grid ${total} nodes`);
    }
  }
  const base = path.endsWith('.pvtr') ? path.slice(0, -5) : path;
  together(ranks, (p) => {
    if (p === 0) mkdirSync(dirname(base), { recursive: true });
  });
  const drawn = uniformPartition(ranks, parts, nodes, { ghost: true });
  const onPieces = names.map((name) => vectorFromBlocks(drawn, false, vectorBlocks(fields[name])));
  const pieceName = (p: number): string => `${basename(base)}_${p}.vtr`;
  const whole = extentText(nodes.map(() => 0), nodes.map((n) => n - 1));
  const pieces = drawn.partition.map((ids: LocalIndices, p) => {
    const own = ids.own as OwnBox;
    // the own box plus the first node of the upper neighbour in each direction (a ghost here)
    return { p, lo: [...own.lo], hi: own.hi.map((h, d) => Math.min(h, nodes[d] - 1)), ids };
  });
  const extents = together(pieces, ({ p, lo, hi, ids }, partId) => {
    const local = onPieces.map((w) => w.values.localItems[w.values.partIds.indexOf(partId)]);
    const counts = lo.map((l, d) => hi[d] - l + 1);
    const count = counts.reduce((a, b) => a * b, 1);
    const strides = nodes.map((_, d) => nodes.slice(0, d).reduce((a, b) => a * b, 1));
    const lids = new Int32Array(count);
    const index = lo.slice();
    for (let k = 0; k < count; k++) {
      let gid = 0;
      for (let d = 0; d < nodes.length; d++) gid += index[d] * strides[d];
      lids[k] = ids.globalToLocal(gid);
      for (let d = 0; d < nodes.length; d++) {
        if (++index[d] <= hi[d]) break;
        index[d] = lo[d];
      }
    }
    const extent = extentText(lo, hi);
    let xml = '<?xml version="1.0"?>\n<VTKFile type="RectilinearGrid" version="0.1" byte_order="LittleEndian">\n';
    xml += `  <RectilinearGrid WholeExtent="${whole}">\n    <Piece Extent="${extent}">\n      <PointData Scalars="${names[0]}">\n`;
    names.forEach((name, f) => (xml += dataArray(name, Array.from(lids, (lid) => local[f][lid]), '        ')));
    xml += '      </PointData>\n      <CellData>\n      </CellData>\n      <Coordinates>\n';
    for (let d = 0; d < 3; d++) {
      const coordinates = d < nodes.length ? Array.from({ length: counts[d] }, (_, i) => (lo[d] + i + 1) * spacing[d]) : [0];
      xml += dataArray('xyz'[d], coordinates, '        ');
    }
    xml += '      </Coordinates>\n    </Piece>\n  </RectilinearGrid>\n</VTKFile>\n';
    const file = join(dirname(base), pieceName(p));
    writeFileSync(`${file}.partial`, xml);
    renameSync(`${file}.partial`, file);
    return extent;
  });
  together(gather(extents, { destination: 0 }), (list, p) => {
    if (p !== 0) return;
    let xml = '<?xml version="1.0"?>\n<VTKFile type="PRectilinearGrid" version="0.1" byte_order="LittleEndian">\n';
    xml += `  <PRectilinearGrid WholeExtent="${whole}" GhostLevel="0">\n    <PPointData Scalars="${names[0]}">\n`;
    for (const name of names) xml += `      <PDataArray type="Float64" Name="${name}"/>\n`;
    xml += '    </PPointData>\n    <PCoordinates>\n';
    for (const axis of 'xyz') xml += `      <PDataArray type="Float64" Name="${axis}"/>\n`;
    xml += '    </PCoordinates>\n';
    list.forEach((extent, q) => (xml += `    <Piece Extent="${extent}" Source="${pieceName(q)}"/>\n`));
    xml += '  </PRectilinearGrid>\n</VTKFile>\n';
    writeFileSync(`${base}.pvtr.partial`, xml);
    renameSync(`${base}.pvtr.partial`, `${base}.pvtr`);
  });
}
