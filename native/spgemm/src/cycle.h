// The V-cycle's row passes: a sparse product w = (M u)_i fused with the vector work that uses it,
// so that each smoothing step, residual and prolongation is one pass over the matrix and the
// vectors instead of an SpMV and then one or two vector loops.
// The TypeScript twins are in src/solvers/amg/cycle-kernels.ts: same loops in the same order, so
// the same bits (built with -ffp-contract=off: a*b+c is never fused).
//
// A distributed matrix has an own block (columns: the own values of u) and a ghost block (columns:
// u's ghost values, known once the ghost update is over). Phase 1 runs the own block while the
// update is in flight: a row without ghost entries is finished at once, the others keep their
// partial sum in `partial`; phase 2 adds the ghost entries of those rows and finishes them. Either
// way row i's sum adds its own-block terms, then its ghost-block terms, in stored order.
#pragma once

#include <algorithm>
#include <cstdint>

#include "../../common/prefetch.h"

namespace pa_amg {

// What finishing row i with w = (M u)_i does (vectors indexed by own row):
enum Mode : int32_t {
  // v0 = b - w (v1 = b): the residual.
  kResidual = 0,
  // v0 += w: the prolongated correction added to the iterate.
  kAdd = 1,
  // Chebyshev's first step from a nonzero guess: r = D^-1 (b - w), d = r / theta
  // (v0 = r, v1 = d, v2 = b, v3 = D^-1, alpha = theta; x += d is left to the next step).
  kChebyshevFirst = 2,
  // A later Chebyshev step with w = A d: r -= D^-1 w, d' = alpha d + beta r, x += d'
  // (v0 = r, v1 = d', v2 = x, v3 = D^-1, v4 = d's own values).
  kChebyshevStep = 3,
  // As kChebyshevStep, adding the previous direction to x first (x += d, then x += d'): the step
  // that follows kChebyshevFirst.
  kChebyshevStepAddPrevious = 4,
  // Not row passes, stages of the pipelined pass only (cyclePipeline): Chebyshev's start from a
  // zero guess (chebyshev_start) ...
  kPipelineStart = 6,
  // ... and the restriction Pᵀr as a scatter over P's rows: v0[c] += p_ic·v1[i] for the entries of
  // row i, rows in order (v0: the coarse right-hand side, zero before the pass; v1 = r). Each
  // v0[c] adds its terms in the order of i, as the row of R = Pᵀ would: the same bits.
  kPipelineRestrict = 7,
};

struct Vectors {
  double* v0;
  double* v1;
  double* v2;
  const double* v3;
  const double* v4;
  double alpha;
  double beta;
};

template <int32_t M>
inline void finish_row(const Vectors& v, int32_t i, double w) {
  if constexpr (M == kResidual) {
    v.v0[i] = v.v1[i] - w;
  } else if constexpr (M == kAdd) {
    v.v0[i] += w;
  } else if constexpr (M == kChebyshevFirst) {
    const double r = v.v3[i] * (v.v2[i] - w);
    v.v0[i] = r;
    v.v1[i] = r / v.alpha;
  } else {
    const double d = v.v4[i];
    if constexpr (M == kChebyshevStepAddPrevious) v.v2[i] += d;
    const double r = v.v0[i] - v.v3[i] * w;
    v.v0[i] = r;
    const double next = v.alpha * d + v.beta * r;
    v.v1[i] = next;
    v.v2[i] += next;
  }
}

// Row i's sum of val[e]·u[col[e]], in stored order (unrolled by four: the same additions in the
// same order, with a quarter of the loop's bookkeeping).
inline double row_sum(int32_t begin, int32_t end, const int32_t* __restrict__ col, const double* __restrict__ val,
                      const double* __restrict__ u) {
  double w = 0.0;
  int32_t e = begin;
  for (; e + 4 <= end; e += 4) {
    w += val[e] * u[col[e]];
    w += val[e + 1] * u[col[e + 1]];
    w += val[e + 2] * u[col[e + 2]];
    w += val[e + 3] * u[col[e + 3]];
  }
  for (; e < end; e++) w += val[e] * u[col[e]];
  return w;
}

// How many entries ahead of a group of four rows for_row_sums prefetches the matrix's values (8
// KiB) and column ids (4 KiB), four and two cache lines per group (about what a group of 7-point
// rows reads). A pipelined sweep streams the matrix beside five to eight vectors, more streams than
// the hardware prefetcher keeps ahead of on this VM (AMD EPYC, cpu family 26): amg-cycle-profile
// at n = 128, old and new addon alternating, the finest level's two sweeps took 25.0-30.8 ms
// against 34.1-37.6 (one part, 3 rounds; 512 and 2048 entries ahead about the same as 1024), and
// the V-cycle 53-59 against 61-65 ms on two MPI ranks (4 rounds). The prefetch changes no
// arithmetic: the same bits.
constexpr int32_t kEntriesAhead = 1024;

// The sums of rows from..to-1, each handed to finish(i, w) in the order of i. With `grouped`,
// four consecutive rows of the same length (most rows of a stencil's matrix) are summed side by
// side: four chains of additions, each in stored order (the same bits as row_sum), which the
// processor overlaps instead of waiting on one row's chain (n = 128, one part, interleaved in one
// process: the finest level's pipelined passes took 5-11 % less CPU time, the second level's
// 1-7 %). A group's rows are finished after its four sums, so `grouped` needs u to share no
// memory with what finish writes (the addon checks it; JavaScript finishes each row at once).
template <typename Finish>
inline void for_row_sums(int32_t from, int32_t to, const int32_t* rowPtr, const int32_t* col, const double* val,
                         const double* u, bool grouped, Finish finish) {
  int32_t i = from;
  for (; grouped && i + 4 <= to; i += 4) {
    const int32_t b0 = rowPtr[i], b1 = rowPtr[i + 1], b2 = rowPtr[i + 2], b3 = rowPtr[i + 3], end = rowPtr[i + 4];
    pa_native::prefetch_lines(val + b0, kEntriesAhead * sizeof(double), 4);
    pa_native::prefetch_lines(col + b0, kEntriesAhead * sizeof(int32_t), 2);
    const int32_t length = b1 - b0;
    if (b2 - b1 != length || b3 - b2 != length || end - b3 != length) {
      finish(i, row_sum(b0, b1, col, val, u));
      finish(i + 1, row_sum(b1, b2, col, val, u));
      finish(i + 2, row_sum(b2, b3, col, val, u));
      finish(i + 3, row_sum(b3, end, col, val, u));
      continue;
    }
    double w0 = 0.0, w1 = 0.0, w2 = 0.0, w3 = 0.0;
    for (int32_t k = 0; k < length; k++) {
      w0 += val[b0 + k] * u[col[b0 + k]];
      w1 += val[b1 + k] * u[col[b1 + k]];
      w2 += val[b2 + k] * u[col[b2 + k]];
      w3 += val[b3 + k] * u[col[b3 + k]];
    }
    finish(i, w0);
    finish(i + 1, w1);
    finish(i + 2, w2);
    finish(i + 3, w3);
  }
  for (; i < to; i++) finish(i, row_sum(rowPtr[i], rowPtr[i + 1], col, val, u));
}

// Phase 1: the own block (column ids index u = own values), rows finished unless ghostPtr says
// they have ghost entries (then partial[i] holds the own-block sum).
// `grouped`: see for_row_sums (u shares no memory with partial, v0, v1 or v2).
// Rows from..to-1 only (a pass split around a pipelined sweep runs its edge rows so).
template <int32_t M>
inline void own_pass(int32_t from, int32_t to, const int32_t* rowPtr, const int32_t* col, const double* val,
                     const double* u, const int32_t* ghostPtr, double* partial, const Vectors& vectors, bool grouped) {
  const Vectors v = vectors;  // a local copy: stores through its pointers cannot alias it
  for_row_sums(from, to, rowPtr, col, val, u, grouped, [&](int32_t i, double w) {
    if (ghostPtr[i + 1] > ghostPtr[i]) {
      partial[i] = w;
    } else {
      finish_row<M>(v, i, w);
    }
  });
}

// Phase 2: the ghost block (column ids index u = ghost values), its rows from..to-1 with entries
// finished.
template <int32_t M>
inline void ghost_pass(int32_t from, int32_t to, const int32_t* rowPtr, const int32_t* col, const double* val,
                       const double* u, const double* partial, const Vectors& v) {
  for (int32_t i = from; i < to; i++) {
    if (rowPtr[i + 1] == rowPtr[i]) continue;
    double w = partial[i];
    for (int32_t e = rowPtr[i]; e < rowPtr[i + 1]; e++) w += val[e] * u[col[e]];
    finish_row<M>(v, i, w);
  }
}

// Chebyshev's first step from a zero guess, which needs no product: r = D^-1 b, d = r / theta,
// x = d (n values each).
inline void chebyshev_start(int32_t n, const double* b, const double* inverse, double theta, double* r, double* d,
                            double* x) {
  for (int32_t i = 0; i < n; i++) {
    const double ri = inverse[i] * b[i];
    r[i] = ri;
    const double di = ri / theta;
    d[i] = di;
    x[i] = di;
  }
}

// A stage of a pipelined pass (cycle_pipeline): Chebyshev's start from a zero guess (matrix -1:
// v0 = r, v1 = d, v2 = x, v3 = D^-1, v4 = b, alpha = theta), a row pass of `mode` over the
// level's matrix A (matrix 0) or its prolongator P (matrix 1: kAdd) with input u, or the
// restriction's scatter over P (kPipelineRestrict).
// `grouped`: the stage's row sums may be taken four rows at a time (for_row_sums).
struct Stage {
  int32_t mode;
  int32_t matrix;
  const double* u;
  Vectors v;
  bool grouped;
};

template <int32_t M>
inline void stage_rows(int32_t from, int32_t to, const int32_t* rowPtr, const int32_t* col, const double* val,
                       const Stage& s) {
  // Locals: a store through the vectors' pointers could otherwise alias the stage's fields.
  const Vectors v = s.v;
  for_row_sums(from, to, rowPtr, col, val, s.u, s.grouped, [&](int32_t i, double w) { finish_row<M>(v, i, w); });
}

inline void run_stage(int32_t from, int32_t to, const Stage& s, const int32_t* const* rowPtr,
                      const int32_t* const* col, const double* const* val) {
  if (s.matrix < 0) {
    const Vectors& v = s.v;
    chebyshev_start(to - from, v.v4 + from, v.v3 + from, v.alpha, v.v0 + from, v.v1 + from, v.v2 + from);
    return;
  }
  const int32_t m = s.matrix;
  if (s.mode == kPipelineRestrict) {
    const int32_t* ptr = rowPtr[m];
    const int32_t* c = col[m];
    const double* v = val[m];
    double* coarse = s.v.v0;
    const double* r = s.v.v1;
    for (int32_t i = from; i < to; i++) {
      const double ri = r[i];
      for (int32_t e = ptr[i]; e < ptr[i + 1]; e++) coarse[c[e]] += v[e] * ri;
    }
    return;
  }
  switch (s.mode) {
    case kResidual:
      return stage_rows<kResidual>(from, to, rowPtr[m], col[m], val[m], s);
    case kAdd:
      return stage_rows<kAdd>(from, to, rowPtr[m], col[m], val[m], s);
    case kChebyshevFirst:
      return stage_rows<kChebyshevFirst>(from, to, rowPtr[m], col[m], val[m], s);
    case kChebyshevStep:
      return stage_rows<kChebyshevStep>(from, to, rowPtr[m], col[m], val[m], s);
    default:
      return stage_rows<kChebyshevStepAddPrevious>(from, to, rowPtr[m], col[m], val[m], s);
  }
}

// Rows a pipelined pass advances its first stage by at a time (fewer, shorter runs of each stage
// measured slower: every switch of stage starts the hardware prefetcher's streams afresh).
constexpr int32_t kPipelineChunk = 4096;

// The stages, each a pass over all nRows rows that may read what the stages before it wrote, run
// as one sweep: stage s finishes row i once stage s-1 has finished every row up to i + bandwidth
// (bandwidth: the largest |column - row| of A's entries), so every value a stage reads is final,
// and no stage writes a row an earlier stage may still read (that stage is past every row whose
// columns reach it). Each row is computed as by the passes one after another, so the same bits;
// but A's rows and the vectors are read from memory once for all the stages, the later stages
// finding them in the caches (about bandwidth rows behind).
// Stage s runs rows first[s]..last[s]-1 (all rows when first is null): on a matrix with ghost
// entries, the rows that need no ghost value, each range at least bandwidth rows inside the one
// before (so every value read is final), the rest of each pass being run after the sweep.
inline void cycle_pipeline(int32_t nRows, int32_t bandwidth, const int32_t* const* rowPtr, const int32_t* const* col,
                           const double* const* val, const Stage* stages, int32_t nStages,
                           const int32_t* first = nullptr, const int32_t* last = nullptr) {
  int32_t done[16];
  int32_t end[16];
  for (int32_t s = 0; s < nStages; s++) {
    done[s] = first == nullptr ? 0 : first[s];
    end[s] = first == nullptr ? nRows : last[s];
  }
  // Until every stage is over (a later stage's range may be empty while an earlier one's is not).
  for (bool over = false; !over;) {
    over = true;
    for (int32_t s = 0; s < nStages; s++) {
      int32_t target;
      if (s == 0) {
        target = end[0] - done[0] < kPipelineChunk ? end[0] : done[0] + kPipelineChunk;
      } else if (done[s - 1] == end[s - 1]) {
        target = end[s];
      } else {
        target = std::min(done[s - 1] - bandwidth, end[s]);
        if (target <= done[s]) {
          over = false;
          continue;
        }
      }
      run_stage(done[s], target, stages[s], rowPtr, col, val);
      done[s] = target;
      over = over && done[s] == end[s];
    }
  }
}

}  // namespace pa_amg
