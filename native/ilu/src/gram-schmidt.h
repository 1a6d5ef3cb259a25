// The Gram-Schmidt loops of src/solvers/krylov-kernels.ts (jsGramSchmidt); the update is blocked
// for the cache, with the same operations in the same order per element and per partial sum, so
// both give the same bits (built with -ffp-contract=off).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>

namespace pa_ilu {

constexpr std::size_t kBlock = 8192;  // elements of w (64 KiB) kept in cache while the basis streams past
constexpr std::size_t kMaxCount = 1024;

// out[i] = sum_k basis[i*stride + k] * w[k], four interleaved partial sums (k mod 4) per basis
// vector. Two basis vectors per sweep: w is read once for both (it may not fit in cache), and
// the eight independent sums keep the adder busy; each vector's sums are those of the JavaScript
// loop, in the same order.
inline void DotPair(std::size_t n, const double* u, const double* v, const double* w, double* outU, double* outV) {
  double a0 = 0.0, a1 = 0.0, a2 = 0.0, a3 = 0.0, b0 = 0.0, b1 = 0.0, b2 = 0.0, b3 = 0.0;
  std::size_t k = 0;
  for (; k + 3 < n; k += 4) {
    a0 += u[k] * w[k];
    b0 += v[k] * w[k];
    a1 += u[k + 1] * w[k + 1];
    b1 += v[k + 1] * w[k + 1];
    a2 += u[k + 2] * w[k + 2];
    b2 += v[k + 2] * w[k + 2];
    a3 += u[k + 3] * w[k + 3];
    b3 += v[k + 3] * w[k + 3];
  }
  if (k < n) { a0 += u[k] * w[k]; b0 += v[k] * w[k]; }
  if (k + 1 < n) { a1 += u[k + 1] * w[k + 1]; b1 += v[k + 1] * w[k + 1]; }
  if (k + 2 < n) { a2 += u[k + 2] * w[k + 2]; b2 += v[k + 2] * w[k + 2]; }
  *outU = a0 + a1 + (a2 + a3);
  *outV = b0 + b1 + (b2 + b3);
}

inline void BasisDots(std::size_t n, std::size_t count, const double* basis, std::size_t stride, const double* w,
                      double* out) {
  std::size_t i = 0;
  for (; i + 1 < count; i += 2) DotPair(n, basis + i * stride, basis + (i + 1) * stride, w, out + i, out + i + 1);
  if (i < count) {
    double unused = 0.0;
    DotPair(n, basis + i * stride, basis + i * stride, w, out + i, &unused);
  }
}

// w[k] += sum_i coefficients[i] * basis[i*stride + k] (i ascending); returns the new w.w.
inline double BasisUpdate(std::size_t n, std::size_t count, const double* basis, std::size_t stride,
                          const double* coefficients, double* w) {
  double sums[4] = {0.0, 0.0, 0.0, 0.0};
  for (std::size_t k0 = 0; k0 < n; k0 += kBlock) {
    const std::size_t k1 = std::min(n, k0 + kBlock);
    // Term by term over the block: each w[k] receives its terms in the order i = 0, 1, ...
    for (std::size_t i = 0; i < count; i++) {
      const double c = coefficients[i];
      const double* v = basis + i * stride;
      for (std::size_t k = k0; k < k1; k++) w[k] += c * v[k];
    }
    for (std::size_t k = k0; k < k1; k++) sums[k & 3] += w[k] * w[k];
  }
  return sums[0] + sums[1] + (sums[2] + sums[3]);
}

}  // namespace pa_ilu
