// The banded block-banded product over block rows first .. end-1 (the layout and the summation
// order are described in src/shared/banded-kernel.ts and src/shared/block-banded-layout.ts):
// every row starts at 0 and adds a*x by ascending block column, then ascending column, one
// rounding per multiply and per add (built with -ffp-contract=off, and the vector code uses
// separate multiply and add instructions: no fused multiply-add), so the result has the bits of
// the JavaScript loop.
//
// Each block is row-major band storage (width w = lambda + mu + 1), and the blocks of a block row,
// and the block rows, follow each other: the product goes forward through the values, block after
// block. Rows whose w slots all fall inside the block's columns take a loop without bounds (the
// bulk of the rows); the first lambda and last mu rows of a block clip their slots.
//
// The width of the blog's matrix (w = 4) has a vector loop where the CPU has AVX2 (checked at run
// time, so the addon still runs on any x86-64): four rows at a time, their 4x4 values transposed
// in registers so that lane r holds row k+r, and each slot's four x values one unaligned load.
// Lane r then does exactly the scalar sequence of row k+r: y += a0*x0, += a1*x1, += a2*x2,
// += a3*x3.
//
// The values are read as one forward stream, block after block, with a software prefetch
// kPrefetchBytes ahead of the rows being multiplied. Measured on this machine's AMD EPYC core
// (cpu family 26; C harness over the N = 500 matrix, 36 MB of values, 64 MB written before every
// product, 200 products per variant interleaved, on each of the two cores): medians 0.90-1.00 ms
// with the prefetch 8 KiB ahead, 1.00-1.11 at 4 KiB, 0.90-1.03 at 12 and 16 KiB, 1.18-1.32
// without it, against 1.40-1.52 ms for the order used before (a block row's blocks side by side,
// four rows through all of them with the sums in registers: 4 streams), 1.11-1.19 for that order
// with the prefetch, and 0.85 ms for a plain read of the same bytes. The previous VM (an older
// EPYC) measured the side-by-side order faster than one stream and no gain from any prefetch:
// the hardware prefetchers differ, so the choice is the machine's; bench/block-banded shows when
// a new machine's ratio to STREAM drops, and the orders are then worth comparing again.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "../../common/prefetch.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define PA_BANDED_X86 1
#endif

