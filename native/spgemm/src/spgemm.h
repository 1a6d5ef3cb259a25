// Row-wise (Gustavson) sparse matrix products C = A B on CSR matrices with int32 ids, in three
// passes: count the distinct columns of each row of C, list them ascending, then sum the values.
// The TypeScript twins are in src/sparse/matmul-kernels.ts: same loops in the same order, so the
// same bits (built with -ffp-contract=off: a*b+c is never fused).
//
// Preconditions (checked by the callers in addon.cc): A's column ids index B's rows, B's column
// ids index the marker/accumulator, cRowPtr comes from spgemm_count for the same A and B.
#pragma once

#include <algorithm>
#include <cstdint>

namespace pa_spgemm {

// cRowPtr[i + 1] = cRowPtr[i] + number of distinct columns of row i of A B. marker has one
// entry per column of B; it is reset here. Returns nnz(C).
inline int64_t spgemm_count(int32_t nRows, const int32_t* aRowPtr, const int32_t* aCol, const int32_t* bRowPtr,
                            const int32_t* bCol, int32_t* cRowPtr, int32_t* marker, int32_t nColsB) {
  std::fill(marker, marker + nColsB, -1);
  int64_t total = 0;
  cRowPtr[0] = 0;
  for (int32_t i = 0; i < nRows; i++) {
    for (int32_t e = aRowPtr[i]; e < aRowPtr[i + 1]; e++) {
      const int32_t k = aCol[e];
      for (int32_t f = bRowPtr[k]; f < bRowPtr[k + 1]; f++) {
        const int32_t j = bCol[f];
        if (marker[j] != i) {
          marker[j] = i;
          total++;
        }
      }
    }
    cRowPtr[i + 1] = static_cast<int32_t>(total);
  }
  return total;
}

// Sorts a row's column ids: insertion sort for the short rows of sparse products (faster there
// than std::sort's set-up), std::sort for long ones.
inline void sort_row(int32_t* first, int32_t* last) {
  if (last - first > 48) {
    std::sort(first, last);
    return;
  }
  for (int32_t* a = first + 1; a < last; a++) {
    const int32_t v = *a;
    int32_t* b = a;
    while (b > first && *(b - 1) > v) {
      *b = *(b - 1);
      b--;
    }
    *b = v;
  }
}

// The column ids of each row of C, ascending. marker as in spgemm_count. Returns the first row
// whose distinct columns do not fill exactly its slot cRowPtr[i]..cRowPtr[i+1]-1 (nothing is
// written past a slot), or -1 when every row fits.
inline int32_t spgemm_columns(int32_t nRows, const int32_t* aRowPtr, const int32_t* aCol, const int32_t* bRowPtr,
                           const int32_t* bCol, const int32_t* cRowPtr, int32_t* cCol, int32_t* marker,
                           int32_t nColsB) {
  std::fill(marker, marker + nColsB, -1);
  for (int32_t i = 0; i < nRows; i++) {
    int32_t next = cRowPtr[i];
    const int32_t end = cRowPtr[i + 1];
    for (int32_t e = aRowPtr[i]; e < aRowPtr[i + 1]; e++) {
      const int32_t k = aCol[e];
      for (int32_t f = bRowPtr[k]; f < bRowPtr[k + 1]; f++) {
        const int32_t j = bCol[f];
        if (marker[j] != i) {
          if (next == end) return i;
          marker[j] = i;
          cCol[next++] = j;
        }
      }
    }
    if (next != end) return i;
    sort_row(cCol + cRowPtr[i], cCol + next);
  }
  return -1;
}

// The values of C on the pattern (cRowPtr, cCol): for each row, the products a_ik b_kj are added
// in the order of A's entries, then B's, into a dense accumulator (zeroed here and left zeroed).
inline void spgemm_values(int32_t nRows, const int32_t* aRowPtr, const int32_t* aCol, const double* aVal,
                          const int32_t* bRowPtr, const int32_t* bCol, const double* bVal, const int32_t* cRowPtr,
                          const int32_t* cCol, double* cVal, double* acc, int32_t nColsB) {
  std::fill(acc, acc + nColsB, 0.0);
  for (int32_t i = 0; i < nRows; i++) {
    for (int32_t e = aRowPtr[i]; e < aRowPtr[i + 1]; e++) {
      const int32_t k = aCol[e];
      const double a = aVal[e];
      for (int32_t f = bRowPtr[k]; f < bRowPtr[k + 1]; f++) acc[bCol[f]] += a * bVal[f];
    }
    for (int32_t e = cRowPtr[i]; e < cRowPtr[i + 1]; e++) {
      cVal[e] = acc[cCol[e]];
      acc[cCol[e]] = 0.0;
    }
  }
}

}  // namespace pa_spgemm
