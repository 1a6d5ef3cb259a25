// R = Pᵀ a block of rows at a time, for the Galerkin kernels (setup.h's rap_of_p, galerkin.h's
// galerkin_rows on P's own block), so R is never written whole to memory: each block is written
// and read back in the caches.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "spgemm.h"

namespace pa_spgemm {

// Most rows of R a block holds: about 1.5 MB of R on the 3-D Laplacian's finest level at n = 128
// (28 entries per row).
constexpr int32_t kTransposedBlockRows = 4096;
// Most entries of R a block holds (but a block has at least one row): on coarser levels a
// row has hundreds of entries, and 4096 rows would take several MB.
constexpr int32_t kTransposedBlockEntries = 1 << 17;

// The block's arrays, kept by the thread from call to call (levels, parts, set-ups): grown to
// the largest block seen (at most kTransposedBlockEntries entries but for a single longer row,
// and one row pointer per coarse row), they are written once, so later calls write no fresh
// memory (in a virtual machine a first write of a 4 KiB page costs about 12 us).
struct TransposedScratch {
  std::vector<int32_t> first, last, count, rPtr, rCol;
  std::vector<double> rVal;
};

inline TransposedScratch& transposed_scratch() {
  static thread_local TransposedScratch scratch;
  return scratch;
}

// Calls rows(c0, c1, r) for the blocks [c0, c1) of R = Pᵀ's rows from firstRow to nRows (P:
// nFine rows, columns below nRows), r holding R's row pointers at their global rows c0..c1 and
// the block's entries: row c lists the fine rows of P's column c ascending with P's values (the
// entries of csrTranspose). Per block only the fine rows between the first and the last row of
// the block's columns are scanned (P's rows are sorted: a row's entries in the block are
// contiguous) and placed. `rows` returns c1 or the first row it could not finish, which
// is then returned; otherwise nRows. How the rows are cut into blocks changes no row of R.
template <typename Fn>
inline int32_t by_transposed_blocks(int32_t firstRow, int32_t nRows, int32_t nFine, Rows p, Fn rows) {
  TransposedScratch& s = transposed_scratch();
  const std::size_t n = static_cast<std::size_t>(nRows);
  if (s.first.size() < n) {
    s.first.resize(n);
    s.last.resize(n);
    s.count.resize(n);
  }
  if (s.rPtr.size() < n + 1) s.rPtr.resize(n + 1);
  int32_t* first = s.first.data();
  int32_t* last = s.last.data();
  int32_t* count = s.count.data();
  int32_t* rPtr = s.rPtr.data();
  // Per column, its first and last fine row (a column without entries: an empty range) and its
  // entries.
  std::fill(first, first + nRows, nFine);
  std::fill(last, last + nRows, -1);
  std::fill(count, count + nRows, 0);
  for (int32_t i = 0; i < nFine; i++) {
    for (int32_t e = p.rowPtr[i]; e < p.rowPtr[i + 1]; e++) {
      const int32_t c = p.col[e];
      if (first[c] == nFine) first[c] = i;
      last[c] = i;
      count[c]++;
    }
  }
  for (int32_t c0 = firstRow; c0 < nRows;) {
    int32_t c1 = c0 + 1;
    int64_t entries = count[c0];
    while (c1 < nRows && c1 - c0 < kTransposedBlockRows && entries + count[c1] <= kTransposedBlockEntries) {
      entries += count[c1++];
    }
    int32_t lo = nFine, hi = -1;
    rPtr[c0] = 0;
    for (int32_t c = c0; c < c1; c++) {
      lo = std::min(lo, first[c]);
      hi = std::max(hi, last[c]);
      rPtr[c + 1] = rPtr[c] + count[c];
    }
    if (s.rCol.size() < static_cast<std::size_t>(entries)) {
      s.rCol.resize(static_cast<std::size_t>(entries));
      s.rVal.resize(static_cast<std::size_t>(entries));
    }
    int32_t* rCol = s.rCol.data();
    double* rVal = s.rVal.data();
    // Placed with a cursor per row (rPtr[c] moves to row c's end), then the starts restored.
    for (int32_t i = lo; i <= hi; i++) {
      for (int32_t e = p.rowPtr[i]; e < p.rowPtr[i + 1]; e++) {
        const int32_t c = p.col[e];
        if (c >= c1) break;
        if (c >= c0) {
          const int32_t at = rPtr[c]++;
          rCol[at] = i;
          rVal[at] = p.val[e];
        }
      }
    }
    for (int32_t c = c1; c > c0; c--) rPtr[c] = rPtr[c - 1];
    rPtr[c0] = 0;
    const int32_t done = rows(c0, c1, Rows{rPtr, rCol, rVal});
    if (done < c1) return done;
    c0 = c1;
  }
  return nRows;
}

}  // namespace pa_spgemm
