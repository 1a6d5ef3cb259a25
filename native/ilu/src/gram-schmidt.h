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

// out[i] = sum_k basis[i*stride + k] * w[k], four interleaved partial sums (k mod 4). One basis
// vector at a time: w stays in cache while each vector streams once.
inline void BasisDots(std::size_t n, std::size_t count, const double* basis, std::size_t stride, const double* w,
                      double* out) {
  for (std::size_t i = 0; i < count; i++) {
    const double* v = basis + i * stride;
    double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
    std::size_t k = 0;
    for (; k + 3 < n; k += 4) {
      s0 += v[k] * w[k];
      s1 += v[k + 1] * w[k + 1];
      s2 += v[k + 2] * w[k + 2];
      s3 += v[k + 3] * w[k + 3];
    }
    if (k < n) s0 += v[k] * w[k];
    if (k + 1 < n) s1 += v[k + 1] * w[k + 1];
    if (k + 2 < n) s2 += v[k + 2] * w[k + 2];
    out[i] = s0 + s1 + (s2 + s3);
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
