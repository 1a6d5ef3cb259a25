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

#include <cstdint>

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

// Phase 1: the own block (column ids index u = own values), rows finished unless ghostPtr says
// they have ghost entries (then partial[i] holds the own-block sum).
template <int32_t M>
inline void own_pass(int32_t nRows, const int32_t* rowPtr, const int32_t* col, const double* val, const double* u,
                     const int32_t* ghostPtr, double* partial, const Vectors& v) {
  for (int32_t i = 0; i < nRows; i++) {
    double w = 0.0;
    for (int32_t e = rowPtr[i]; e < rowPtr[i + 1]; e++) w += val[e] * u[col[e]];
    if (ghostPtr[i + 1] > ghostPtr[i]) {
      partial[i] = w;
    } else {
      finish_row<M>(v, i, w);
    }
  }
}

// Phase 2: the ghost block (column ids index u = ghost values), its rows with entries finished.
template <int32_t M>
inline void ghost_pass(int32_t nRows, const int32_t* rowPtr, const int32_t* col, const double* val, const double* u,
                       const double* partial, const Vectors& v) {
  for (int32_t i = 0; i < nRows; i++) {
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

}  // namespace pa_amg
