// y ← alpha A x + beta y for a column-major A (m×n, leading dimension lda) and unit-stride x and y:
// the local product of a dense PArray block (stored first index fastest). OpenBLAS 0.3.21 runs its
// Haswell dgemv_n here (4 columns per pass, 256-bit), which streams A at about half the rate the
// memory delivers to one core on AVX-512 machines; this kernel reads 16 columns per pass, 512 bits
// at a time where the CPU has AVX-512F (256 where it has AVX2 + FMA, scalar otherwise).
//
// Every element of y is computed by the same operations in the same order on every path, with
// fused multiply-adds (std::fma in the scalar code), so the three paths give the same bits:
//   y_i ← 0 (beta = 0, y not read) or beta·y_i (beta ≠ 1);
//   per group of 16 columns j..j+15, with a_c = alpha·x_{j+c}:
//     s = y_i;  s = fma(A_{i,j+c}, a_c, s) for c = 0..7;
//     t = A_{i,j+8}·a_8;  t = fma(A_{i,j+c}, a_c, t) for c = 9..15;   y_i = s + t;
//   then per remaining column j: y_i = fma(A_{i,j}, alpha·x_j, y_i).
// Rows are processed in blocks of kRowBlock so that the block of y stays in the L1 cache while
// 16 columns stream past it; the blocking does not change any element's operations.
#ifndef PA_BLAS_GEMV_COLUMNS_H_
#define PA_BLAS_GEMV_COLUMNS_H_

#include <cmath>
#include <cstddef>
#include <cstdint>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define PA_GEMV_X86 1
#endif

namespace pa_blas {

namespace gemv_detail {

constexpr int kGroup = 16;
constexpr std::int64_t kRowBlock = 4096;

// One row of one 16-column group (the scalar reference of the vector code).
inline double GroupRow(const double* a, std::ptrdiff_t lda, const double* ax, double y) {
  double s = y;
  for (int c = 0; c < 8; c++) s = std::fma(a[c * lda], ax[c], s);
  double t = a[8 * lda] * ax[8];
  for (int c = 9; c < kGroup; c++) t = std::fma(a[c * lda], ax[c], t);
  return s + t;
}

inline void GroupScalar(std::int64_t i0, std::int64_t i1, const double* a, std::ptrdiff_t lda, const double* ax,
                        double* y) {
  for (std::int64_t i = i0; i < i1; i++) y[i] = GroupRow(a + i, lda, ax, y[i]);
}

#ifdef PA_GEMV_X86
__attribute__((target("avx512f"))) inline void GroupAvx512(std::int64_t m, const double* a, std::ptrdiff_t lda,
                                                           const double* ax, double* y) {
  __m512d xs[kGroup];
#pragma GCC unroll 16
  for (int c = 0; c < kGroup; c++) xs[c] = _mm512_set1_pd(ax[c]);
  std::int64_t i = 0;
  for (; i + 8 <= m; i += 8) {
    const double* p = a + i;
    __m512d s = _mm512_loadu_pd(y + i);
    __m512d t = _mm512_mul_pd(_mm512_loadu_pd(p + 8 * lda), xs[8]);
#pragma GCC unroll 8
    for (int c = 0; c < 8; c++) s = _mm512_fmadd_pd(_mm512_loadu_pd(p + c * lda), xs[c], s);
#pragma GCC unroll 8
    for (int c = 9; c < kGroup; c++) t = _mm512_fmadd_pd(_mm512_loadu_pd(p + c * lda), xs[c], t);
    _mm512_storeu_pd(y + i, _mm512_add_pd(s, t));
  }
  GroupScalar(i, m, a, lda, ax, y);
}

__attribute__((target("avx2,fma"))) inline void GroupAvx2(std::int64_t m, const double* a, std::ptrdiff_t lda,
                                                          const double* ax, double* y) {
  __m256d xs[kGroup];
#pragma GCC unroll 16
  for (int c = 0; c < kGroup; c++) xs[c] = _mm256_set1_pd(ax[c]);
  std::int64_t i = 0;
  for (; i + 4 <= m; i += 4) {
    const double* p = a + i;
    __m256d s = _mm256_loadu_pd(y + i);
    __m256d t = _mm256_mul_pd(_mm256_loadu_pd(p + 8 * lda), xs[8]);
#pragma GCC unroll 8
    for (int c = 0; c < 8; c++) s = _mm256_fmadd_pd(_mm256_loadu_pd(p + c * lda), xs[c], s);
#pragma GCC unroll 8
    for (int c = 9; c < kGroup; c++) t = _mm256_fmadd_pd(_mm256_loadu_pd(p + c * lda), xs[c], t);
    _mm256_storeu_pd(y + i, _mm256_add_pd(s, t));
  }
  GroupScalar(i, m, a, lda, ax, y);
}

#endif  // PA_GEMV_X86

}  // namespace gemv_detail

// The kernel's paths, narrowest first (each gives the same bits).
enum class GemvPath { kScalar = 0, kAvx2 = 1, kAvx512 = 2 };

// The widest path this CPU has.
inline GemvPath BestGemvPath() {
  static const GemvPath best = [] {
#ifdef PA_GEMV_X86
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f")) return GemvPath::kAvx512;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return GemvPath::kAvx2;
#endif
    return GemvPath::kScalar;
  }();
  return best;
}

inline const char* GemvPathName(GemvPath path) {
  switch (path) {
    case GemvPath::kAvx512: return "avx512";
    case GemvPath::kAvx2: return "avx2";
    default: return "scalar";
  }
}

// y ← alpha A x + beta y (see the top of this file) on `path` (one this CPU has). Arguments are
// valid: A holds (n-1)·lda + m elements, lda ≥ max(1, m), x holds n and y m elements, y overlaps
// neither. As in BLAS: beta = 0 does not read y; alpha = 0 does not read A or x.
inline void GemvColumns(GemvPath path, std::int64_t m, std::int64_t n, double alpha, const double* A,
                        std::int64_t lda, const double* x, double beta, double* y) {
  using namespace gemv_detail;
  if (m <= 0) return;
  if (beta == 0.0) {
    for (std::int64_t i = 0; i < m; i++) y[i] = 0.0;
  } else if (beta != 1.0) {
    for (std::int64_t i = 0; i < m; i++) y[i] *= beta;
  }
  if (n <= 0 || alpha == 0.0) return;
  const std::int64_t groups = n / kGroup;
  for (std::int64_t i0 = 0; i0 < m; i0 += kRowBlock) {
    const std::int64_t rows = m - i0 < kRowBlock ? m - i0 : kRowBlock;
    double* yb = y + i0;
    for (std::int64_t g = 0; g < groups; g++) {
      const std::int64_t j = g * kGroup;
      double ax[kGroup];
      for (int c = 0; c < kGroup; c++) ax[c] = alpha * x[j + c];
      const double* a = A + j * lda + i0;
#ifdef PA_GEMV_X86
      if (path == GemvPath::kAvx512) {
        GroupAvx512(rows, a, lda, ax, yb);
        continue;
      }
      if (path == GemvPath::kAvx2) {
        GroupAvx2(rows, a, lda, ax, yb);
        continue;
      }
#endif
      GroupScalar(0, rows, a, lda, ax, yb);
    }
    for (std::int64_t j = groups * kGroup; j < n; j++) {
      const double aj = alpha * x[j];
      const double* a = A + j * lda + i0;
      for (std::int64_t i = 0; i < rows; i++) yb[i] = std::fma(a[i], aj, yb[i]);
    }
  }
}

}  // namespace pa_blas

#endif  // PA_BLAS_GEMV_COLUMNS_H_
