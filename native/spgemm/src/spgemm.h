// Row-wise (Gustavson) sparse matrix products C = A B on CSR matrices with int32 ids, written as
// two blocks split at a column `nOwn` (the own and ghost blocks of a distributed product): one pass
// lists each row's distinct columns ascending in each block with their sums, into arrays with room
// for every product term (an upper bound on the entries, so no counting pass; the room past the
// entries is never written); a values pass recomputes the sums on the known pattern when A's or
// B's values change.
// The TypeScript twins are in src/sparse/matmul-kernels.ts: same loops in the same order, so the
// same bits (built with -ffp-contract=off: a*b+c is never fused).
//
// Preconditions (checked by the callers in addon.cc): A's column ids index B's rows, B's column
// ids index the marker/accumulator, nOwn is at most B's number of columns.
#pragma once

#include <algorithm>
#include <cstdint>

namespace pa_spgemm {

// One block of C: row pointers (nRows + 1), column ids and values with room for `room` entries.
struct Block {
  int32_t* rowPtr;
  int32_t* col;
  double* val;
  int64_t room;
};

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

// The products a_ik b_kj of row i are added into the dense accumulator in the order of A's
// entries, then B's (as spgemm_values does, so the same bits); a column met for the first time is
// appended to its block's row (own: j < nOwn, as j; ghost: as j - nOwn), rows are sorted only when
// their ids did not come out ascending, and the sums are read out in column order. marker (one
// entry per column of B) and acc are reset here; acc is left zeroed. Returns 0, or -1 - i when
// row i does not fit in its blocks' room (nothing is written past it).
inline int64_t spgemm_rows(int32_t nRows, const int32_t* aRowPtr, const int32_t* aCol, const double* aVal,
                           const int32_t* bRowPtr, const int32_t* bCol, const double* bVal, int32_t nOwn, Block own,
                           Block ghost, int32_t* marker, double* acc, int32_t nColsB) {
  std::fill(marker, marker + nColsB, -1);
  std::fill(acc, acc + nColsB, 0.0);
  int64_t ownNext = 0;
  int64_t ghostNext = 0;
  own.rowPtr[0] = 0;
  ghost.rowPtr[0] = 0;
  for (int32_t i = 0; i < nRows; i++) {
    const int64_t ownStart = ownNext;
    const int64_t ghostStart = ghostNext;
    int32_t ownLast = -1;
    int32_t ghostLast = -1;
    bool ascending = true;
    for (int32_t e = aRowPtr[i]; e < aRowPtr[i + 1]; e++) {
      const int32_t k = aCol[e];
      const double a = aVal[e];
      for (int32_t f = bRowPtr[k]; f < bRowPtr[k + 1]; f++) {
        const int32_t j = bCol[f];
        if (marker[j] != i) {
          marker[j] = i;
          if (j < nOwn) {
            if (ownNext == own.room) return -1 - static_cast<int64_t>(i);
            own.col[ownNext++] = j;
            ascending = ascending && j > ownLast;
            ownLast = j;
          } else {
            if (ghostNext == ghost.room) return -1 - static_cast<int64_t>(i);
            ghost.col[ghostNext++] = j - nOwn;
            ascending = ascending && j > ghostLast;
            ghostLast = j;
          }
        }
        acc[j] += a * bVal[f];
      }
    }
    if (!ascending) {
      sort_row(own.col + ownStart, own.col + ownNext);
      sort_row(ghost.col + ghostStart, ghost.col + ghostNext);
    }
    for (int64_t e = ownStart; e < ownNext; e++) {
      own.val[e] = acc[own.col[e]];
      acc[own.col[e]] = 0.0;
    }
    for (int64_t e = ghostStart; e < ghostNext; e++) {
      ghost.val[e] = acc[nOwn + ghost.col[e]];
      acc[nOwn + ghost.col[e]] = 0.0;
    }
    own.rowPtr[i + 1] = static_cast<int32_t>(ownNext);
    ghost.rowPtr[i + 1] = static_cast<int32_t>(ghostNext);
  }
  return 0;
}

// The values of C on the pattern spgemm_rows gave (own.col and ghost.col as it wrote them: ghost
// ids j - nOwn): for each row, the products a_ik b_kj are added in the order of A's entries, then
// B's, into a dense accumulator (zeroed here and left zeroed).
inline void spgemm_values(int32_t nRows, const int32_t* aRowPtr, const int32_t* aCol, const double* aVal,
                          const int32_t* bRowPtr, const int32_t* bCol, const double* bVal, int32_t nOwn, Block own,
                          Block ghost, double* acc, int32_t nColsB) {
  std::fill(acc, acc + nColsB, 0.0);
  for (int32_t i = 0; i < nRows; i++) {
    for (int32_t e = aRowPtr[i]; e < aRowPtr[i + 1]; e++) {
      const int32_t k = aCol[e];
      const double a = aVal[e];
      for (int32_t f = bRowPtr[k]; f < bRowPtr[k + 1]; f++) acc[bCol[f]] += a * bVal[f];
    }
    for (int32_t e = own.rowPtr[i]; e < own.rowPtr[i + 1]; e++) {
      own.val[e] = acc[own.col[e]];
      acc[own.col[e]] = 0.0;
    }
    for (int32_t e = ghost.rowPtr[i]; e < ghost.rowPtr[i + 1]; e++) {
      ghost.val[e] = acc[nOwn + ghost.col[e]];
      acc[nOwn + ghost.col[e]] = 0.0;
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
