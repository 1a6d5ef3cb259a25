/**
 * Finite-element (Q1) Laplacian on a uniform grid of the unit square or cube, assembled cell by
 * cell: parts own cells, so they emit rows owned by their neighbours (COO assembly is exercised).
 *
 * @module
 */
import type { PData } from '../pdata/pdata.js';
import { uniformPartition } from '../partitions/partitions.js';
import { largeArrays } from '../kernels/large-arrays.js';
import { problemFromTriplets, StructuredGrid } from './grid.js';
import {
  boundaryValue,
  checkGenerator,
  type DirichletFunction,
  type LaplacianOptions,
  type LaplacianProblem,
  type LaplacianProblemWithRhs,
} from './laplacian-fdm.js';

/**
 * The exact stiffness matrix ∫ ∇φₐ·∇φ_b of one box cell with sides `h` (row-major, 2ᵈ × 2ᵈ).
 * Local node `a` sits at offset bit d of `a` along direction d. Q1 shape functions are products
 * of 1-D hat functions, so the integral is a sum over directions of products of the 1-D stiffness
 * (±1/h) and mass (h/3, h/6) entries.
 */
function cellStiffness(h: readonly number[]): Float64Array {
  const dims = h.length;
  const nodes = 1 << dims;
  const K = new Float64Array(nodes * nodes);
  for (let a = 0; a < nodes; a++) {
    for (let b = 0; b < nodes; b++) {
      let sum = 0;
      for (let e = 0; e < dims; e++) {
        let term = 1;
        for (let d = 0; d < dims; d++) {
          const same = ((a >> d) & 1) === ((b >> d) & 1);
          term *= d === e ? (same ? 1 : -1) / h[d] : h[d] * (same ? 1 / 3 : 1 / 6);
        }
        sum += term;
      }
      K[a * nodes + b] = sum;
    }
  }
  return K;
}

/**
 * The Laplacian assembled from bilinear (2-D) or trilinear (3-D) Q1 elements on a uniform grid of
 * the unit box with `cellsPerDir` cells per direction (spacing hᵈ = 1/cellsᵈ), Dirichlet nodes
 * eliminated. Unknowns are the interior nodes, cellsᵈ − 1 per direction, with global id
 * i + nₓ·j + nₓ·n_y·k over interior node indices (i = node index − 1). Element integrals are exact.
 *
 * Cells, not rows, are partitioned: `uniformPartition(ranks, partsPerDir, cellsPerDir)`, and each
 * part emits the entries (interior × interior node pairs) of its own cells, so rows on a part
 * boundary get contributions from several parts and `psparse` sums them. `rows = cols =
 * uniformPartition(ranks, partsPerDir, cellsPerDir − 1)`.
 *
 * With `opts.dirichlet`, `b` holds, for each own cell touching the boundary and each of its
 * interior nodes a, the contribution −Σ_b K_ab g(x_b) over the cell's boundary nodes b, where x_b
 * are node coordinates in [0, 1]. Like the matrix, these entries may belong to other parts; build
 * the vector with `pvectorFromCoo(b.I, b.V, rows)`.
 *
 * @param cellsPerDir cells per direction (1 to 3 directions), each ≥ 2.
 * @param partsPerDir parts per direction; their product must be the number of parts.
 * @throws InvalidArgumentError when `ranks` is not a PData, for 0 or more than 3 directions, fewer
 *   than 2 cells in a direction, lengths that differ, options other than `dirichlet`, or a
 *   `dirichlet` that is not a function; PartitionMismatchError when the
 *   product of `partsPerDir` is not the number of parts; NonFiniteValueError (with the part id)
 *   when `dirichlet` returns a non-finite value. Checked before any communication.
 * @example
 * ```ts
 * const { I, J, V, rows, cols, b } = laplacianFem(ranks, [10, 10], [2, 2], { dirichlet: ([x, y]) => x + y });
 * const A = await psparse(I, J, V, rows, cols);
 * const rhs = await pvectorFromCoo(b.I, b.V, A.rows);
 * ```
 * @group Gallery and timing
 */
