// One part's share of a distributed Galerkin product R·A·P (R = Pᵀ) without A·P: the rows
// (R·A)_c·P of the coarse rows c its own fine rows reach, reading A and P where the distributed
// matrices hold them (A's own and ghost blocks; P's own rows as their own block P1 and, in B2
// numbering, their ghost entries followed by the rows of A's ghost columns received from their
// owners), never merged or copied.
// The TypeScript twin is galerkinRows in src/sparse/matmul-kernels.ts: same loops in the same
// order, so the same bits (built with -ffp-contract=off).
//
// Preconditions (checked by the caller in addon.cc): R's column ids index A's rows (nFine), A's own
// ids index P1's rows (nFine), A's ghost ids index P2's rows past nFine, P's ids index the coarse
// scratch arrays.
#pragma once

#include <cstdint>

#include "spgemm.h"

namespace pa_galerkin {

// Rows firstRow.. of C = R·A·P. Row c is formed in two steps: the sparse row z = (R·A)_c, adding
// r_ci·a_ik over R's entries, then for each A's own entries (k = column) and its ghost entries
// (k = nFine + column), into fineAcc (fine columns listed in fineList in order of first sight);
// then z·P, adding z_k·p_kj over z's list, for each P1's row k (k < nFine) then P2's row k, into
// coarseAcc (columns listed in coarseList, then sorted). Scratch: fineMarker, fineAcc, fineList
// (one entry per row of P2), coarseMarker, coarseAcc, coarseList (one per coarse column); the
// markers hold −1 or a row below firstRow on entry, the accumulators zeros, and both are left so.
// rowPtr[firstRow] must be set; col and val have room for `room` entries. Returns nRows, or the
// first row that does not fit (rowPtr written up to it).
inline int32_t galerkin_rows(int32_t firstRow, int32_t nRows, int32_t nFine, pa_spgemm::Rows r,
                             pa_spgemm::Rows aOwn, pa_spgemm::Rows aGhost, pa_spgemm::Rows p1,
                             pa_spgemm::Rows p2, int32_t* fineMarker, double* fineAcc, int32_t* fineList,
                             int32_t* coarseMarker, double* coarseAcc, int32_t* coarseList, int32_t* rowPtr,
                             int32_t* col, double* val, int64_t room) {
  for (int32_t row = firstRow; row < nRows; row++) {
    int32_t nListed = 0;
    for (int32_t e = r.rowPtr[row]; e < r.rowPtr[row + 1]; e++) {
      const int32_t i = r.col[e];
      const double ri = r.val[e];
      for (int32_t f = aOwn.rowPtr[i]; f < aOwn.rowPtr[i + 1]; f++) {
        const int32_t k = aOwn.col[f];
        // Branch-free first sight (whether a column is new is unpredictable).
        const int32_t isNew = fineMarker[k] != row;
        fineMarker[k] = row;
        fineList[nListed] = k;
        nListed += isNew;
        fineAcc[k] += ri * aOwn.val[f];
      }
      for (int32_t f = aGhost.rowPtr[i]; f < aGhost.rowPtr[i + 1]; f++) {
        const int32_t k = nFine + aGhost.col[f];
        const int32_t isNew = fineMarker[k] != row;
        fineMarker[k] = row;
        fineList[nListed] = k;
        nListed += isNew;
        fineAcc[k] += ri * aGhost.val[f];
      }
    }
    int32_t nCoarse = 0;
    bool ascending = true;
    int32_t last = -1;
    const auto visit = [&](int32_t j, double term) {
      if (coarseMarker[j] != row) {
        coarseMarker[j] = row;
        coarseList[nCoarse++] = j;
        ascending = ascending && j > last;
        last = j;
      }
      coarseAcc[j] += term;
    };
    for (int32_t t = 0; t < nListed; t++) {
      const int32_t k = fineList[t];
      const double z = fineAcc[k];
      fineAcc[k] = 0.0;
      if (k < nFine) {
        for (int32_t f = p1.rowPtr[k]; f < p1.rowPtr[k + 1]; f++) visit(p1.col[f], z * p1.val[f]);
      }
      for (int32_t f = p2.rowPtr[k]; f < p2.rowPtr[k + 1]; f++) visit(p2.col[f], z * p2.val[f]);
    }
    const int64_t start = rowPtr[row];
    if (start + nCoarse > room) {
      // The row is redone with more room: its marks are taken back.
      for (int32_t t = 0; t < nListed; t++) fineMarker[fineList[t]] = -1;
      for (int32_t t = 0; t < nCoarse; t++) {
        coarseMarker[coarseList[t]] = -1;
        coarseAcc[coarseList[t]] = 0.0;
      }
      return row;
    }
    if (!ascending) pa_spgemm::sort_row(coarseList, coarseList + nCoarse);
    for (int32_t t = 0; t < nCoarse; t++) {
      const int32_t c = coarseList[t];
      col[start + t] = c;
      val[start + t] = coarseAcc[c];
      coarseAcc[c] = 0.0;
    }
    rowPtr[row + 1] = static_cast<int32_t>(start + nCoarse);
  }
  return nRows;
}

}  // namespace pa_galerkin