namespace pa_banded {

struct Layout {
  std::int32_t l, u, lambda, mu;
  std::int32_t nColBlocks;
  const std::int32_t* rowStart;
  const std::int32_t* colStart;
  const std::int32_t* blockStart;
};

// Rows k in [kFirst, kEnd) of full rows (every slot inside the block's columns), counted from the
// first full row: a points at that row's values, y at its result, xs at the column of its slot 0,
// so slot d of row k reads xs[k + d].
template <int W>
inline void FullRowsFixed(const double* a, const double* xs, double* y, std::int64_t kFirst, std::int64_t kEnd) {
  for (std::int64_t k = kFirst; k < kEnd; k++) {
    const double* row = a + k * W;
    double s = y[k];
    for (int d = 0; d < W; d++) s += row[d] * xs[k + d];
    y[k] = s;
  }
}

#ifdef PA_BANDED_X86
// s plus the 4x4 row-major tile at p times x: lane r adds row r's slots d = 0..3 in order, slot d
// times xk[r + d] (a multiply, then an add: no fused multiply-add).
__attribute__((target("avx2"))) inline __m256d Tile4(__m256d s, const double* p, const double* xk) {
  const __m256d r0 = _mm256_loadu_pd(p);
  const __m256d r1 = _mm256_loadu_pd(p + 4);
  const __m256d r2 = _mm256_loadu_pd(p + 8);
  const __m256d r3 = _mm256_loadu_pd(p + 12);
  // Transpose: cd holds slot d of the four rows.
  const __m256d t0 = _mm256_unpacklo_pd(r0, r1);
  const __m256d t1 = _mm256_unpackhi_pd(r0, r1);
  const __m256d t2 = _mm256_unpacklo_pd(r2, r3);
  const __m256d t3 = _mm256_unpackhi_pd(r2, r3);
  const __m256d c0 = _mm256_permute2f128_pd(t0, t2, 0x20);
  const __m256d c1 = _mm256_permute2f128_pd(t1, t3, 0x20);
  const __m256d c2 = _mm256_permute2f128_pd(t0, t2, 0x31);
  const __m256d c3 = _mm256_permute2f128_pd(t1, t3, 0x31);
  s = _mm256_add_pd(s, _mm256_mul_pd(c0, _mm256_loadu_pd(xk)));
  s = _mm256_add_pd(s, _mm256_mul_pd(c1, _mm256_loadu_pd(xk + 1)));
  s = _mm256_add_pd(s, _mm256_mul_pd(c2, _mm256_loadu_pd(xk + 2)));
  s = _mm256_add_pd(s, _mm256_mul_pd(c3, _mm256_loadu_pd(xk + 3)));
  return s;
}

// How far ahead of the rows being multiplied FullRows4Avx2 prefetches the values (see the top).
constexpr std::size_t kPrefetchBytes = 8192;

// FullRowsFixed<4> with AVX2, 8 rows per step (two groups of four), the values 256 bytes per step
// (four cache lines, each prefetched kPrefetchBytes ahead; a prefetch does not fault).
__attribute__((target("avx2"))) inline void FullRows4Avx2(const double* a, const double* xs, double* y, std::int64_t kFirst,
                                                          std::int64_t kEnd) {
  std::int64_t k = kFirst;
  for (; k + 8 <= kEnd; k += 8) {
    const double* p = a + k * 4;
    pa_native::prefetch_lines(p, kPrefetchBytes, 4);
    _mm256_storeu_pd(y + k, Tile4(_mm256_loadu_pd(y + k), p, xs + k));
    _mm256_storeu_pd(y + k + 4, Tile4(_mm256_loadu_pd(y + k + 4), p + 16, xs + k + 4));
  }
  FullRowsFixed<4>(a, xs, y, k, kEnd);
}

inline bool HasAvx2() {
  static const bool has = __builtin_cpu_supports("avx2");
  return has;
}
#endif

inline void FullRows(const double* a, const double* xs, double* y, std::int64_t kFirst, std::int64_t kEnd, std::int32_t w) {
  switch (w) {
    case 1: FullRowsFixed<1>(a, xs, y, kFirst, kEnd); return;
    case 2: FullRowsFixed<2>(a, xs, y, kFirst, kEnd); return;
    case 3: FullRowsFixed<3>(a, xs, y, kFirst, kEnd); return;
    case 4:
#ifdef PA_BANDED_X86
      if (HasAvx2()) {
        FullRows4Avx2(a, xs, y, kFirst, kEnd);
        return;
      }
#endif
      FullRowsFixed<4>(a, xs, y, kFirst, kEnd);
      return;
    case 5: FullRowsFixed<5>(a, xs, y, kFirst, kEnd); return;
    default: break;
  }
  for (std::int64_t k = kFirst; k < kEnd; k++) {
    const double* row = a + k * w;
    double s = y[k];
    for (std::int32_t d = 0; d < w; d++) s += row[d] * xs[k + d];
    y[k] = s;
  }
}

// One row k with its slots clipped to the block's mJ columns (x at the block's first column).
inline void ClippedRow(const double* a, const double* x, double* y, std::int64_t k, std::int32_t w, std::int32_t lambda,
                       std::int64_t mJ) {
  const std::int64_t dFirst = std::max<std::int64_t>(0, lambda - k);
  const std::int64_t dEnd = std::min<std::int64_t>(w, mJ + lambda - k);
  const double* row = a + k * w;
  double s = y[k];
  for (std::int64_t d = dFirst; d < dEnd; d++) s += row[d] * x[k - lambda + d];
  y[k] = s;
}

// Rows [k0, k1) of block row K's block J (values at a, x at xJ, the block's mJ columns), each row
// clipped or full as it is; full rows are [fullFirst, fullEnd).
inline void BlockRowRange(const double* a, const double* xJ, double* yK, std::int64_t k0, std::int64_t k1, std::int64_t fullFirst,
                          std::int64_t fullEnd, std::int32_t w, std::int32_t lambda, std::int64_t mJ) {
  const std::int64_t lo = std::max(k0, fullFirst);
  const std::int64_t hi = std::min(k1, fullEnd);
  for (std::int64_t k = k0; k < std::min(k1, lo); k++) ClippedRow(a, xJ, yK, k, w, lambda, mJ);
  // Counted from row fullFirst (= lambda when there are full rows), whose slot 0 is column 0.
  if (lo < hi) FullRows(a + fullFirst * w, xJ, yK + fullFirst, lo - fullFirst, hi - fullFirst, w);
  for (std::int64_t k = std::max(k0, std::max(lo, hi)); k < k1; k++) ClippedRow(a, xJ, yK, k, w, lambda, mJ);
}

inline void MulBlockRows(const Layout& m, std::int32_t first, std::int32_t end, const double* data, const double* x, double* y) {
  const std::int32_t w = m.lambda + m.mu + 1;
  for (std::int32_t K = first; K < end; K++) {
    const std::int64_t row0 = m.rowStart[K];
    const std::int64_t nK = m.rowStart[K + 1] - row0;
    double* yK = y + row0;
    std::fill(yK, yK + nK, 0.0);
    const std::int32_t firstJ = std::max(0, K - m.l);
    const std::int32_t lastJ = std::min(m.nColBlocks - 1, K + m.u);
    // Rows with every slot inside block J: lambda <= k and k + w - lambda <= mJ.
    const std::int64_t fullFirst = std::min<std::int64_t>(m.lambda, nK);
    const double* a = data + m.blockStart[K];
    for (std::int32_t J = firstJ; J <= lastJ; J++, a += nK * w) {
      const std::int64_t col0 = m.colStart[J];
      const std::int64_t mJ = m.colStart[J + 1] - col0;
      const std::int64_t fullEnd = std::max<std::int64_t>(fullFirst, std::min<std::int64_t>(nK, mJ + m.lambda - w + 1));
      BlockRowRange(a, x + col0, yK, 0, nK, fullFirst, fullEnd, w, m.lambda, mJ);
    }
  }
}

// The block rows split into nRanges contiguous ranges (one per part), each cut into chunks: chunk
// c is block rows cuts[c] .. cuts[c+1]-1, and range r holds chunks rangeStart[r] ..
// rangeStart[r+1]-1. A part computes the chunks of its own range from the front, in order (one
// forward stream over its share of the values, as a fixed split does), then takes chunks of the
// other ranges from their backs, so that a part that starts late, or loses its core for a while,
// leaves the end of its share to the others instead of holding every part at the closing barrier.
//
// Range r's claims are counted in one int64 (counters[r * kCounterStride], in memory every part
// maps, 0 when the parts start): its owner adds 1 (front claims, low 32 bits), the others add
// 2^32 (back claims, high 32 bits). Every claim adds one to front + back, and a claim is valid when
// that sum was below the range's chunk count before it: so exactly every chunk is claimed once,
// the owner's at the front, the others' at the back, and the two ends never cross. The claims need
// no ordering of their own (relaxed): the callers' barriers order the y writes. Each row is still
// computed once, by one part, in the fixed order above, so the bits do not depend on who computed
// what. Returns the number of chunks this part computed.
constexpr std::int64_t kCounterStride = 8;  // one 64-byte line per range's counter

inline std::int64_t MulClaimedChunks(const Layout& m, const std::int32_t* cuts, const std::int32_t* rangeStart, std::int32_t nRanges,
                                     std::int32_t self, std::int64_t* counters, const double* data, const double* x, double* y) {
  std::int64_t mine = 0;
  for (std::int32_t k = 0; k < nRanges; k++) {
    const std::int32_t r = (self + k) % nRanges;
    const std::int64_t first = rangeStart[r];
    const std::int64_t n = rangeStart[r + 1] - first;
    const bool own = k == 0;
    std::int64_t* counter = counters + r * kCounterStride;
    for (;;) {
      const std::int64_t old = __atomic_fetch_add(counter, own ? std::int64_t{1} : (std::int64_t{1} << 32), __ATOMIC_RELAXED);
      const std::int64_t front = old & 0xffffffff;
      const std::int64_t back = old >> 32;
      if (front + back >= n) break;
      const std::int64_t c = own ? first + front : first + n - 1 - back;
      MulBlockRows(m, cuts[c], cuts[c + 1], data, x, y);
      mine++;
    }
  }
  return mine;
}

}  // namespace pa_banded
