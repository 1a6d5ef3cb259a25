// Dense LU with partial pivoting of the AMG's coarsest matrix, and the solve with its factors:
// the loops of src/solvers/amg/dense-lu.ts (the JavaScript twins) in the same order, so the
// factors and solutions have the same bits (the addon is built with -ffp-contract=off: no fused
// multiply-adds). The matrix is sparse and banded after its grid order, so each row's last nonzero
// column is tracked and an update stops there: the columns skipped hold exact zeros in the pivot
// row, which change no element.
#pragma once

#include <cmath>
#include <cstdint>
#include <utility>

namespace pa_amg_setup {

// Factors the n×n row-major `lu` in place (L below the diagonal with a unit diagonal, U on and
// above it); `pivot[k]` receives the row swapped with row k at step k. `last[i]` holds row i's last
// nonzero column (−1: none) and is updated; `rows` and `multipliers` (n each) are scratch. A pivot
// of magnitude at most `tiny` stops the factorisation: returns its step k, else −1.
inline int32_t dense_lu_factor(int32_t n, double* lu, int32_t* last, int32_t* pivot, int32_t* rows, double* multipliers,
                               double tiny) {
  const std::size_t width = static_cast<std::size_t>(n);
  for (int32_t k = 0; k < n; k++) {
    int32_t best = k;
    for (int32_t i = k + 1; i < n; i++) {
      if (std::fabs(lu[i * width + k]) > std::fabs(lu[best * width + k])) best = i;
    }
    pivot[k] = best;
    if (!(std::fabs(lu[best * width + k]) > tiny)) return k;
    double* pivotRow = lu + k * width;
    if (best != k) {
      double* other = lu + best * width;
      for (int32_t j = 0; j < n; j++) std::swap(pivotRow[j], other[j]);
      std::swap(last[k], last[best]);
    }
    const double inv = 1 / pivotRow[k];
    int32_t count = 0;
    for (int32_t i = k + 1; i < n; i++) {
      const double l = lu[i * width + k] * inv;
      if (l == 0) continue;
      lu[i * width + k] = l;
      rows[count] = i;
      multipliers[count++] = l;
      if (last[k] > last[i]) last[i] = last[k];
    }
    const int32_t end = last[k] + 1;
    for (int32_t r = 0; r < count; r++) {
      double* row = lu + static_cast<std::size_t>(rows[r]) * width;
      const double l = multipliers[r];
      for (int32_t j = k + 1; j < end; j++) row[j] -= l * pivotRow[j];
    }
  }
  return -1;
}

// x ← A⁻¹ x with dense_lu_factor's factors: the row swaps in order, then L y = x, then U x = y.
inline void dense_lu_solve(int32_t n, const double* lu, const int32_t* pivot, double* x) {
  const std::size_t width = static_cast<std::size_t>(n);
  for (int32_t k = 0; k < n; k++) {
    if (pivot[k] != k) std::swap(x[k], x[pivot[k]]);
  }
  for (int32_t i = 0; i < n; i++) {
    double s = x[i];
    for (int32_t j = 0; j < i; j++) s -= lu[i * width + j] * x[j];
    x[i] = s;
  }
  for (int32_t i = n - 1; i >= 0; i--) {
    double s = x[i];
    for (int32_t j = i + 1; j < n; j++) s -= lu[i * width + j] * x[j];
    x[i] = s / lu[i * width + i];
  }
}

}  // namespace pa_amg_setup