export function laplacianFem(
  ranks: PData<number>,
  cellsPerDir: readonly number[],
  partsPerDir: readonly number[],
  opts: LaplacianOptions & { dirichlet: DirichletFunction },
): LaplacianProblemWithRhs;
export function laplacianFem(
  ranks: PData<number>,
  cellsPerDir: readonly number[],
  partsPerDir: readonly number[],
  opts?: LaplacianOptions,
): LaplacianProblem;
export function laplacianFem(
  ranks: PData<number>,
  cellsPerDir: readonly number[],
  partsPerDir: readonly number[],
  opts?: LaplacianOptions,
): LaplacianProblem | LaplacianProblemWithRhs {
  const g = checkGenerator('laplacianFem', ranks, cellsPerDir, partsPerDir, 2, 'cellsPerDir', opts);
  const dims = cellsPerDir.length;
  const nodesPerCell = 1 << dims;
  const cellGrid = new StructuredGrid(cellsPerDir);
  // Unknowns are the interior nodes: node index − 1 along each direction.
  const unknownGrid = new StructuredGrid(cellsPerDir.map((c) => c - 1));
  const h = cellsPerDir.map((c) => 1 / c);
  const K = cellStiffness(h);
  const cells = uniformPartition(ranks, [...partsPerDir], [...cellsPerDir]);
  const rows = uniformPartition(ranks, [...partsPerDir], [...unknownGrid.sizePerDir]);

  const cellCoords = new Array<number>(dims);
  const unknownCoords = new Array<number>(dims);
  const nodeGid = new Float64Array(nodesPerCell);
  /** Fills nodeGid for one cell (−1 for boundary nodes); returns the number of interior nodes. */
  const cellNodes = (cell: number): number => {
    cellGrid.coordsOf(cell, cellCoords);
    let interior = 0;
    for (let a = 0; a < nodesPerCell; a++) {
      for (let d = 0; d < dims; d++) unknownCoords[d] = cellCoords[d] + ((a >> d) & 1) - 1;
      nodeGid[a] = unknownGrid.idOf(unknownCoords);
      if (nodeGid[a] >= 0) interior++;
    }
    return interior;
  };
  const nodePoint = (a: number): number[] =>
    cellCoords.map((c, d) => (c + ((a >> d) & 1)) * h[d]);

  const triplets = cells.partition.map((ids, partId) => {
    const own = ids.ownToGlobal;
    let count = 0;
    let rhsCount = 0;
    for (let c = 0; c < own.length; c++) {
      const interior = cellNodes(own[c]);
      count += interior * interior;
      if (interior < nodesPerCell) rhsCount += interior;
    }
    const I = largeArrays.float64(count);
    const J = largeArrays.float64(count);
    const V = largeArrays.float64(count);
    const bI = new Float64Array(g === undefined ? 0 : rhsCount);
    const bV = new Float64Array(bI.length);
    let k = 0;
    let kb = 0;
    for (let c = 0; c < own.length; c++) {
      const interior = cellNodes(own[c]);
      for (let a = 0; a < nodesPerCell; a++) {
        if (nodeGid[a] < 0) continue;
        for (let b = 0; b < nodesPerCell; b++) {
          if (nodeGid[b] < 0) continue;
          I[k] = nodeGid[a];
          J[k] = nodeGid[b];
          V[k] = K[a * nodesPerCell + b];
          k++;
        }
      }
      if (g === undefined || interior === nodesPerCell) continue;
      for (let a = 0; a < nodesPerCell; a++) {
        if (nodeGid[a] < 0) continue;
        let sum = 0;
        for (let b = 0; b < nodesPerCell; b++) {
          if (nodeGid[b] < 0) sum -= K[a * nodesPerCell + b] * boundaryValue(g, nodePoint(b), partId);
        }
        bI[kb] = nodeGid[a];
        bV[kb] = sum;
        kb++;
      }
    }
    return { I, J, V, bI, bV };
  });

  return problemFromTriplets(triplets, rows, g !== undefined);
}
