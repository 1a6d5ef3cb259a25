// The banded block-banded product over block rows first .. end-1 (the layout and the summation
// order are described in src/shared/banded-kernel.ts and src/shared/block-banded-layout.ts):
// every row starts at 0 and adds a*x by ascending block column, then ascending column, one
// rounding per multiply and per add (built with -ffp-contract=off: no fused multiply-add), so the
// result has the bits of the JavaScript loop.
//
// Each block is row-major band storage (width w = lambda + mu + 1). Rows whose w slots all fall
// inside the block's columns take the loop without bounds (the bulk of the rows); the first lambda
// and last mu rows of a block clip their slots. The width of the blog's matrix (w = 4) gets its
// own unrolled loop: the per-row sum is the same sequence of adds, written out.
#pragma once

#include <algorithm>
#include <cstdint>

namespace pa_banded {

struct Layout {
  std::int32_t l, u, lambda, mu;
  std::int32_t nColBlocks;
  const std::int32_t* rowStart;
  const std::int32_t* colStart;
  const std::int32_t* blockStart;
};

// Rows k in [kFirst, kEnd) of one block whose slots are all inside its columns (kFirst >= lambda):
// x points at the block's first column, slot d of row k reads x[k - lambda + d].
template <int W>
inline void FullRowsFixed(const double* a, const double* x, double* y, std::int64_t kFirst, std::int64_t kEnd,
                          std::int32_t lambda) {
  for (std::int64_t k = kFirst; k < kEnd; k++) {
    const double* row = a + k * W;
    const double* xs = x + (k - lambda);
    double s = y[k];
    for (int d = 0; d < W; d++) s += row[d] * xs[d];
    y[k] = s;
  }
}

inline void FullRows(const double* a, const double* x, double* y, std::int64_t kFirst, std::int64_t kEnd, std::int32_t w,
                     std::int32_t lambda) {
  switch (w) {
    case 1: FullRowsFixed<1>(a, x, y, kFirst, kEnd, lambda); return;
    case 2: FullRowsFixed<2>(a, x, y, kFirst, kEnd, lambda); return;
    case 3: FullRowsFixed<3>(a, x, y, kFirst, kEnd, lambda); return;
    case 4: FullRowsFixed<4>(a, x, y, kFirst, kEnd, lambda); return;
    case 5: FullRowsFixed<5>(a, x, y, kFirst, kEnd, lambda); return;
    default: break;
  }
  for (std::int64_t k = kFirst; k < kEnd; k++) {
    const double* row = a + k * w;
    const double* xs = x + (k - lambda);
    double s = y[k];
    for (std::int32_t d = 0; d < w; d++) s += row[d] * xs[d];
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

inline void MulBlockRows(const Layout& m, std::int32_t first, std::int32_t end, const double* data, const double* x, double* y) {
  const std::int32_t w = m.lambda + m.mu + 1;
  for (std::int32_t K = first; K < end; K++) {
    const std::int64_t row0 = m.rowStart[K];
    const std::int64_t nK = m.rowStart[K + 1] - row0;
    double* yK = y + row0;
    std::fill(yK, yK + nK, 0.0);
    const std::int32_t firstJ = std::max(0, K - m.l);
    const std::int32_t lastJ = std::min(m.nColBlocks - 1, K + m.u);
    const double* a = data + m.blockStart[K];
    for (std::int32_t J = firstJ; J <= lastJ; J++, a += nK * w) {
      const std::int64_t col0 = m.colStart[J];
      const std::int64_t mJ = m.colStart[J + 1] - col0;
      const double* xJ = x + col0;
      // Rows with every slot inside: lambda <= k and k + w - lambda <= mJ.
      const std::int64_t fullFirst = std::min<std::int64_t>(m.lambda, nK);
      const std::int64_t fullEnd = std::max<std::int64_t>(fullFirst, std::min<std::int64_t>(nK, mJ + m.lambda - w + 1));
      for (std::int64_t k = 0; k < fullFirst; k++) ClippedRow(a, xJ, yK, k, w, m.lambda, mJ);
      FullRows(a, xJ, yK, fullFirst, fullEnd, w, m.lambda);
      for (std::int64_t k = fullEnd; k < nK; k++) ClippedRow(a, xJ, yK, k, w, m.lambda, mJ);
    }
  }
}

}  // namespace pa_banded
