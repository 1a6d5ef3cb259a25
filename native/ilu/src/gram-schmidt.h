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

// Four doubles in one value of GCC's vector extension (a ymm register in the AVX2 clone, two xmm
// otherwise): lane j is the partial sum of the elements k with k mod 4 = j, so a vector multiply
// and add per four elements give the bits of the four scalar sums. aligned(8): loads and stores
// may be unaligned; may_alias: they read and write arrays of double.
typedef double Lanes __attribute__((vector_size(32), aligned(8), may_alias));

// The helpers below are inlined into each clone of the entry points, so that the AVX2 clone runs
// them with AVX2 (and no vector crosses a call).
#define PA_ILU_INLINE inline __attribute__((always_inline))

PA_ILU_INLINE Lanes LoadLanes(const double* p) { return *reinterpret_cast<const Lanes*>(p); }
PA_ILU_INLINE void StoreLanes(double* p, Lanes v) { *reinterpret_cast<Lanes*>(p) = v; }

// s[4*t + (k mod 4)] += v_t[k] * w[k] for the 4 vectors v_t and k in [k0, k1), k0 a multiple of
// 4 and k1 - k0 too. Four vectors at once: four independent vector sums keep the adder busy (one
// vector's sum waits on the adder's latency), and w is read once for the four.
PA_ILU_INLINE void Dot4(const double* v0, const double* v1, const double* v2, const double* v3, const double* w,
                 std::size_t k0, std::size_t k1, double* s) {
  Lanes a = LoadLanes(s), b = LoadLanes(s + 4), c = LoadLanes(s + 8), d = LoadLanes(s + 12);
  for (std::size_t k = k0; k < k1; k += 4) {
    const Lanes wk = LoadLanes(w + k);
    a += LoadLanes(v0 + k) * wk;
    b += LoadLanes(v1 + k) * wk;
    c += LoadLanes(v2 + k) * wk;
    d += LoadLanes(v3 + k) * wk;
  }
  StoreLanes(s, a);
  StoreLanes(s + 4, b);
  StoreLanes(s + 8, c);
  StoreLanes(s + 12, d);
}

// Dot4 for one vector (the 1..3 vectors left over from groups of four).
PA_ILU_INLINE void Dot1(const double* v, const double* w, std::size_t k0, std::size_t k1, double* s) {
  Lanes a = LoadLanes(s);
  for (std::size_t k = k0; k < k1; k += 4) a += LoadLanes(v + k) * LoadLanes(w + k);
  StoreLanes(s, a);
}

