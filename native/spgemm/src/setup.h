// The AMG set-up's kernels: strength of connection and aggregation of a part's own rows (any
// number of parts), and two one-part kernels: the smoothed prolongator built straight from the
// aggregates, and the Galerkin coarse matrix R·A·P without the intermediate A·P. The one-part
// kernels serve a hierarchy whose matrices have no ghost entries on any part; the distributed
// products (spgemm.h) serve the others.
// The TypeScript twins are in src/solvers/amg/setup-kernels.ts: same loops in the same order, so
// the same bits (built with -ffp-contract=off: a*b+c is never fused).
//
// Preconditions (checked by the entry points in setup-addon.cc): column ids index the arrays they
// are used with, the outputs have the lengths stated below.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "spgemm.h"
#include "transposed-blocks.h"

namespace pa_amg_setup {

// P = (I − ω D⁻¹ A) P0 for an nRows × nRows block A whose rows are all own, P0 having one entry
// per aggregated row k, 1/sqrt(size of k's aggregate), in column aggregateOf[k] (−1: no entry).
// Row i of A·P0 adds a_ik·p0_k over A's entries in stored order (as spgemm_rows does for the
// product A·P0, so the same bits), its columns ascending; each value is then scaled by
// −omega·inverse[i] and P0's own entry added to the column of i's aggregate. size (nAggregates)
// is scratch; marker and acc (nAggregates each) are scratch reset here and left reset.
// rowPtr (nRows + 1), col and val (room for nnz(A): P has at most A's entries) are written.
inline void smoothed_prolongator(int32_t nRows, const int32_t* aPtr, const int32_t* aCol, const double* aVal,
                                 const int32_t* aggregateOf, int32_t nAggregates, const double* inverse, double omega,
                                 double* size, int32_t* marker, double* acc, int32_t* rowPtr, int32_t* col,
                                 double* val) {
  std::fill(size, size + nAggregates, 0.0);
  for (int32_t i = 0; i < nRows; i++) {
    if (aggregateOf[i] >= 0) size[aggregateOf[i]] += 1.0;
  }
  // size[a] becomes P0's value on aggregate a.
  for (int32_t a = 0; a < nAggregates; a++) size[a] = 1.0 / std::sqrt(size[a]);
  std::fill(marker, marker + nAggregates, -1);
  std::fill(acc, acc + nAggregates, 0.0);
  int32_t next = 0;
  rowPtr[0] = 0;
  for (int32_t i = 0; i < nRows; i++) {
    const int32_t start = next;
    bool ascending = true;
    int32_t last = -1;
    for (int32_t e = aPtr[i]; e < aPtr[i + 1]; e++) {
      const int32_t k = aCol[e];
      const int32_t j = aggregateOf[k];
      if (j < 0) continue;
      if (marker[j] != i) {
        marker[j] = i;
        col[next++] = j;
        ascending = ascending && j > last;
        last = j;
      }
      acc[j] += aVal[e] * size[j];
    }
    if (!ascending) pa_spgemm::sort_row(col + start, col + next);
    const double scale = -omega * inverse[i];
    const int32_t own = aggregateOf[i];
    for (int32_t e = start; e < next; e++) {
      const int32_t j = col[e];
      double v = scale * acc[j];
      acc[j] = 0.0;
      if (j == own) v += size[j];
      val[e] = v;
    }
    rowPtr[i + 1] = next;
  }
}

// Rows firstRow.. of C = R·A·P (R: nRows × nFine, A: nFine × nFine, P: nFine × nCoarse, one block
// each). Row r of C is formed in two steps, never storing A·P: the sparse row z = (R·A)_r, adding
// r_ri·a_ik over R's entries then A's in stored order into fineAcc (its fine columns listed in
// fineList in order of first sight), then z·P, adding z_k·p_kc over z's list then P's entries into
// coarseAcc (coarse columns listed in coarseList, then sorted). Scratch: fineMarker, fineAcc,
// fineList (nFine each), coarseMarker, coarseAcc, coarseList (nCoarse each); the markers hold −1
// or a row below firstRow on entry (fill them with −1 before row 0), the accumulators zeros, and
// both are left so. C's rowPtr[firstRow] must be set; col and val have room for `room` entries.
// Returns nRows, or the first row that does not fit (rowPtr written up to it). `prefetchP`: P's rows
// are prefetched ahead in the second step (for a P beyond the caches: pa_spgemm::beyond_caches).
inline int32_t rap_rows(int32_t firstRow, int32_t nRows, pa_spgemm::Rows r, pa_spgemm::Rows a, pa_spgemm::Rows p,
                        int32_t* fineMarker, double* fineAcc, int32_t* fineList, int32_t* coarseMarker,
                        double* coarseAcc, int32_t* coarseList, int32_t* rowPtr, int32_t* col, double* val,
                        int64_t room, bool prefetchP = false) {
  for (int32_t row = firstRow; row < nRows; row++) {
    int32_t nFine = 0;
    // The fine rows of R's rows are scattered over A and P (an aggregate's neighbourhood spans
    // several grid planes), so their loads miss the caches one after another: prefetching A's
    // row pointers two rows ahead and A's rows one row ahead lets the misses overlap (level 0
    // at n = 100: about 0.85 times the time without).
    if (row + 2 < nRows) {
      for (int32_t e = r.rowPtr[row + 2]; e < r.rowPtr[row + 3]; e++) __builtin_prefetch(a.rowPtr + r.col[e]);
    }
    if (row + 1 < nRows) {
      for (int32_t e = r.rowPtr[row + 1]; e < r.rowPtr[row + 2]; e++) {
        const int32_t i = r.col[e];
        __builtin_prefetch(a.col + a.rowPtr[i]);
        __builtin_prefetch(a.val + a.rowPtr[i]);
      }
    }
    for (int32_t e = r.rowPtr[row]; e < r.rowPtr[row + 1]; e++) {
      const int32_t i = r.col[e];
      const double ri = r.val[e];
      for (int32_t f = a.rowPtr[i]; f < a.rowPtr[i + 1]; f++) {
        const int32_t k = a.col[f];
        if (fineMarker[k] != row) {
          fineMarker[k] = row;
          fineList[nFine++] = k;
          __builtin_prefetch(p.rowPtr + k);  // read by the second step
        }
        fineAcc[k] += ri * a.val[f];
      }
    }
    int32_t nCoarse = 0;
    bool ascending = true;
    int32_t last = -1;
    for (int32_t t = 0; t < nFine; t++) {
      // As galerkin.h's second step: on a P larger than the caches hold, P's rows are prefetched
      // kRowsAhead listed columns ahead (their row pointers were at first sight).
      if (prefetchP && t + pa_spgemm::kRowsAhead < nFine) {
        const int32_t ahead = fineList[t + pa_spgemm::kRowsAhead];
        __builtin_prefetch(p.col + p.rowPtr[ahead]);
        __builtin_prefetch(p.val + p.rowPtr[ahead]);
      }
      const int32_t k = fineList[t];
      const double z = fineAcc[k];
      fineAcc[k] = 0.0;
      for (int32_t f = p.rowPtr[k]; f < p.rowPtr[k + 1]; f++) {
        const int32_t c = p.col[f];
        if (coarseMarker[c] != row) {
          coarseMarker[c] = row;
          coarseList[nCoarse++] = c;
          ascending = ascending && c > last;
          last = c;
        }
        coarseAcc[c] += z * p.val[f];
      }
    }
    const int64_t start = rowPtr[row];
    if (start + nCoarse > room) {
      // The row is redone with more room: its marks are taken back.
      for (int32_t t = 0; t < nFine; t++) fineMarker[fineList[t]] = -1;
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

// Rows firstRow..nCoarse-1 of C = Pᵀ·A·P: rap_rows' loops with R = Pᵀ formed a block of coarse
// rows at a time (transposed-blocks.h), so R is never written whole to memory; the same rows, so
// the same bits as rap_rows on csrTranspose(P). Scratch and outputs as rap_rows' (nFine, nCoarse
// as there); returns nCoarse or the first row that did not fit.
inline int32_t rap_of_p(int32_t firstRow, int32_t nFine, int32_t nCoarse, pa_spgemm::Rows a, pa_spgemm::Rows p,
                        int32_t* fineMarker, double* fineAcc, int32_t* fineList, int32_t* coarseMarker,
                        double* coarseAcc, int32_t* coarseList, int32_t* rowPtr, int32_t* col, double* val,
                        int64_t room) {
  const bool prefetchP = pa_spgemm::beyond_caches(p, nFine);
  return pa_spgemm::by_transposed_blocks(firstRow, nCoarse, nFine, p, [&](int32_t c0, int32_t c1, pa_spgemm::Rows r) {
    return rap_rows(c0, c1, r, a, p, fineMarker, fineAcc, fineList, coarseMarker, coarseAcc, coarseList, rowPtr, col,
                    val, room, prefetchP);
  });
}

// The order of aggregation.ts's passes over a part's own rows (passOrder there, same loops):
// first the rows with a ghost-block entry (gRowPtr, gCol) in a ghost of the lowest-numbered part
// any ghost entry reaches (ghostOwner per ghost), then the rows the own-own block reaches from them
// breadth first, then the rest, each group in local order. On slabs numbered along the slabs this
// is the local order on every part but part 0, which then sweeps away from its interface (its
// irregular leftover aggregates at the physical boundary, as on one part) instead of toward it;
// without ghost entries (one part) it is the local order. mark (nRows) is scratch; writes order
// (nRows).
inline void aggregation_order(int32_t nRows, const int32_t* rowPtr, const int32_t* col, const int32_t* gRowPtr,
                              const int32_t* gCol, const int32_t* ghostOwner, int32_t* mark, int32_t* order) {
  int32_t first = INT32_MAX;
  for (int32_t e = 0; e < gRowPtr[nRows]; e++) first = std::min(first, ghostOwner[gCol[e]]);
  int32_t m = 0;
  for (int32_t i = 0; i < nRows; i++) {
    mark[i] = 0;
    for (int32_t e = gRowPtr[i]; e < gRowPtr[i + 1] && mark[i] == 0; e++) {
      if (ghostOwner[gCol[e]] == first) mark[i] = 1;
    }
    if (mark[i] == 1) order[m++] = i;
  }
  for (int32_t h = 0; h < m; h++) {
    const int32_t i = order[h];
    for (int32_t e = rowPtr[i]; e < rowPtr[i + 1]; e++) {
      if (mark[col[e]] == 1) continue;
      mark[col[e]] = 1;
      order[m++] = col[e];
    }
  }
  for (int32_t i = 0; i < nRows && m < nRows; i++) {
    if (mark[i] == 0) order[m++] = i;
  }
}

// Strength of connection and greedy aggregation of an nRows × nRows block (the loops of
// src/solvers/amg/aggregation.ts, same order, same results): entry (i, j) is strong when j ≠ i,
// a_ij ≠ 0 and |a_ij| ≥ θ·sqrt(|a_ii|)·sqrt(|a_jj|); then, over the rows in aggregation_order,
// (1) a row whose strong neighbours are all free founds an aggregate with them, (2) a free row
// joins the pass-1 aggregate of its strongest aggregated neighbour, (3) the rows still free found
// aggregates with their free strong neighbours; rows without strong connections stay out (−1).
// gRowPtr, gCol: the ghost block's pattern, ghostOwner: each ghost's part. Scratch: root (nRows),
// strong (one byte per entry), joined (nRows), order (nRows). Writes aggregateOf (nRows); returns
// the number of aggregates.
inline int32_t aggregate_rows(int32_t nRows, const int32_t* rowPtr, const int32_t* col, const double* val,
                              const int32_t* gRowPtr, const int32_t* gCol, const int32_t* ghostOwner,
                              const double* diagonal, double theta, double* root, uint8_t* strong, int32_t* joined,
                              int32_t* order, int32_t* aggregateOf) {
  constexpr int32_t kNone = -1;
  constexpr int32_t kIsolated = -2;
  for (int32_t i = 0; i < nRows; i++) root[i] = std::sqrt(std::fabs(diagonal[i]));
  for (int32_t i = 0; i < nRows; i++) {
    const double bound = theta * root[i];
    for (int32_t e = rowPtr[i]; e < rowPtr[i + 1]; e++) {
      const int32_t j = col[e];
      strong[e] = j != i && val[e] != 0.0 && std::fabs(val[e]) >= bound * root[j] ? 1 : 0;
    }
  }
  // joined is free until pass 2: the order's marks.
  aggregation_order(nRows, rowPtr, col, gRowPtr, gCol, ghostOwner, joined, order);
  std::fill(aggregateOf, aggregateOf + nRows, kNone);
  int32_t count = 0;
  for (int32_t k = 0; k < nRows; k++) {
    const int32_t i = order[k];
    if (aggregateOf[i] != kNone) continue;
    int32_t neighbours = 0;
    bool free = true;
    for (int32_t e = rowPtr[i]; e < rowPtr[i + 1]; e++) {
      if (strong[e] == 0) continue;
      neighbours++;
      if (aggregateOf[col[e]] != kNone) free = false;
    }
    if (neighbours == 0) {
      aggregateOf[i] = kIsolated;
      continue;
    }
    if (!free) continue;
    aggregateOf[i] = count;
    for (int32_t e = rowPtr[i]; e < rowPtr[i + 1]; e++) {
      if (strong[e] == 1) aggregateOf[col[e]] = count;
    }
    count++;
  }
  const int32_t firstPass = count;
  for (int32_t i = 0; i < nRows; i++) {
    joined[i] = kNone;
    if (aggregateOf[i] != kNone) continue;
    int32_t best = kNone;
    double bestWeight = -1.0;
    for (int32_t e = rowPtr[i]; e < rowPtr[i + 1]; e++) {
      const int32_t a = aggregateOf[col[e]];
      if (strong[e] == 1 && a >= 0 && a < firstPass && std::fabs(val[e]) > bestWeight) {
        best = a;
        bestWeight = std::fabs(val[e]);
      }
    }
    joined[i] = best;
  }
  for (int32_t i = 0; i < nRows; i++) {
    if (joined[i] != kNone) aggregateOf[i] = joined[i];
  }
  for (int32_t k = 0; k < nRows; k++) {
    const int32_t i = order[k];
    if (aggregateOf[i] != kNone) continue;
    aggregateOf[i] = count;
    for (int32_t e = rowPtr[i]; e < rowPtr[i + 1]; e++) {
      if (strong[e] == 1 && aggregateOf[col[e]] == kNone) aggregateOf[col[e]] = count;
    }
    count++;
  }
  for (int32_t i = 0; i < nRows; i++) {
    if (aggregateOf[i] == kIsolated) aggregateOf[i] = kNone;
  }
  return count;
}

// A level's diagonal data in one pass over its own rows (own block oo: nRows × nRows, ghost block
// og: only its row pointers and values are read): per row i, d = a_ii (the first own entry at or
// past column i, when its column is i; else 0), diagonal[i] = d, inverse[i] = 1/d; Gershgorin's
// bound max_i (Σ_j |a_ij|, own entries then ghost ones, in stored order) · |1/d| into out[0]; the
// own block's bandwidth max_i max(i − first column, last column − i) into out[1]. Returns the first
// row whose d is zero or not finite (the bound is then meaningless), else −1.
inline int32_t level_diagonal(int32_t nRows, pa_spgemm::Rows oo, const int32_t* ogPtr, const double* ogVal,
                              double* diagonal, double* inverse, double* out) {
  int32_t bad = -1;
  double bound = 0.0;
  int32_t bandwidth = 0;
  for (int32_t i = 0; i < nRows; i++) {
    const int32_t start = oo.rowPtr[i];
    const int32_t end = oo.rowPtr[i + 1];
    if (end > start) bandwidth = std::max(bandwidth, std::max(i - oo.col[start], oo.col[end - 1] - i));
    double sum = 0.0;
    double d = 0.0;
    bool found = false;
    for (int32_t e = start; e < end; e++) {
      if (!found && oo.col[e] >= i) {
        found = true;
        if (oo.col[e] == i) d = oo.val[e];
      }
      sum += std::fabs(oo.val[e]);
    }
    for (int32_t e = ogPtr[i]; e < ogPtr[i + 1]; e++) sum += std::fabs(ogVal[e]);
    if (bad < 0 && (d == 0.0 || !std::isfinite(d))) bad = i;
    diagonal[i] = d;
    inverse[i] = 1.0 / d;
    const double scaled = sum * std::fabs(inverse[i]);
    if (scaled > bound) bound = scaled;
  }
  out[0] = bound;
  out[1] = static_cast<double>(bandwidth);
  return bad;
}

// The ghost block of a several-part smoothed prolongator (ghosted-prolongator.ts): row i sums
// a_ig·p0_g over the ghost block's entries in stored order per ghost aggregate ghostColumn[g]
// (−1: none), its columns ascending (each inserted in order when first met), then scales each sum
// by −omega·inverse[i]. marker (nCols, −1 or a row below the first on entry) and acc (nCols,
// zeros) are scratch left so; rowPtr (nRows + 1), col and val (room for og's entries) are written.
// Returns the entries written.
inline int32_t prolongator_ghost_block(int32_t nRows, pa_spgemm::Rows og, const int32_t* ghostColumn,
                                       const double* ghostP0, const double* inverse, double omega, int32_t* marker,
                                       double* acc, int32_t* rowPtr, int32_t* col, double* val) {
  int32_t next = 0;
  rowPtr[0] = 0;
  for (int32_t i = 0; i < nRows; i++) {
    const int32_t start = next;
    for (int32_t e = og.rowPtr[i]; e < og.rowPtr[i + 1]; e++) {
      const int32_t g = og.col[e];
      const int32_t c = ghostColumn[g];
      if (c < 0) continue;
      if (marker[c] != i) {
        marker[c] = i;
        int32_t k = next++;
        while (k > start && col[k - 1] > c) {
          col[k] = col[k - 1];
          k--;
        }
        col[k] = c;
      }
      acc[c] += og.val[e] * ghostP0[g];
    }
    const double scale = -omega * inverse[i];
    for (int32_t k = start; k < next; k++) {
      val[k] = scale * acc[col[k]];
      acc[col[k]] = 0.0;
    }
    rowPtr[i + 1] = next;
  }
  return next;
}

// The ghost block's compaction (distributed-galerkin.ts): marks (`mark[c] = 0`) the columns of
// the block's `nnz` entries.
inline void mark_used_columns(int32_t nnz, const int32_t* col, int32_t* mark) {
  for (int32_t e = 0; e < nnz; e++) mark[col[e]] = 0;
}

// Renumbers an nRows-row block's columns in place through finalOf (col[e] = finalOf[col[e]]) and
// sorts, moving the values along, each row whose new columns do not ascend (insertion sort: short
// rows; a row's columns are distinct, so the order is the ascending one whatever the sort).
inline void renumber_columns(int32_t nRows, const int32_t* rowPtr, int32_t* col, double* val, const int32_t* finalOf) {
  for (int32_t i = 0; i < nRows; i++) {
    bool ascending = true;
    for (int32_t e = rowPtr[i]; e < rowPtr[i + 1]; e++) {
      col[e] = finalOf[col[e]];
      if (e > rowPtr[i] && col[e] < col[e - 1]) ascending = false;
    }
    if (ascending) continue;
    for (int32_t a = rowPtr[i] + 1; a < rowPtr[i + 1]; a++) {
      const int32_t id = col[a];
      const double value = val[a];
      int32_t b = a;
      while (b > rowPtr[i] && col[b - 1] > id) {
        col[b] = col[b - 1];
        val[b] = val[b - 1];
        b--;
      }
      col[b] = id;
      val[b] = value;
    }
  }
}

// The received extra terms of one message placed by own row (distributed-galerkin.ts): per row k
// of the message, its `counts[k]` entries go to row rows[k] from fill[rows[k]] on (advanced), each
// with column columnOf[ranks[e]] and its value, in message order. Returns -1, or the first row
// whose entries would fall outside 0..room-1 (nothing of that row is written).
inline int32_t place_extras(int32_t nRows, const int32_t* rows, const double* counts, const double* ranks, const double* values,
                            const int32_t* columnOf, int32_t* fill, int32_t room, int32_t* extraCol, double* extraValue) {
  int32_t e = 0;
  for (int32_t k = 0; k < nRows; k++) {
    const int32_t count = static_cast<int32_t>(counts[k]);
    int32_t at = fill[rows[k]];
    if (at < 0 || at > room - count) return k;
    for (int32_t t = 0; t < count; t++, e++, at++) {
      extraCol[at] = columnOf[static_cast<int32_t>(ranks[e])];
      extraValue[at] = values[e];
    }
    fill[rows[k]] = at;
  }
  return -1;
}

// The ghost columns of a several-part prolongator (ghosted-prolongator.ts): the distinct
// aggregate ids aggregateGid[g] >= 0 of the ghosts g that some entry of the ghost block reaches
// (col[0..nnz)), ascending, into gids[0..count), each with the first (smallest) reached ghost
// naming it in firstGhost; per ghost g, ghostColumn[g] = the column of aggregateGid[g] (-1: none or
// not among them). `order` (nGhost) is scratch. Returns the count.
inline int32_t ghost_aggregate_columns(int32_t nGhost, const double* aggregateGid, int32_t nnz, const int32_t* col, int32_t* order,
                                       double* gids, int32_t* firstGhost, int32_t* ghostColumn) {
  for (int32_t g = 0; g < nGhost; g++) ghostColumn[g] = -1;
  for (int32_t e = 0; e < nnz; e++) ghostColumn[col[e]] = 0;
  int32_t n = 0;
  for (int32_t g = 0; g < nGhost; g++) {
    if (ghostColumn[g] == 0 && aggregateGid[g] >= 0) order[n++] = g;
  }
  std::sort(order, order + n, [aggregateGid](int32_t a, int32_t b) {
    return aggregateGid[a] < aggregateGid[b] || (aggregateGid[a] == aggregateGid[b] && a < b);
  });
  int32_t count = 0;
  for (int32_t k = 0; k < n; k++) {
    if (count > 0 && gids[count - 1] == aggregateGid[order[k]]) continue;
    gids[count] = aggregateGid[order[k]];
    firstGhost[count++] = order[k];
  }
  for (int32_t g = 0; g < nGhost; g++) {
    const double gid = aggregateGid[g];
    ghostColumn[g] = -1;
    if (!(gid >= 0)) continue;
    const double* at = std::lower_bound(gids, gids + count, gid);
    if (at != gids + count && *at == gid) ghostColumn[g] = static_cast<int32_t>(at - gids);
  }
  return count;
}

// P0's value per aggregate (ghosted-prolongator.ts): weight[a] = 1/sqrt(the number of rows i with
// aggregateOf[i] == a) for a in 0..nAggregates-1 (rows in no aggregate hold -1).
inline void aggregate_weights(int32_t nRows, const int32_t* aggregateOf, int32_t nAggregates, double* weight) {
  for (int32_t a = 0; a < nAggregates; a++) weight[a] = 0.0;
  for (int32_t i = 0; i < nRows; i++) {
    if (aggregateOf[i] >= 0) weight[aggregateOf[i]] += 1.0;
  }
  for (int32_t a = 0; a < nAggregates; a++) weight[a] = 1.0 / std::sqrt(weight[a]);
}

// Per row rows[k]: out[2k] = firstGid + its aggregate (-1: none), out[2k+1] = its weight (0: none).
inline void pack_aggregate_rows(int32_t nRows, const int32_t* rows, const int32_t* aggregateOf, const double* weight, double firstGid,
                                double* out) {
  for (int32_t k = 0; k < nRows; k++) {
    const int32_t a = aggregateOf[rows[k]];
    out[2 * k] = a >= 0 ? firstGid + a : -1.0;
    out[2 * k + 1] = a >= 0 ? weight[a] : 0.0;
  }
}

// The coarse solver's dense matrix (coarse-solver.ts): adds each of the `count` triplets
// (global row rows[k], global column cols[k], value values[k]) into the row-major n x n `lu` at
// the local ids localOf[row], localOf[col]; returns max(largest, the largest |entry| after each
// addition; NaN once an entry is NaN).
inline double scatter_triplets(int32_t n, const int32_t* localOf, int32_t count, const double* rows, const double* cols,
                               const double* values, double* lu, double largest) {
  for (int32_t k = 0; k < count; k++) {
    const int64_t at = static_cast<int64_t>(localOf[static_cast<int64_t>(rows[k])]) * n + localOf[static_cast<int64_t>(cols[k])];
    lu[at] += values[k];
    const double a = std::fabs(lu[at]);
    // As JavaScript's Math.max: NaN once any is NaN.
    largest = std::isnan(largest) || std::isnan(a) ? a + largest : std::max(largest, a);
  }
  return largest;
}

// Per row i of the row-major n x n `lu`, its last column holding a nonzero (-1: none).
inline void last_nonzeros(int32_t n, const double* lu, int32_t* last) {
  for (int32_t i = 0; i < n; i++) {
    last[i] = -1;
    for (int32_t j = n - 1; j >= 0; j--) {
      if (lu[static_cast<int64_t>(i) * n + j] != 0.0) {
        last[i] = j;
        break;
      }
    }
  }
}

// A received message of pairs placed by ghost (ghosted-prolongator.ts): for k < nItems, ghost
// g = lids[k] - offset gets first[g] = message[2k] and second[g] = message[2k+1].
inline void place_pairs(int32_t nItems, const int32_t* lids, int32_t offset, const double* message, double* first, double* second) {
  for (int32_t k = 0; k < nItems; k++) {
    const int32_t g = lids[k] - offset;
    first[g] = message[2 * k];
    second[g] = message[2 * k + 1];
  }
}

}  // namespace pa_amg_setup
