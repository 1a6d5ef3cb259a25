import { describe, expect, it } from 'vitest';
import { PRIME_CAP_MEGABYTES, primeMegabytesFor } from '../bench/lib/prime-sizes.js';

describe('primeMegabytesFor (bench/lib/prime-sizes)', () => {
  it('primes 1.25 times the expected peak plus 64 MiB, the runtime of each process included', () => {
    // PETSc Jacobi-CG, 372 MiB per million unknowns, at n = 100 on 2 ranks: 1.25 × (372 + 2 × 64) + 64 = 689.
    expect(primeMegabytesFor('petsc-jacobi', 100 ** 3, 2, PRIME_CAP_MEGABYTES)).toBe(689);
    // Ours at n = 30 on one part: ceil(1.25 × (420 × 0.027 + 64)) + 64 = 95 + 64.
    expect(primeMegabytesFor('ours-cg', 30 ** 3, 1, PRIME_CAP_MEGABYTES)).toBe(159);
    // A program that holds more gets more: hypre against Jacobi at the same size.
    expect(primeMegabytesFor('petsc-hypre', 100 ** 3, 1, PRIME_CAP_MEGABYTES)).toBeGreaterThan(
      primeMegabytesFor('petsc-jacobi', 100 ** 3, 1, PRIME_CAP_MEGABYTES),
    );
  });

  it('keeps to the cap, and primes nothing when the cap is 0', () => {
    expect(primeMegabytesFor('petsc-hypre', 128 ** 3, 2, 2048)).toBe(2048);
    expect(primeMegabytesFor('petsc-hypre', 128 ** 3, 2, PRIME_CAP_MEGABYTES)).toBe(2371);
    expect(primeMegabytesFor('ours-cg', 100 ** 3, 1, 0)).toBe(0);
  });

  it('rejects a bad cap, size or part count', () => {
    expect(() => primeMegabytesFor('ours-cg', 1000, 1, -1)).toThrow(/cap/);
    expect(() => primeMegabytesFor('ours-cg', 1.5, 1, 100)).toThrow(/unknowns/);
    expect(() => primeMegabytesFor('ours-cg', 1000, 0, 100)).toThrow(/np/);
  });
});