// The partial sums s[4*i ..] of basis_i . w over k in [k0, k1) (k0 a multiple of 4; the 0..3
// elements past the last multiple of 4 go to the sums of their k mod 4, in order).
PA_ILU_INLINE void AddDots(std::size_t count, const double* basis, std::size_t stride, const double* w, std::size_t k0,
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
PA_ILU_INLINE void AddCombination(std::size_t count, const double* basis, std::size_t stride, const double* c, double* w,
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
PA_ILU_INLINE void AddSquares(const double* w, std::size_t k0, std::size_t k1, double* s) {
  const std::size_t kEnd = k0 + ((k1 - k0) & ~static_cast<std::size_t>(3));
  Dot1(w, w, k0, kEnd, s);
  for (std::size_t k = kEnd; k < k1; k++) s[k & 3] += w[k] * w[k];
}

PA_ILU_INLINE double Combine(const double* s) { return s[0] + s[1] + (s[2] + s[3]); }

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

// The last M (1..kTail) vectors of the update fused with their dots: w[k] += c_i * v_i[k] for
// the M vectors (i ascending, after AddCombination added the earlier ones), then, while the M
// values of v are still in registers (or L1), s[4*i + (k mod 4)] += v_i[k] * w[k] with the final
// w[k]. The same operations in the same order per element and per partial sum as AddCombination
// then AddDots, so the same bits, without reading these M vectors' block again from L2 (where the
// dots of the earlier vectors read it: the dots of a block cost about as much as its update).
constexpr std::size_t kTail = 12;

template <std::size_t M>
PA_ILU_INLINE void AddLastCombinationDots(const double* basis, std::size_t stride, const double* c, double* w,
                                          std::size_t k0, std::size_t k1, double* s) {
  const std::size_t kEnd = k0 + ((k1 - k0) & ~static_cast<std::size_t>(3));
  const double* v[M];
  Lanes acc[M];
  for (std::size_t i = 0; i < M; i++) {
    v[i] = basis + i * stride;
    acc[i] = LoadLanes(s + 4 * i);
  }
  for (std::size_t k = k0; k < kEnd; k += 4) {
    Lanes vk[M];
    Lanes t = LoadLanes(w + k);
    for (std::size_t i = 0; i < M; i++) {
      vk[i] = LoadLanes(v[i] + k);
      t += c[i] * vk[i];
    }
    StoreLanes(w + k, t);
    for (std::size_t i = 0; i < M; i++) acc[i] += vk[i] * t;
  }
  for (std::size_t i = 0; i < M; i++) StoreLanes(s + 4 * i, acc[i]);
  for (std::size_t k = kEnd; k < k1; k++) {
    double t = w[k];
    for (std::size_t i = 0; i < M; i++) t += c[i] * v[i][k];
    w[k] = t;
    for (std::size_t i = 0; i < M; i++) s[4 * i + (k & 3)] += v[i][k] * t;
  }
}

// w[k] += sum_i c[i] * basis_i[k] and the partial sums s of basis_i . (new w) over [k0, k1), as
// AddCombination then AddDots: AddLastCombinationDots for the last min(count, kTail) vectors,
// the two separate loops for the others (whose terms come first).
PA_ILU_INLINE void AddCombinationDots(std::size_t count, const double* basis, std::size_t stride, const double* c,
                                      double* w, std::size_t k0, std::size_t k1, double* s) {
  const std::size_t m = std::min(count, kTail);
  const std::size_t head = count - m;
  AddCombination(head, basis, stride, c, w, k0, k1);
  const double* v = basis + head * stride;
  const double* ct = c + head;
  double* st = s + 4 * head;
  switch (m) {
#define PA_ILU_TAIL_CASE(M) \
  case M:                   \
    AddLastCombinationDots<M>(v, stride, ct, w, k0, k1, st); \
    break;
    PA_ILU_TAIL_CASE(1)
    PA_ILU_TAIL_CASE(2)
    PA_ILU_TAIL_CASE(3)
    PA_ILU_TAIL_CASE(4)
    PA_ILU_TAIL_CASE(5)
    PA_ILU_TAIL_CASE(6)
    PA_ILU_TAIL_CASE(7)
    PA_ILU_TAIL_CASE(8)
    PA_ILU_TAIL_CASE(9)
    PA_ILU_TAIL_CASE(10)
    PA_ILU_TAIL_CASE(11)
    PA_ILU_TAIL_CASE(12)
#undef PA_ILU_TAIL_CASE
    default:
      break;  // m == 0
  }
  static_assert(kTail == 12, "one case per tail length");
  AddDots(head, basis, stride, w, k0, k1, s);
}

// BasisUpdate followed by BasisDots of the updated w, in one sweep over the basis: the update and
// the dots take turns on blocks of kFusedBlock elements, so the dots read the block of each basis
// vector from the cache the update just brought it into (31 vectors' blocks take 496 KiB) rather
// than from memory. Each sum gets its terms in the order of the separate loops (the blocks are
// multiples of 4, so every partial sum k mod 4 runs over ascending k), so out and the returned w.w
// have the bits of BasisUpdate then BasisDots. The last kTail vectors' dots are taken in the
// update's own loop (AddCombinationDots). sums holds 4 * count doubles of scratch.
constexpr std::size_t kFusedBlock = 2048;

PA_ILU_CLONES inline double BasisUpdateDots(std::size_t n, std::size_t count, const double* basis, std::size_t stride,
                              const double* coefficients, double* w, double* out, double* sums) {
  double ww[4] = {0.0, 0.0, 0.0, 0.0};
  std::fill(sums, sums + 4 * count, 0.0);
  for (std::size_t k0 = 0; k0 < n; k0 += kFusedBlock) {
    const std::size_t k1 = std::min(n, k0 + kFusedBlock);
    AddCombinationDots(count, basis, stride, coefficients, w, k0, k1, sums);
    AddSquares(w, k0, k1, ww);
  }
  for (std::size_t i = 0; i < count; i++) out[i] = Combine(sums + 4 * i);
  return Combine(ww);
}

}  // namespace pa_ilu
