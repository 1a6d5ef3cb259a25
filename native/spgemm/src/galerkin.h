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
#include "transposed-blocks.h"

namespace pa_galerkin {

// How many listed fine columns ahead the second step prefetches P2's row pointers (P1's are
// prefetched at first sight, P's rows pa_spgemm::kRowsAhead columns ahead).
constexpr int32_t kRowPtrAhead = 16;
// Most entries per row of A's own block, on average, for the first step's prefetches of A's rows.
constexpr int32_t kShortRow = 12;

// Rows firstRow.. of C = R·A·P. Row c is formed in two steps: the sparse row z = (R·A)_c, adding
// r_ci·a_ik over R's entries, then for each A's own entries (k = column) and its ghost entries
// (k = nFine + column), into fineAcc (fine columns listed in fineList in order of first sight);
// then z·P, adding z_k·p_kj over z's list, for each P1's row k (k < nFine) then P2's row k, into
// coarseAcc (columns listed in coarseList); then the row's extra terms (other parts' sums, when
// `extra` has row pointers), in stored order. The row's columns are sorted and written with their
// sums split at nOwn: below it into `own` (as j), the others into `ghost` (as j − nOwn).
// Scratch: fineMarker, fineAcc (at least one entry per row of P2), fineList (one more: the ghost
// block's branch-free listing writes a column past the list's end, kept only when new), coarseMarker,
// coarseAcc, coarseList (one per coarse column); the markers hold −1 or a row below firstRow on entry, the
// accumulators zeros, and both are left so. Both blocks' rowPtr[firstRow] must be set. Returns
// nRows, or the first row that does not fit in a block's room (rowPtr written up to it).
inline int32_t galerkin_rows(int32_t firstRow, int32_t nRows, int32_t nFine, int32_t nOwn, pa_spgemm::Rows r,
                             pa_spgemm::Rows aOwn, pa_spgemm::Rows aGhost, pa_spgemm::Rows p1,
                             pa_spgemm::Rows p2, pa_spgemm::Rows extra, int32_t* fineMarker, double* fineAcc,
                             int32_t* fineList, int32_t* coarseMarker, double* coarseAcc, int32_t* coarseList,
                             pa_spgemm::Block own, pa_spgemm::Block ghost) {
  const bool prefetchP = pa_spgemm::beyond_caches(p1, nFine);
  const bool shortRowsA = aOwn.rowPtr[nFine] <= static_cast<int64_t>(kShortRow) * nFine;
  for (int32_t row = firstRow; row < nRows; row++) {
    int32_t nListed = 0;
    // As setup.h's rap_rows: R's fine rows are scattered over A (an aggregate's neighbourhood
    // spans several grid planes), so A's row pointers are prefetched two rows ahead and A's own
    // rows one row ahead, letting their cache misses overlap. Only for short rows of A (the
    // finest level's 7-point rows): on a coarse level's long rows (about 30 entries) they cost
    // more than they save (level 1 at n = 128 on 2 parts: about 10% slower with them).
    if (shortRowsA && row + 2 < nRows) {
      for (int32_t e = r.rowPtr[row + 2]; e < r.rowPtr[row + 3]; e++) __builtin_prefetch(aOwn.rowPtr + r.col[e]);
    }
    if (shortRowsA && row + 1 < nRows) {
      for (int32_t e = r.rowPtr[row + 1]; e < r.rowPtr[row + 2]; e++) {
        const int32_t i = r.col[e];
        __builtin_prefetch(aOwn.col + aOwn.rowPtr[i]);
        __builtin_prefetch(aOwn.val + aOwn.rowPtr[i]);
      }
    }
    for (int32_t e = r.rowPtr[row]; e < r.rowPtr[row + 1]; e++) {
      const int32_t i = r.col[e];
      const double ri = r.val[e];
      for (int32_t f = aOwn.rowPtr[i]; f < aOwn.rowPtr[i + 1]; f++) {
        const int32_t k = aOwn.col[f];
        // As rap_rows: P1's row pointers are prefetched when a column is first seen, a whole
        // row ahead of the second step. Measured on an AMD EPYC (family 26) by replaying one
        // part's level-0 call at n = 128: 0.80–0.98 times (median 0.93) the time of a branch-free
        // listing that prefetched them kRowPtrAhead columns ahead in the second step.
        if (fineMarker[k] != row) {
          fineMarker[k] = row;
          fineList[nListed++] = k;
          __builtin_prefetch(p1.rowPtr + k);
        }
        fineAcc[k] += ri * aOwn.val[f];
      }
      // The ghost block's few entries: a branch-free first sight.
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
    // The rows of P the list reaches are scattered (several grid planes): when P's own block is
    // beyond the caches, P2's row pointers are prefetched kRowPtrAhead columns ahead and P1's
    // entries kRowsAhead columns ahead, so the misses overlap instead of stalling each visit.
    for (int32_t t = 0; t < nListed; t++) {
      if (prefetchP && t + kRowPtrAhead < nListed) __builtin_prefetch(p2.rowPtr + fineList[t + kRowPtrAhead]);
      if (prefetchP && t + pa_spgemm::kRowsAhead < nListed) {
        const int32_t ahead = fineList[t + pa_spgemm::kRowsAhead];
        if (ahead < nFine) {
          __builtin_prefetch(p1.col + p1.rowPtr[ahead]);
          __builtin_prefetch(p1.val + p1.rowPtr[ahead]);
        }
      }
      const int32_t k = fineList[t];
      const double z = fineAcc[k];
      fineAcc[k] = 0.0;
      if (k < nFine) {
        for (int32_t f = p1.rowPtr[k]; f < p1.rowPtr[k + 1]; f++) visit(p1.col[f], z * p1.val[f]);
      }
      for (int32_t f = p2.rowPtr[k]; f < p2.rowPtr[k + 1]; f++) visit(p2.col[f], z * p2.val[f]);
    }
    if (extra.rowPtr != nullptr) {
      for (int32_t e = extra.rowPtr[row]; e < extra.rowPtr[row + 1]; e++) visit(extra.col[e], extra.val[e]);
    }
    if (!ascending) pa_spgemm::sort_row(coarseList, coarseList + nCoarse);
    int32_t nOwnCols = 0;
    while (nOwnCols < nCoarse && coarseList[nOwnCols] < nOwn) nOwnCols++;
    const int64_t ownStart = own.rowPtr[row];
    const int64_t ghostStart = ghost.rowPtr[row];
    if (ownStart + nOwnCols > own.room || ghostStart + (nCoarse - nOwnCols) > ghost.room) {
      // The row is redone with more room: its marks are taken back.
      for (int32_t t = 0; t < nListed; t++) fineMarker[fineList[t]] = -1;
      for (int32_t t = 0; t < nCoarse; t++) {
        coarseMarker[coarseList[t]] = -1;
        coarseAcc[coarseList[t]] = 0.0;
      }
      return row;
    }
    for (int32_t t = 0; t < nOwnCols; t++) {
      const int32_t c = coarseList[t];
      own.col[ownStart + t] = c;
      own.val[ownStart + t] = coarseAcc[c];
      coarseAcc[c] = 0.0;
    }
    for (int32_t t = nOwnCols; t < nCoarse; t++) {
      const int32_t c = coarseList[t];
      ghost.col[ghostStart + t - nOwnCols] = c - nOwn;
      ghost.val[ghostStart + t - nOwnCols] = coarseAcc[c];
      coarseAcc[c] = 0.0;
    }
    own.rowPtr[row + 1] = static_cast<int32_t>(ownStart + nOwnCols);
    ghost.rowPtr[row + 1] = static_cast<int32_t>(ghostStart + nCoarse - nOwnCols);
  }
  return nRows;
}

// galerkin_rows with R = P1ᵀ (rows firstRow..nRows-1: P1's columns, below nRows), formed a block of
// rows at a time (transposed-blocks.h) instead of read whole from memory: the same rows, so the
// same bits as galerkin_rows on csrTranspose(P1).
inline int32_t galerkin_rows_of_p1(int32_t firstRow, int32_t nRows, int32_t nFine, int32_t nOwn, pa_spgemm::Rows aOwn,
                                   pa_spgemm::Rows aGhost, pa_spgemm::Rows p1, pa_spgemm::Rows p2,
                                   pa_spgemm::Rows extra, int32_t* fineMarker, double* fineAcc, int32_t* fineList,
                                   int32_t* coarseMarker, double* coarseAcc, int32_t* coarseList, pa_spgemm::Block own,
                                   pa_spgemm::Block ghost) {
  return pa_spgemm::by_transposed_blocks(firstRow, nRows, nFine, p1, [&](int32_t c0, int32_t c1, pa_spgemm::Rows r) {
    return galerkin_rows(c0, c1, nFine, nOwn, r, aOwn, aGhost, p1, p2, extra, fineMarker, fineAcc, fineList,
                         coarseMarker, coarseAcc, coarseList, own, ghost);
  });
}

}  // namespace pa_galerkin
