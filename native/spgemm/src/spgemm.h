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

// A CSR matrix's rows (row pointers, column ids, values) as the kernels read them.
struct Rows {
  const int32_t* rowPtr;
  const int32_t* col;
  const double* val;
};

// How many listed fine columns ahead the Galerkin kernels' second step prefetches P's rows
// (galerkin.h, setup.h's rap_rows) when P is beyond the caches.
constexpr int32_t kRowsAhead = 8;

// Whether a block of nRows rows (row pointers, column ids, values) is larger than the caches hold
// (16 MB: the finest level's P at n = 128 on 2 parts is about 50 MB per part, the next level's
// about 13 MB), so that the Galerkin kernels prefetch its scattered rows ahead: on a block the
// caches hold the extra loads cost more than they save.
inline bool beyond_caches(Rows p, int32_t nRows) {
  return 4.0 * (nRows + 1.0) + 12.0 * p.rowPtr[nRows] > 16.0 * 1024 * 1024;
}

// The operands of C = A B as a distributed product holds them, without merging or copying:
// A as its own block (column k: row k of B) and its ghost block (column g: row nRowsB1 + g of B);
// row k of B as row k of B1 (only for k < nRowsB1: B's own rows' own block, read in place)
// followed by row k of B2 (the own rows' ghost entries, then the rows received from other parts).
// A row of C adds a_ik b_kj in the order of A's own entries then its ghost entries, and for each
// the B1 entries then the B2 ones: the order of the merged matrices, so the same bits.
struct Operands {
  int32_t nRows;
  Rows aOwn;
  Rows aGhost;
  int32_t nRowsB1;
  Rows b1;
  Rows b2;
};

// Calls visit(j, a_ik * b_kj) for every product term of row i of C, in the order described above.
template <typename Visit>
inline void for_each_term(const Operands& o, int32_t i, Visit&& visit) {
  for (int32_t e = o.aOwn.rowPtr[i]; e < o.aOwn.rowPtr[i + 1]; e++) {
    const int32_t k = o.aOwn.col[e];
    const double a = o.aOwn.val[e];
    for (int32_t f = o.b1.rowPtr[k]; f < o.b1.rowPtr[k + 1]; f++) visit(o.b1.col[f], a * o.b1.val[f]);
    for (int32_t f = o.b2.rowPtr[k]; f < o.b2.rowPtr[k + 1]; f++) visit(o.b2.col[f], a * o.b2.val[f]);
  }
  for (int32_t e = o.aGhost.rowPtr[i]; e < o.aGhost.rowPtr[i + 1]; e++) {
    const int32_t k = o.nRowsB1 + o.aGhost.col[e];
    const double a = o.aGhost.val[e];
    for (int32_t f = o.b2.rowPtr[k]; f < o.b2.rowPtr[k + 1]; f++) visit(o.b2.col[f], a * o.b2.val[f]);
  }
}

// The product terms of C whose column is below nOwn (own) and the others (ghost): the room that
// always suffices for each block (values are not read). Each row of B is counted once (its
// entries and its own-column entries, per row, in `length` and `ownLength`: nRowsB2 entries
// each), then each entry of A adds its row's counts.
inline void spgemm_terms(const Operands& o, int32_t nRowsB2, int32_t nOwn, int32_t* length, int32_t* ownLength,
                         double* ownTerms, double* ghostTerms) {
  for (int32_t k = 0; k < nRowsB2; k++) {
    int32_t own = 0;
    int32_t all = o.b2.rowPtr[k + 1] - o.b2.rowPtr[k];
    for (int32_t f = o.b2.rowPtr[k]; f < o.b2.rowPtr[k + 1]; f++) own += o.b2.col[f] < nOwn;
    if (k < o.nRowsB1) {
      all += o.b1.rowPtr[k + 1] - o.b1.rowPtr[k];
      for (int32_t f = o.b1.rowPtr[k]; f < o.b1.rowPtr[k + 1]; f++) own += o.b1.col[f] < nOwn;
    }
    length[k] = all;
    ownLength[k] = own;
  }
  int64_t all = 0;
  int64_t own = 0;
  const int32_t ownEntries = o.aOwn.rowPtr[o.nRows];
  for (int32_t e = 0; e < ownEntries; e++) {
    all += length[o.aOwn.col[e]];
    own += ownLength[o.aOwn.col[e]];
  }
  const int32_t ghostEntries = o.aGhost.rowPtr[o.nRows];
  for (int32_t e = 0; e < ghostEntries; e++) {
    all += length[o.nRowsB1 + o.aGhost.col[e]];
    own += ownLength[o.nRowsB1 + o.aGhost.col[e]];
  }
  *ownTerms = static_cast<double>(own);
  *ghostTerms = static_cast<double>(all - own);
}

