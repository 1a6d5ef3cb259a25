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

// Ilu0Solve on the split compact factors (same operations in the same order, so the same bits).
// L: row i's lower[i] multipliers in ascending columns, rows in ascending order, in lValues, with
// lOffsets = column - i. U: rows in DESCENDING order, row i's upper[i] entries in descending
// columns (the order the backward sweep takes them) then its inverted pivot, in uValues, with
// uOffsets = column - i for the entries (none for the pivot). Each sweep streams only its own
// factor, in ascending addresses, with two bytes of index per entry: about half the bytes of one
// CSR array of L and U read by both sweeps. With kScale, r[i] = scale * r[i] first (GMRES's
// normalisation of the vector it preconditions, in the same pass). Returns false, before
// computing a row, when the row's counts run past the lengths given.
template <bool kScale>
inline bool Ilu0SolveSplit(std::int32_t nRows, const std::uint8_t* lower, const std::uint8_t* upper,
                           const std::int16_t* lOffsets, const double* lValues, std::size_t lCount,
                           const std::int16_t* uOffsets, std::size_t uOffsetCount, const double* uValues,
                           std::size_t uCount, double scale, double* r, double* z) {
  double prev = 0.0;
  std::size_t pos = 0;
  for (std::int32_t i = 0; i < nRows; i++) {
    const std::size_t end = pos + lower[i];
    if (end > lCount) return false;
    double s = r[i];
    if (kScale) {
      s = s * scale;
      r[i] = s;
    }
    if (end > pos) {
      const double* zi = z + i;
      for (std::size_t k = pos; k < end - 1; k++) s -= lValues[k] * zi[lOffsets[k]];
      if (lOffsets[end - 1] == -1) s -= lValues[end - 1] * prev;
      else s -= lValues[end - 1] * zi[lOffsets[end - 1]];
    }
    z[i] = s;
    prev = s;
    pos = end;
  }
  std::size_t v = 0;  // uValues position
  std::size_t o = 0;  // uOffsets position
  for (std::int32_t i = nRows - 1; i >= 0; i--) {
    const std::size_t m = upper[i];
    if (o + m > uOffsetCount || v + m + 1 > uCount) return false;
    const double* u = uValues + v;
    const std::int16_t* off = uOffsets + o;
    double s = z[i];
    if (m > 0) {
      const double* zi = z + i;
      for (std::size_t t = 0; t + 1 < m; t++) s -= u[t] * zi[off[t]];
      if (off[m - 1] == 1) s -= u[m - 1] * prev;
      else s -= u[m - 1] * zi[off[m - 1]];
    }
    prev = s * u[m];
    z[i] = prev;
    v += m + 1;
    o += m;
  }
  return true;
}

}  // namespace pa_ilu
