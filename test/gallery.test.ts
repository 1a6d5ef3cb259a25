import { describe, expect, it } from 'vitest';
import { conformanceSuite } from './harness.js';
import * as cases from './conformance/gallery.js';
import { InvalidArgumentError, NonFiniteValueError, PartitionMismatchError, withSequential } from '../src/index.js';
import { laplacianFdm } from '../src/gallery/laplacian-fdm.js';
import { laplacianFem } from '../src/gallery/laplacian-fem.js';

conformanceSuite('gallery', cases);

describe('gallery bad input', () => {
  it('rejects partsPerDir whose product is not the number of parts', async () => {
    const run = withSequential(2, (ranks) => laplacianFdm(ranks, [4, 4], [2, 2]));
    await expect(run).rejects.toThrow(PartitionMismatchError);
    await expect(run).rejects.toMatchObject({
      code: 'PARTITION_MISMATCH',
      partId: undefined,
      message: 'laplacianFdm: partsPerDir [2, 2] makes 4 parts, the run has 2',
    });
  });

  it('rejects grids of more than 3 directions and FE grids with fewer than 2 cells', async () => {
    await expect(withSequential(1, (ranks) => laplacianFdm(ranks, [2, 2, 2, 2], [1, 1, 1, 1]))).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: 'laplacianFdm: nodesPerDir must list 1, 2 or 3 sizes, got 2,2,2,2',
    });
    const run = withSequential(1, (ranks) => laplacianFem(ranks, [4, 1], [1, 1]));
    await expect(run).rejects.toThrow(InvalidArgumentError);
    await expect(run).rejects.toMatchObject({ message: 'laplacianFem: cellsPerDir must be integers >= 2, got [4, 1]' });
  });

  it('rejects non-finite Dirichlet values, naming the part', async () => {
    const run = withSequential(2, (ranks) =>
      laplacianFdm(ranks, [3, 4], [1, 2], { dirichlet: ([x, y]) => (y === 5 && x === 2 ? Number.NaN : 0) }),
    );
    await expect(run).rejects.toThrow(NonFiniteValueError);
    await expect(run).rejects.toMatchObject({
      code: 'NON_FINITE_VALUE',
      partId: 1,
      message: 'dirichlet([2, 5]) returned NaN (rejected) (part 1)',
    });
  });
});