// The products a_ik b_kj of row i are added into the dense accumulator in the order of
// for_each_term (as spgemm_values does, so the same bits); a column met for the first time is
// appended to its block's row (own: j < nOwn, as j; ghost: as j - nOwn), rows are sorted only when
// their ids did not come out ascending, and the sums are read out in column order. marker (one
// entry per column of B) and acc are reset here; acc is left zeroed. Returns 0, or -1 - i when
// row i does not fit in its blocks' room (nothing is written past it).
inline int64_t spgemm_rows(const Operands& o, int32_t nOwn, Block own, Block ghost, int32_t* marker, double* acc,
                           int32_t nColsB) {
  std::fill(marker, marker + nColsB, -1);
  std::fill(acc, acc + nColsB, 0.0);
  int64_t ownNext = 0;
  int64_t ghostNext = 0;
  own.rowPtr[0] = 0;
  ghost.rowPtr[0] = 0;
  for (int32_t i = 0; i < o.nRows; i++) {
    const int64_t ownStart = ownNext;
    const int64_t ghostStart = ghostNext;
    int32_t ownLast = -1;
    int32_t ghostLast = -1;
    bool ascending = true;
    bool full = false;
    for_each_term(o, i, [&](int32_t j, double term) {
      if (marker[j] != i) {
        marker[j] = i;
        if (j < nOwn) {
          if (ownNext == own.room) {
            full = true;
            return;
          }
          own.col[ownNext++] = j;
          ascending = ascending && j > ownLast;
          ownLast = j;
        } else {
          if (ghostNext == ghost.room) {
            full = true;
            return;
          }
          ghost.col[ghostNext++] = j - nOwn;
          ascending = ascending && j > ghostLast;
          ghostLast = j;
        }
      }
      acc[j] += term;
    });
    if (full) return -1 - static_cast<int64_t>(i);
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
// ids j - nOwn): for each row, the products are added in the order of for_each_term into a dense
// accumulator (zeroed here and left zeroed).
inline void spgemm_values(const Operands& o, int32_t nOwn, Block own, Block ghost, double* acc, int32_t nColsB) {
  std::fill(acc, acc + nColsB, 0.0);
  for (int32_t i = 0; i < o.nRows; i++) {
    for_each_term(o, i, [&](int32_t j, double term) { acc[j] += term; });
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
// (tSource), so that the transpose's values are a gather: tValues[k] = values[tSource[k]]. With
// `values` (non-null), that gather is done on the way (tValues written too).
inline void csr_transpose(int32_t nRows, int32_t nCols, const int32_t* rowPtr, const int32_t* col, const double* values,
                          int32_t* tPtr, int32_t* tRows, int32_t* tSource, double* tValues) {
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
      if (values != nullptr) tValues[k] = values[e];
    }
  }
  for (int32_t c = nCols; c > 0; c--) tPtr[c] = tPtr[c - 1];
  tPtr[0] = 0;
}

// The entries of the rows `rows[0..nRows)` of a matrix held as own block oo and ghost block og
// (its ghost ids counted from nOwn), row by row, own entries then ghost ones, as a message names
// them: each column once, in `listed`, in order of first sight, and per entry its rank in that
// list (`entryRank`) and its value (`values`). `slot` (one per column, own then ghost) holds −1 on
// entry and is left so. Returns the number of columns listed.
inline int32_t rank_row_entries(const int32_t* rows, int32_t nRows, Rows oo, Rows og, int32_t nOwn, int32_t* slot,
                                int32_t* entryRank, int32_t* listed, double* values) {
  int32_t nColumns = 0;
  int32_t k = 0;
  const auto visit = [&](int32_t c, double value) {
    if (slot[c] < 0) {
      slot[c] = nColumns;
      listed[nColumns++] = c;
    }
    entryRank[k] = slot[c];
    values[k++] = value;
  };
  for (int32_t t = 0; t < nRows; t++) {
    const int32_t r = rows[t];
    for (int32_t e = oo.rowPtr[r]; e < oo.rowPtr[r + 1]; e++) visit(oo.col[e], oo.val[e]);
    for (int32_t e = og.rowPtr[r]; e < og.rowPtr[r + 1]; e++) visit(nOwn + og.col[e], og.val[e]);
  }
  for (int32_t j = 0; j < nColumns; j++) slot[listed[j]] = -1;
  return nColumns;
}

// The rows a message (rankRowEntries' layout) carries, placed into a CSR matrix whose row pointers
// are set: message row t goes to row rowOf[t], its entries in order, each column as
// finalColumn[rank] (rank: the entry's rank in the message's column list, at entryRanks[e]) and its
// value at messageValues[e].
inline void place_received_rows(const int32_t* rowOf, int32_t nRows, const int32_t* rowPtr, const double* entryRanks,
                                const double* messageValues, const int32_t* finalColumn, int32_t* col, double* val) {
  int64_t e = 0;
  for (int32_t t = 0; t < nRows; t++) {
    const int32_t r = rowOf[t];
    for (int32_t k = rowPtr[r]; k < rowPtr[r + 1]; k++, e++) {
      col[k] = finalColumn[static_cast<int32_t>(entryRanks[e])];
      val[k] = messageValues[e];
    }
  }
}

}  // namespace pa_spgemm
