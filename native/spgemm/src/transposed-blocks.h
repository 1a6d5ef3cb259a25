// R = Pᵀ a block of rows at a time, for the Galerkin kernels (setup.h's rap_of_p, galerkin.h's
// galerkin_rows on P's own block), so R is never written whole to memory: each block is written
// and read back in the caches.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "spgemm.h"

namespace pa_spgemm {

// Rows of R a block holds: about 1.5 MB of R on the 3-D Laplacian's finest level at n = 128
// (28 entries per row).
constexpr int32_t kTransposedBlockRows = 4096;

// Calls rows(c0, c1, r) for the blocks [c0, c1) of R = Pᵀ's rows from firstRow to nRows (P:
// nFine rows, columns below nRows), r holding R's row pointers at their global rows c0..c1 and
// the block's entries: row c lists the fine rows of P's column c ascending with P's values (the
// entries of csrTranspose). Per block only the fine rows between the first and the last row of
// the block's columns are scanned (P's rows are sorted: a row's entries in the block are
// contiguous), counted, then placed. `rows` returns c1 or the first row it could not finish, which
// is then returned; otherwise nRows.
template <typename Fn>
inline int32_t by_transposed_blocks(int32_t firstRow, int32_t nRows, int32_t nFine, Rows p, Fn rows) {
  // Per column, its first and last fine row (a column without entries: an empty range).
  std::vector<int32_t> first(static_cast<std::size_t>(nRows), nFine);
  std::vector<int32_t> last(static_cast<std::size_t>(nRows), -1);
  for (int32_t i = 0; i < nFine; i++) {
    for (int32_t e = p.rowPtr[i]; e < p.rowPtr[i + 1]; e++) {
      const int32_t c = p.col[e];
      if (first[c] == nFine) first[c] = i;
      last[c] = i;
    }
  }
  std::vector<int32_t> rPtr(static_cast<std::size_t>(nRows) + 1, 0);
  std::vector<int32_t> rCol;
  std::vector<double> rVal;
  for (int32_t c0 = firstRow; c0 < nRows; c0 += kTransposedBlockRows) {
    const int32_t c1 = std::min(nRows, c0 + kTransposedBlockRows);
    int32_t lo = nFine, hi = -1;
    for (int32_t c = c0; c < c1; c++) {
      lo = std::min(lo, first[c]);
      hi = std::max(hi, last[c]);
    }
    for (int32_t c = c0; c <= c1; c++) rPtr[c] = 0;
    for (int32_t i = lo; i <= hi; i++) {
      for (int32_t e = p.rowPtr[i]; e < p.rowPtr[i + 1]; e++) {
        const int32_t c = p.col[e];
        if (c >= c1) break;
        if (c >= c0) rPtr[c + 1]++;
      }
    }
    for (int32_t c = c0; c < c1; c++) rPtr[c + 1] += rPtr[c];
    const std::size_t entries = static_cast<std::size_t>(rPtr[c1]);
    if (rCol.size() < entries) {
      rCol.resize(entries);
      rVal.resize(entries);
    }
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
    const int32_t done = rows(c0, c1, Rows{rPtr.data(), rCol.data(), rVal.data()});
    if (done < c1) return done;
  }
  return nRows;
}

}  // namespace pa_spgemm
