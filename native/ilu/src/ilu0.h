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

// z = U^-1 L^-1 r (z may be r).
inline void Ilu0Solve(std::int32_t nRows, const std::int32_t* rowPtr, const std::int32_t* colIdx, const double* lu,
                      const std::int32_t* diag, const double* r, double* z) {
  for (std::int32_t i = 0; i < nRows; i++) {
    double s = r[i];
    const std::int32_t d = diag[i];
    for (std::int32_t k = rowPtr[i]; k < d; k++) s -= lu[k] * z[colIdx[k]];
    z[i] = s;
  }
  for (std::int32_t i = nRows - 1; i >= 0; i--) {
    double s = z[i];
    const std::int32_t d = diag[i];
    const std::int32_t end = rowPtr[i + 1];
    for (std::int32_t k = d + 1; k < end; k++) s -= lu[k] * z[colIdx[k]];
    z[i] = s * lu[d];
  }
}

}  // namespace pa_ilu
