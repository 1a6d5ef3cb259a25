// The hot loops of partitioned-arrays on raw arrays, free of Node-API so they can be read (and
// timed) on their own. Their JavaScript twins are in src/kernels/js-kernels.ts, statement for
// statement: every sum starts at 0 (at y[i] for the adding SpMVs, at init for the fused dots), runs left to right with one
// accumulator, and every element is read and written in the same order, so both give the same
// bits, also when arrays overlap. That is why nothing here is `restrict`, and why the build uses
// -ffp-contract=off and no -ffast-math (no FMA contraction, no reassociation, no flush to zero).
#ifndef PA_KERNELS_KERNELS_H_
#define PA_KERNELS_KERNELS_H_

#include <cstddef>
#include <cstdint>

namespace pa_kernels {

// The CSR block of a sparse matrix: row i holds entries rowPtr[i] .. rowPtr[i+1]-1. Passed by
// value: members of a local copy cannot alias y, so they stay in registers across y's stores.
struct Csr {
  std::int32_t nRows;
  const std::int32_t* rowPtr;
  const std::int32_t* colIdx;
  const double* values;
};

// How far ahead the compact SpMV (SpmvDotCompact, the form for blocks beyond the caches)
// prefetches the matrix: 2 KiB. Prefetching changes no arithmetic, so the bits stay those of
// the JavaScript twins. The CSR SpMVs do not prefetch: their former per-row prefetch had been
// compiled away by GCC 12 (a `const Csr&` helper with an early return), and once it was emitted
// it made spmvDot on the n = 30 Poisson matrix (27 000 rows, in cache) 119-120 -> 140 us per
// call, with no gain beyond the noise at n = 100 (min 5.3-5.9 ms either way, load 2.4-3.0).
constexpr std::int32_t kPrefetchBytes = 2048;

// Row i's products added to s, in stored order.
inline double RowSum(const Csr a, std::int32_t i, const double* x, double s) {
  const std::int32_t end = a.rowPtr[i + 1];
  for (std::int32_t k = a.rowPtr[i]; k < end; k++) s += a.values[k] * x[a.colIdx[k]];
  return s;
}

// The CSR passes below: y[i] = (kAdd ? y[i] : 0) + sum_k values[k] * x[colIdx[k]] over row i's
// entries, and with kDot the return value init + sum_i w[i] * y[i] of the new y, accumulated row
// by row. With `grouped`, four consecutive rows of the same length are summed side by side (four
// independent chains, each in stored order, each row's dot term added in row order after its
// store): the same operations in the same order per row, so the same bits. On the n = 30 Poisson
// blocks, in cache (AMD EPYC VM, addon called from node, both builds alternating in one process):
// spmvDot 119.9 -> 113.9 us median per call on one part, 58.9 -> 56.5 us on a 2-part block; no
// loss on the n = 100 2-part block (3.84 -> 3.76 ms). Only for y sharing no memory with the
// inputs: a group reads its four rows' inputs before any of its stores, which an overlapping y
// would change.
template <bool kAdd, bool kDot>
inline double CsrRows(const Csr a, const double* x, double* y, const double* w, double init, bool grouped) {
  double d = init;
  std::int32_t i = 0;
  if (grouped) {
    while (i + 4 <= a.nRows) {
      const std::int32_t k0 = a.rowPtr[i];
      const std::int32_t len = a.rowPtr[i + 1] - k0;
      if (a.rowPtr[i + 2] - a.rowPtr[i + 1] != len || a.rowPtr[i + 3] - a.rowPtr[i + 2] != len ||
          a.rowPtr[i + 4] - a.rowPtr[i + 3] != len) {
        const double s = RowSum(a, i, x, kAdd ? y[i] : 0.0);
        y[i] = s;
        if (kDot) d += w[i] * s;
        i++;
        continue;
      }
      const double* v = a.values + k0;
      const std::int32_t* c = a.colIdx + k0;
      double s0 = kAdd ? y[i] : 0.0;
      double s1 = kAdd ? y[i + 1] : 0.0;
      double s2 = kAdd ? y[i + 2] : 0.0;
      double s3 = kAdd ? y[i + 3] : 0.0;
      for (std::int32_t j = 0; j < len; j++) {
        s0 += v[j] * x[c[j]];
        s1 += v[j + len] * x[c[j + len]];
        s2 += v[j + 2 * len] * x[c[j + 2 * len]];
        s3 += v[j + 3 * len] * x[c[j + 3 * len]];
      }
      y[i] = s0;
      if (kDot) d += w[i] * s0;
      y[i + 1] = s1;
      if (kDot) d += w[i + 1] * s1;
      y[i + 2] = s2;
      if (kDot) d += w[i + 2] * s2;
      y[i + 3] = s3;
      if (kDot) d += w[i + 3] * s3;
      i += 4;
    }
  }
  for (; i < a.nRows; i++) {
    const double s = RowSum(a, i, x, kAdd ? y[i] : 0.0);
    y[i] = s;
    if (kDot) d += w[i] * s;
  }
  return d;
}

// y[i] = sum_k values[k] * x[colIdx[k]] over the entries of row i.
inline void Spmv(const Csr a, const double* x, double* y, bool grouped) {
  CsrRows<false, false>(a, x, y, nullptr, 0.0, grouped);
}

// y[i] += sum_k values[k] * x[colIdx[k]], the row's sum starting from y[i].
inline void SpmvAdd(const Csr a, const double* x, double* y, bool grouped) {
  CsrRows<true, false>(a, x, y, nullptr, 0.0, grouped);
}

// Spmv, and returns init + sum_i w[i] * y[i] of the new y, accumulated row by row in the same
// pass (init lets a sum over several row ranges continue with one accumulator).
inline double SpmvDot(const Csr a, const double* x, double* y, const double* w, double init, bool grouped) {
  return CsrRows<false, true>(a, x, y, w, init, grouped);
}

// SpmvAdd, and returns init + sum_i w[i] * y[i] of the new y, accumulated as in SpmvDot.
inline double SpmvAddDot(const Csr a, const double* x, double* y, const double* w, double init, bool grouped) {
  return CsrRows<true, true>(a, x, y, w, init, grouped);
}

// A CSR block stored with 2-byte column offsets and 1-byte row lengths (CompactCsr in
// src/kernels/compact-csr.ts): row i holds lengths[i] entries, entry k at column i + offsets[k]
// with value values[k], the entries of consecutive rows consecutive. Entries [entryBegin,
// entryEnd) are those of rows [rowBegin, rowEnd).
struct CompactRows {
  std::int32_t rowBegin;
  std::int32_t rowEnd;
  std::int32_t entryBegin;
  std::int32_t entryEnd;
  const std::uint8_t* lengths;
  const std::int16_t* offsets;
  const double* values;
};

// SpmvDot on rows [rowBegin, rowEnd) of a compact block (x, y and w indexed by row, not from
// rowBegin): the same products in the same order as on the CSR block, so the same bits, while
// the matrix stream is 10 bytes per entry instead of 12 and 1 per row instead of 4.
inline double SpmvDotCompact(const CompactRows a, const double* x, double* y, const double* w, double init) {
  double d = init;
  std::int32_t k = a.entryBegin;
  const std::int32_t last = a.entryEnd - 1;
  constexpr std::int32_t kValues = kPrefetchBytes / sizeof(double);
  constexpr std::int32_t kOffsets = kPrefetchBytes / sizeof(std::int16_t);
  for (std::int32_t i = a.rowBegin; i < a.rowEnd; i++) {
    double s = 0.0;
    const std::int32_t end = k + a.lengths[i];
    if (last >= 0) {
      __builtin_prefetch(a.values + (k < last - kValues ? k + kValues : last), 0, 0);
      __builtin_prefetch(a.offsets + (k < last - kOffsets ? k + kOffsets : last), 0, 0);
    }
    const double* xi = x + i;
    for (; k < end; k++) s += a.values[k] * xi[a.offsets[k]];
    y[i] = s;
    d += w[i] * s;
  }
  return d;
}

inline double Dot(std::size_t n, const double* x, const double* y) {
  double s = 0.0;
  for (std::size_t i = 0; i < n; i++) s += x[i] * y[i];
  return s;
}

inline double Sum(std::size_t n, const double* x) {
  double s = 0.0;
  for (std::size_t i = 0; i < n; i++) s += x[i];
  return s;
}

// y = alpha x + y
inline void Axpy(std::size_t n, double alpha, const double* x, double* y) {
  for (std::size_t i = 0; i < n; i++) y[i] += alpha * x[i];
}

// y = alpha x + beta y
inline void Axpby(std::size_t n, double alpha, const double* x, double beta, double* y) {
  for (std::size_t i = 0; i < n; i++) y[i] = alpha * x[i] + beta * y[i];
}

// x = alpha x
inline void Scale(std::size_t n, double alpha, double* x) {
  for (std::size_t i = 0; i < n; i++) x[i] *= alpha;
}

// The CG update without preconditioner: x += alpha p; r -= alpha q; returns r.r.
inline double CgUpdate(std::size_t n, double alpha, const double* p, const double* q, double* x,
                       double* r) {
  double rr = 0.0;
  for (std::size_t i = 0; i < n; i++) {
    x[i] += alpha * p[i];
    const double ri = r[i] - alpha * q[i];
    r[i] = ri;
    rr += ri * ri;
  }
  return rr;
}

// CG's direction update with the Jacobi preconditioner, z = dinv o r recomputed on the fly (the
// residual pass does not store it): p = z + beta p, with the bits of Axpby(n, 1, z, beta, p).
inline void CgDirectionJacobi(std::size_t n, double beta, const double* r, const double* dinv, double* p) {
  for (std::size_t i = 0; i < n; i++) p[i] = dinv[i] * r[i] + beta * p[i];
}

// The CG residual update with the Jacobi preconditioner, x left for CgStepJacobi: r -= alpha q;
// with z = dinv o r (not stored), out[0] = r.z, out[1] = r.r.
inline void CgResidualJacobi(std::size_t n, double alpha, const double* q, double* r, const double* dinv,
                             double* out) {
  double rz = 0.0;
  double rr = 0.0;
  for (std::size_t i = 0; i < n; i++) {
    const double ri = r[i] - alpha * q[i];
    r[i] = ri;
    const double zi = dinv[i] * ri;
    rz += ri * zi;
    rr += ri * ri;
  }
  out[0] = rz;
  out[1] = rr;
}

// CG's solution and direction updates in one pass, with the Jacobi preconditioner: x += alpha p
// with the old p (the bits of Axpy), then p = dinv o r + beta p (the bits of CgDirectionJacobi).
inline void CgStepJacobi(std::size_t n, double alpha, double beta, const double* r, const double* dinv,
                         double* p, double* x) {
  for (std::size_t i = 0; i < n; i++) {
    const double pi = p[i];
    x[i] += alpha * pi;
    p[i] = dinv[i] * r[i] + beta * pi;
  }
}

}  // namespace pa_kernels

#endif  // PA_KERNELS_KERNELS_H_
