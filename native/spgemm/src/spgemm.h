// Row-wise (Gustavson) sparse matrix products C = A B on CSR matrices with int32 ids: a symbolic
// pass counts the distinct columns of each row of C (so C's arrays are allocated once, exactly),
// a numeric pass lists them ascending with their sums; a values pass recomputes the sums on the
// known pattern when A's or B's values change.
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

// The column ids of each row of C, ascending, and their values, in one pass over A and B (the
// first computation of a product; spgemm_values recomputes the values on the same pattern with
// the same sums, so the same bits). A row's ids are gathered in order of first appearance and
// sorted only when they did not come out ascending; its products are added into the dense
// accumulator in the order of A's entries, then B's (as spgemm_values), then read out in column
// order. marker as in spgemm_count; acc is zeroed here and left zeroed. Returns the first row
// whose distinct columns do not fill exactly its slot cRowPtr[i]..cRowPtr[i+1]-1 (nothing is
// written past a slot), or -1 when every row fits.
inline int32_t spgemm_product(int32_t nRows, const int32_t* aRowPtr, const int32_t* aCol, const double* aVal,
                              const int32_t* bRowPtr, const int32_t* bCol, const double* bVal, const int32_t* cRowPtr,
                              int32_t* cCol, double* cVal, int32_t* marker, double* acc, int32_t nColsB) {
  std::fill(marker, marker + nColsB, -1);
  std::fill(acc, acc + nColsB, 0.0);
  for (int32_t i = 0; i < nRows; i++) {
    const int32_t start = cRowPtr[i];
    const int32_t end = cRowPtr[i + 1];
    int32_t next = start;
    int32_t last = -1;
    bool ascending = true;
    for (int32_t e = aRowPtr[i]; e < aRowPtr[i + 1]; e++) {
      const int32_t k = aCol[e];
      const double a = aVal[e];
      for (int32_t f = bRowPtr[k]; f < bRowPtr[k + 1]; f++) {
        const int32_t j = bCol[f];
        if (marker[j] != i) {
          if (next == end) return i;
          marker[j] = i;
          cCol[next++] = j;
          ascending = ascending && j > last;
          last = j;
        }
        acc[j] += a * bVal[f];
      }
    }
    if (next != end) return i;
    if (!ascending) sort_row(cCol + start, cCol + end);
    for (int32_t e = start; e < end; e++) {
      cVal[e] = acc[cCol[e]];
      acc[cCol[e]] = 0.0;
    }
  }
  return -1;
}

// The row pointers, column ids and values of C in ONE pass, as spgemm_count then spgemm_product
// give them (the same ids and bits), for a caller that gives room for every product term: the
// number of pairs (a_ik, b_kj), an upper bound on nnz(C), so no counting pass is needed and the
// room past nnz(C) is never written. Returns nnz(C), or -1 - i when row i does not fit in
// `capacity` (nothing is written past it). marker and acc as in spgemm_product.
inline int64_t spgemm_rows(int32_t nRows, const int32_t* aRowPtr, const int32_t* aCol, const double* aVal,
                           const int32_t* bRowPtr, const int32_t* bCol, const double* bVal, int32_t* cRowPtr,
                           int32_t* cCol, double* cVal, int64_t capacity, int32_t* marker, double* acc, int32_t nColsB) {
  std::fill(marker, marker + nColsB, -1);
  std::fill(acc, acc + nColsB, 0.0);
  int64_t next = 0;
  cRowPtr[0] = 0;
  for (int32_t i = 0; i < nRows; i++) {
    const int64_t start = next;
    int32_t last = -1;
    bool ascending = true;
    for (int32_t e = aRowPtr[i]; e < aRowPtr[i + 1]; e++) {
      const int32_t k = aCol[e];
      const double a = aVal[e];
      for (int32_t f = bRowPtr[k]; f < bRowPtr[k + 1]; f++) {
        const int32_t j = bCol[f];
        if (marker[j] != i) {
          if (next == capacity) return -1 - static_cast<int64_t>(i);
          marker[j] = i;
          cCol[next++] = j;
          ascending = ascending && j > last;
          last = j;
        }
        acc[j] += a * bVal[f];
      }
    }
    if (!ascending) sort_row(cCol + start, cCol + next);
    for (int64_t e = start; e < next; e++) {
      cVal[e] = acc[cCol[e]];
      acc[cCol[e]] = 0.0;
    }
    cRowPtr[i + 1] = static_cast<int32_t>(next);
  }
  return next;
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

// The pattern of the transpose of an nRows × nCols CSR block, by counting sort: tPtr (nCols + 1
// entries) and, for each entry of the transpose (columns of the block in turn, rows ascending
// within a column), its row (tRows) and the position of the block's entry it comes from
// (tSource), so that the transpose's values are a gather: tValues[k] = values[tSource[k]].
inline void csr_transpose(int32_t nRows, int32_t nCols, const int32_t* rowPtr, const int32_t* col, int32_t* tPtr,
                          int32_t* tRows, int32_t* tSource) {
  std::fill(tPtr, tPtr + nCols + 1, 0);
  const int32_t nnz = rowPtr[nRows];
  for (int32_t e = 0; e < nnz; e++) tPtr[col[e] + 1]++;
  for (int32_t c = 0; c < nCols; c++) tPtr[c + 1] += tPtr[c];
  // tPtr[c] is the next free slot of column c; afterwards it is the end of c, the start of c + 1.
  for (int32_t i = 0; i < nRows; i++) {
    for (int32_t e = rowPtr[i]; e < rowPtr[i + 1]; e++) {
      const int32_t k = tPtr[col[e]]++;
      tRows[k] = i;
      tSource[k] = e;
    }
  }
  for (int32_t c = nCols; c > 0; c--) tPtr[c] = tPtr[c - 1];
  tPtr[0] = 0;
}

// out[k] = values[source[k]] for k in 0..count-1.
inline void gather_values(int32_t count, const int32_t* source, const double* values, double* out) {
  for (int32_t k = 0; k < count; k++) out[k] = values[source[k]];
}

}  // namespace pa_spgemm
