// The Gram-Schmidt loops of src/solvers/krylov-kernels.ts (jsGramSchmidt); the loops are blocked
// for the cache and for instruction-level parallelism, with the same operations in the same order
// per element and per partial sum, so both give the same bits (built with -ffp-contract=off).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>

// The kernels are compiled twice, for x86-64 and for AVX2 (chosen at load time by the CPU): the
// same operations on four doubles at a time instead of two, so the same bits.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define PA_ILU_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define PA_ILU_CLONES
#endif

namespace pa_ilu {

constexpr std::size_t kBlock = 8192;  // elements of w (64 KiB) kept in cache while the basis streams past
constexpr std::size_t kMaxCount = 1024;

// s[4*t + (k mod 4)] += v_t[k] * w[k] for the 4 vectors v_t and k in [k0, k1), k0 a multiple of
// 4 and k1 - k0 too. Four vectors at once: sixteen independent sums keep the adder busy (one
// vector's four sums wait on the adder's latency), and w is read once for the four.
inline void Dot4(const double* v0, const double* v1, const double* v2, const double* v3, const double* w,
                 std::size_t k0, std::size_t k1, double* s) {
  double a0 = s[0], a1 = s[1], a2 = s[2], a3 = s[3];
  double b0 = s[4], b1 = s[5], b2 = s[6], b3 = s[7];
  double c0 = s[8], c1 = s[9], c2 = s[10], c3 = s[11];
  double d0 = s[12], d1 = s[13], d2 = s[14], d3 = s[15];
  for (std::size_t k = k0; k < k1; k += 4) {
    const double w0 = w[k], w1 = w[k + 1], w2 = w[k + 2], w3 = w[k + 3];
    a0 += v0[k] * w0; a1 += v0[k + 1] * w1; a2 += v0[k + 2] * w2; a3 += v0[k + 3] * w3;
    b0 += v1[k] * w0; b1 += v1[k + 1] * w1; b2 += v1[k + 2] * w2; b3 += v1[k + 3] * w3;
    c0 += v2[k] * w0; c1 += v2[k + 1] * w1; c2 += v2[k + 2] * w2; c3 += v2[k + 3] * w3;
    d0 += v3[k] * w0; d1 += v3[k + 1] * w1; d2 += v3[k + 2] * w2; d3 += v3[k + 3] * w3;
  }
  s[0] = a0; s[1] = a1; s[2] = a2; s[3] = a3;
  s[4] = b0; s[5] = b1; s[6] = b2; s[7] = b3;
  s[8] = c0; s[9] = c1; s[10] = c2; s[11] = c3;
  s[12] = d0; s[13] = d1; s[14] = d2; s[15] = d3;
}

// Dot4 for one vector (the 1..3 vectors left over from groups of four).
inline void Dot1(const double* v, const double* w, std::size_t k0, std::size_t k1, double* s) {
  double a0 = s[0], a1 = s[1], a2 = s[2], a3 = s[3];
  for (std::size_t k = k0; k < k1; k += 4) {
    a0 += v[k] * w[k]; a1 += v[k + 1] * w[k + 1]; a2 += v[k + 2] * w[k + 2]; a3 += v[k + 3] * w[k + 3];
  }
  s[0] = a0; s[1] = a1; s[2] = a2; s[3] = a3;
}

// The partial sums s[4*i ..] of basis_i . w over k in [k0, k1) (k0 a multiple of 4; the 0..3
// elements past the last multiple of 4 go to the sums of their k mod 4, in order).
inline void AddDots(std::size_t count, const double* basis, std::size_t stride, const double* w, std::size_t k0,
                    std::size_t k1, double* s) {
  const std::size_t kEnd = k0 + ((k1 - k0) & ~static_cast<std::size_t>(3));
  std::size_t i = 0;
  for (; i + 3 < count; i += 4) {
    const double* v = basis + i * stride;
    Dot4(v, v + stride, v + 2 * stride, v + 3 * stride, w, k0, kEnd, s + 4 * i);
  }
  for (; i < count; i++) Dot1(basis + i * stride, w, k0, kEnd, s + 4 * i);
  for (std::size_t k = kEnd; k < k1; k++) {
    for (std::size_t t = 0; t < count; t++) s[4 * t + (k & 3)] += basis[t * stride + k] * w[k];
  }
}

// w[k] += sum_i c[i] * basis_i[k] for k in [k0, k1), each w[k] receiving its terms in the order
// i = 0, 1, ...; four vectors per pass over the block, so w[k] is loaded and stored once per four.
inline void AddCombination(std::size_t count, const double* basis, std::size_t stride, const double* c, double* w,
                           std::size_t k0, std::size_t k1) {
  std::size_t i = 0;
  for (; i + 3 < count; i += 4) {
    const double* v0 = basis + i * stride;
    const double* v1 = v0 + stride;
    const double* v2 = v1 + stride;
    const double* v3 = v2 + stride;
    const double c0 = c[i], c1 = c[i + 1], c2 = c[i + 2], c3 = c[i + 3];
    for (std::size_t k = k0; k < k1; k++) {
      double t = w[k];
      t += c0 * v0[k];
      t += c1 * v1[k];
      t += c2 * v2[k];
      t += c3 * v3[k];
      w[k] = t;
    }
  }
  for (; i < count; i++) {
    const double ci = c[i];
    const double* v = basis + i * stride;
    for (std::size_t k = k0; k < k1; k++) w[k] += ci * v[k];
  }
}

// The partial sums of w.w over [k0, k1) as AddDots.
inline void AddSquares(const double* w, std::size_t k0, std::size_t k1, double* s) {
  const std::size_t kEnd = k0 + ((k1 - k0) & ~static_cast<std::size_t>(3));
  Dot1(w, w, k0, kEnd, s);
  for (std::size_t k = kEnd; k < k1; k++) s[k & 3] += w[k] * w[k];
}

inline double Combine(const double* s) { return s[0] + s[1] + (s[2] + s[3]); }

// out[i] = sum_k basis[i*stride + k] * w[k], four interleaved partial sums (k mod 4) per basis
// vector, combined as (s0 + s1) + (s2 + s3): the sums of the JavaScript loop, in the same order.
// sums holds 4 * count doubles of scratch.
PA_ILU_CLONES inline void BasisDots(std::size_t n, std::size_t count, const double* basis, std::size_t stride, const double* w,
                      double* out, double* sums) {
  std::fill(sums, sums + 4 * count, 0.0);
  AddDots(count, basis, stride, w, 0, n, sums);
  for (std::size_t i = 0; i < count; i++) out[i] = Combine(sums + 4 * i);
}

// w[k] += sum_i coefficients[i] * basis[i*stride + k] (i ascending); returns the new w.w.
PA_ILU_CLONES inline double BasisUpdate(std::size_t n, std::size_t count, const double* basis, std::size_t stride,
                          const double* coefficients, double* w) {
  double ww[4] = {0.0, 0.0, 0.0, 0.0};
  for (std::size_t k0 = 0; k0 < n; k0 += kBlock) {
    const std::size_t k1 = std::min(n, k0 + kBlock);
    AddCombination(count, basis, stride, coefficients, w, k0, k1);
    AddSquares(w, k0, k1, ww);
  }
  return Combine(ww);
}

}  // namespace pa_ilu
