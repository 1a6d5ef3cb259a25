// The ILU(0) loops of src/solvers/ilu0-kernels.ts (jsIlu0Kernels), in the same order, so that
// both give the same bits (built with -ffp-contract=off: no fused multiply-adds).
#pragma once

#include <cmath>
#include <cstdint>

namespace pa_ilu {

// Factors the square CSR block (rowPtr, colIdx, values) into lu and diag; work[0..nRows) is all
// -1 on entry and on return. Returns -1, or the first row without a usable pivot.
inline std::int32_t Ilu0Factor(std::int32_t nRows, const std::int32_t* rowPtr, const std::int32_t* colIdx,
                               const double* values, double* lu, std::int32_t* diag, std::int32_t* work) {
  const std::int32_t nnz = rowPtr[nRows];
  for (std::int32_t k = 0; k < nnz; k++) lu[k] = values[k];
  for (std::int32_t i = 0; i < nRows; i++) {
    const std::int32_t start = rowPtr[i];
    const std::int32_t end = rowPtr[i + 1];
    for (std::int32_t k = start; k < end; k++) work[colIdx[k]] = k;
    std::int32_t d = -1;
    for (std::int32_t k = start; k < end; k++) {
      const std::int32_t c = colIdx[k];
      if (c >= i) {
        if (c == i) d = k;
        break;
      }
      const double l = lu[k] * lu[diag[c]];
      lu[k] = l;
      const std::int32_t cEnd = rowPtr[c + 1];
      for (std::int32_t m = diag[c] + 1; m < cEnd; m++) {
        const std::int32_t p = work[colIdx[m]];
        if (p >= 0) lu[p] -= l * lu[m];
      }
    }
    for (std::int32_t k = start; k < end; k++) work[colIdx[k]] = -1;
    const double pivot = d < 0 ? 0.0 : lu[d];
    if (pivot == 0.0 || !std::isfinite(pivot)) return i;
    lu[d] = 1.0 / pivot;
    diag[i] = d;
  }
  return -1;
}

// z = U^-1 L^-1 r (z may be r). Each row's terms are subtracted with the nearest unknown (the one
// solved just before: column i - 1 going forward, i + 1 going back) last, so that the next row
// waits only on one multiply-subtract of it: forward in ascending columns, backward in descending.
// The unknown solved last is kept in a register (prev) rather than read back from z right after
// it was stored.
inline void Ilu0Solve(std::int32_t nRows, const std::int32_t* rowPtr, const std::int32_t* colIdx, const double* lu,
                      const std::int32_t* diag, const double* r, double* z) {
  double prev = 0.0;
  for (std::int32_t i = 0; i < nRows; i++) {
    double s = r[i];
    const std::int32_t d = diag[i];
    const std::int32_t start = rowPtr[i];
    if (start < d) {
      for (std::int32_t k = start; k < d - 1; k++) s -= lu[k] * z[colIdx[k]];
      const std::int32_t c = colIdx[d - 1];
      if (c == i - 1) s -= lu[d - 1] * prev;
      else s -= lu[d - 1] * z[c];
    }
    z[i] = s;
    prev = s;
  }
  for (std::int32_t i = nRows - 1; i >= 0; i--) {
    double s = z[i];
    const std::int32_t d = diag[i];
    const std::int32_t end = rowPtr[i + 1];
    if (d + 1 < end) {
      for (std::int32_t k = end - 1; k > d + 1; k--) s -= lu[k] * z[colIdx[k]];
      const std::int32_t c = colIdx[d + 1];
      if (c == i + 1) s -= lu[d + 1] * prev;
      else s -= lu[d + 1] * z[c];
    }
    prev = s * lu[d];
    z[i] = prev;
  }
}

// Ilu0Solve on the compact factors (same operations in the same order, so the same bits): row i's
// entries are lower[i] multipliers of L, the inverted pivot, then upper[i] entries of U, rows one
// after the other in lu (the block's CSR order), with offsets[k] = column - i. Two bytes of index
// per entry and two per row instead of four per entry and eight per row: the solve streams its
// factors from memory, so it reads ~16 % fewer bytes. Returns false, before computing row i, when
// row i's counts run past the nnz entries.
inline bool Ilu0SolveCompact(std::int32_t nRows, const std::uint8_t* lower, const std::uint8_t* upper,
                             const std::int16_t* offsets, const double* lu, std::size_t nnz, const double* r, double* z) {
  double prev = 0.0;
  std::size_t pos = 0;
  for (std::int32_t i = 0; i < nRows; i++) {
    const std::size_t d = pos + lower[i];
    if (d + 1 + upper[i] > nnz) return false;
    double s = r[i];
    if (d > pos) {
      const double* zi = z + i;
      for (std::size_t k = pos; k < d - 1; k++) s -= lu[k] * zi[offsets[k]];
      if (offsets[d - 1] == -1) s -= lu[d - 1] * prev;
      else s -= lu[d - 1] * zi[offsets[d - 1]];
    }
    z[i] = s;
    prev = s;
    pos = d + 1 + upper[i];
  }
  for (std::int32_t i = nRows - 1; i >= 0; i--) {
    const std::size_t end = pos;
    const std::size_t d = end - 1 - upper[i];
    double s = z[i];
    if (end > d + 1) {
      const double* zi = z + i;
      for (std::size_t k = end - 1; k > d + 1; k--) s -= lu[k] * zi[offsets[k]];
      if (offsets[d + 1] == 1) s -= lu[d + 1] * prev;
      else s -= lu[d + 1] * zi[offsets[d + 1]];
    }
    prev = s * lu[d];
    z[i] = prev;
    pos = d - lower[i];
  }
  return true;
}

}  // namespace pa_ilu
