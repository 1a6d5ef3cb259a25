/**
 * HDF5 datasets of dense distributed arrays (`PArray`, any number of dimensions). The dataset has
 * the array's shape in C order (what h5py shows, the last index fastest in the file) and is cut
 * among the parts along its first dimension: the array is redistributed to blocks of whole rows
 * (grid `[np, 1, ...]`), so each part's rows are one contiguous byte range of the dataset, and each
 * part reorders its block from the PArray's first-index-fastest storage to C order (and back when
 * reading) before the same positioned writes and reads as a vector.
 *
 * @module
 */
import { closeSync, openSync } from 'node:fs';
import { PArray, createPArray } from '../parray/parray.js';
import { makeLayout } from '../parray/layout.js';
import { redistribute, type RedistributeOptions } from '../parray/redistribute.js';
import type { PData } from '../pdata/pdata.js';
import { getAny, multicast } from '../pdata/primitives.js';
import { writeAt } from './byte-io.js';
import { together, writeFileCollectively } from './collective.js';
import { littleEndianBytes, readFloat64LittleEndian } from './flat-binary.js';
import { hdf5Binding } from './hdf5-binding.js';
import { blockSpan } from './layout.js';

/**
 * `values` of local shape `shape` reordered between first-index-fastest (`toC`: from it) and
 * last-index-fastest (C) order.
 */
function reorder(values: Float64Array, shape: readonly number[], toC: boolean): Float64Array {
  const out = new Float64Array(values.length);
  const d = shape.length;
  const fStride = new Array<number>(d);
  const cStride = new Array<number>(d);
  for (let k = 0, s = 1; k < d; k++) (fStride[k] = s), (s *= shape[k]);
  for (let k = d - 1, s = 1; k >= 0; k--) (cStride[k] = s), (s *= shape[k]);
  const index = new Array<number>(d).fill(0);
  for (let f = 0; f < values.length; f++) {
    let c = 0;
    for (let k = 0; k < d; k++) c += index[k] * cStride[k];
    if (toC) out[c] = values[f];
    else out[f] = values[c];
    for (let k = 0; k < d; k++) {
      if (++index[k] < shape[k]) break;
      index[k] = 0;
    }
  }
  return out;
}

/** Part p's rows (first dimension) of `a` redistributed to row blocks, in C order. */
function rowBlocks(a: PArray): PData<{ first: number; values: Float64Array }> {
  const np = a.np;
  const rows = redistribute(a, { grid: a.shape.map((_, d) => (d === 0 ? np : 1)), dist: 'block' });
  const shape0 = a.shape[0];
  return rows.localValues().map((values, p) => ({
    first: blockSpan(p, shape0, np).first,
    values: reorder(values, rows.layout.localShape(p), true),
  }));
}

/** Writes `a` as dataset `name` (see the module note); `truncate` as `mode: 'w'`. Collective. */
export function writeHdf5Array(path: string, name: string, a: PArray, truncate: boolean): void {
  const binding = hdf5Binding();
  const shape = [...a.shape];
  const rowLength = shape.slice(1).reduce((x, y) => x * y, 1);
  const blocks = rowBlocks(a);
  const starts = Array.from({ length: a.np + 1 }, (_, p) => (p === a.np ? shape[0] : blockSpan(p, shape[0], a.np).first));
  const attributes = { partition_row_starts: starts };
  const write = (fd: number, block: { first: number; values: Float64Array }, base: number): void =>
    writeAt(fd, littleEndianBytes(block.values), base + 8 * block.first * rowLength);
  if (truncate) {
    writeFileCollectively(blocks, path, (temporary) => binding.createDataset(temporary, name, shape, attributes, true), (fd, block, _p, base) =>
      write(fd, block, base),
    );
    return;
  }
  const bases = together(blocks, (_, p) => (p === 0 ? binding.createDataset(path, name, shape, attributes, false) : 0));
  const base = getAny(multicast(bases, { source: 0 }));
  together(blocks, (block) => {
    const fd = openSync(path, 'r+');
    try {
      write(fd, block, base);
    } finally {
      closeSync(fd);
    }
  });
}

/**
 * Reads dataset `name` of shape `dims` (located at `offset` when contiguous float64, else -1) as a
 * PArray: row blocks first, then redistributed to `options` when given. Collective.
 */
export function readHdf5Array(
  path: string,
  name: string,
  ranks: PData<number>,
  dims: readonly number[],
  offset: number,
  options: RedistributeOptions,
): PArray {
  const np = ranks.np;
  const layout = makeLayout(np, dims, dims.map((_, d) => (d === 0 ? np : 1)), 'block', 'readHdf5');
  const a = createPArray(ranks, layout);
  const rowLength = dims.slice(1).reduce((x, y) => x * y, 1);
  together(a.localValues(), (local, p) => {
    const span = blockSpan(p, dims[0], np);
    const cOrder = new Float64Array(span.count * rowLength);
    if (offset >= 0) {
      const fd = openSync(path, 'r');
      try {
        readFloat64LittleEndian(fd, path, offset + 8 * span.first * rowLength, cOrder, `dataset ${name}`);
      } finally {
        closeSync(fd);
      }
    } else if (span.count > 0) {
      hdf5Binding().readRows(path, name, span.first, span.count, cOrder);
    }
    local.set(reorder(cOrder, layout.localShape(p), false));
  });
  a.sync();
  return options.grid === undefined && options.dist === undefined ? a : redistribute(a, options);
}
