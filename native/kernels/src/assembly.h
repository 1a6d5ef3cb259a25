// The loops of psparse's COO -> CSR assembly, free of Node-API. Their JavaScript twins are in
// src/kernels/js-assembly-kernels.ts, loop for loop; both produce the same integers and, in
// AddSlots, add the values in the same order (one rounding per addition, in contribution order),
// so the matrix has the same bits whichever set runs.
//
// Codes used throughout: for each triplet (contribution) k, a row code and a column code:
//   >= 0  own local row (column) id; for columns, ids >= nOwnCols are ghost columns nOwnCols + g
//   -1    the triplet is ignored (a negative row or column id)
//   -2    the id is not owned by this part (a row to send, or a column that becomes a ghost)
#ifndef PA_KERNELS_ASSEMBLY_H_
#define PA_KERNELS_ASSEMBLY_H_

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace pa_kernels {

// A part's own ids as a box of a column-major grid (direction 0 fastest): own local id = the
// box's own column-major index. A contiguous range first..first+count-1 is the 1-direction box
// dims = {n}, lo = {first}, hi = {first + count}.
struct OwnBoxSpec {
  int nd;
  double dims[3];
  double lo[3];
  double hi[3];
};

// Whether id g is valid for a range of n ids (the rule of the library's checkGlobalIds):
// negative numbers are allowed (they mark ignored entries), others must be integers below n.
// Comparisons and additions only, no call (std::floor is a libm call without SSE4.1): NaN fails
// every comparison, so it is neither negative nor below n; adding then subtracting 2^52 rounds a
// double of [0, 2^52) to an integer, which leaves it unchanged exactly when it was one, and every
// double from 2^52 on is an integer. CheckPair below is the same test on two ids at once.
constexpr double kTwoTo52 = 4503599627370496.0;

inline bool ValidId(double g, double n) {
  const bool negative = g < 0.0;
  const bool integer = (g >= kTwoTo52) | ((g + kTwoTo52) - kTwoTo52 == g);
  return negative | ((g < n) & integer);
}

// Whether a triplet passes CheckTriplets: valid ids, and a finite value when it is kept (v - v
// is 0 exactly for a finite v, NaN for NaN and the infinities).
inline bool TripletFine(double i, double j, double v, double nRows, double nCols) {
  return ValidId(i, nRows) & ValidId(j, nCols) & ((i < 0.0) | (j < 0.0) | (v - v == 0.0));
}

#if defined(__SSE2__)
// ValidId of both lanes of g: all ones where valid.
inline __m128d ValidIdPair(__m128d g, __m128d n) {
  const __m128d zero = _mm_setzero_pd();
  const __m128d big = _mm_set1_pd(kTwoTo52);
  const __m128d integer = _mm_or_pd(_mm_cmpge_pd(g, big), _mm_cmpeq_pd(_mm_sub_pd(_mm_add_pd(g, big), big), g));
  return _mm_or_pd(_mm_cmplt_pd(g, zero), _mm_and_pd(_mm_cmplt_pd(g, n), integer));
}

// TripletFine of triplets k and k + 1: all ones in the lane of a fine triplet.
inline __m128d TripletsFinePair(const double* I, const double* J, const double* V, std::size_t k, __m128d nRows,
                                __m128d nCols) {
  const __m128d zero = _mm_setzero_pd();
  const __m128d i = _mm_loadu_pd(I + k);
  const __m128d j = _mm_loadu_pd(J + k);
  const __m128d v = _mm_loadu_pd(V + k);
  const __m128d ignoredOrFinite =
      _mm_or_pd(_mm_or_pd(_mm_cmplt_pd(i, zero), _mm_cmplt_pd(j, zero)), _mm_cmpeq_pd(_mm_sub_pd(v, v), zero));
  return _mm_and_pd(_mm_and_pd(ValidIdPair(i, nRows), ValidIdPair(j, nCols)), ignoredOrFinite);
}
#endif

// The first triplet with an invalid row id, column id, or (when the triplet is kept) a value that
// is not finite; -1 when every triplet is fine. The caller reruns its detailed checks on a
// failure to name the entry, so only the existence of a problem matters here. Blocks of triplets
// are checked without a branch per triplet (two at a time with SSE2: the check then streams its
// 24 bytes per triplet at several GB/s, where the test and branch per id took 10 ns per
// triplet); only a block with a bad triplet is scanned again, one by one, for the first.
inline std::int64_t CheckTriplets(std::size_t m, const double* I, const double* J, const double* V, double nRows,
                                  double nCols) {
  constexpr std::size_t kBlock = 1024;
  for (std::size_t start = 0; start < m; start += kBlock) {
    const std::size_t end = std::min(m, start + kBlock);
    std::size_t k = start;
    bool fine = true;
#if defined(__SSE2__)
    const __m128d rowsPair = _mm_set1_pd(nRows);
    const __m128d colsPair = _mm_set1_pd(nCols);
    __m128d all = _mm_castsi128_pd(_mm_set1_epi32(-1));
    for (; k + 2 <= end; k += 2) all = _mm_and_pd(all, TripletsFinePair(I, J, V, k, rowsPair, colsPair));
    fine = _mm_movemask_pd(all) == 3;
#endif
    for (; k < end; k++) fine &= TripletFine(I[k], J[k], V[k], nRows, nCols);
    if (fine) continue;
    for (k = start; k < end; k++) {
      if (!TripletFine(I[k], J[k], V[k], nRows, nCols)) return static_cast<std::int64_t>(k);
    }
  }
  return -1;
}

// The own local id of g in the box, or -1 when the box does not hold it (g a non-negative integer).
inline std::int64_t BoxIndex(const OwnBoxSpec& box, double g) {
  if (box.nd == 1) {
    return g >= box.lo[0] && g < box.hi[0] ? static_cast<std::int64_t>(g - box.lo[0]) : -1;
  }
  std::int64_t rest = static_cast<std::int64_t>(g);
  std::int64_t index = 0;
  std::int64_t stride = 1;
  for (int d = 0; d < box.nd; d++) {
    const std::int64_t dim = static_cast<std::int64_t>(box.dims[d]);
    const std::int64_t c = rest % dim;
    rest /= dim;
    const std::int64_t lo = static_cast<std::int64_t>(box.lo[d]);
    const std::int64_t hi = static_cast<std::int64_t>(box.hi[d]);
    if (c < lo || c >= hi) return -1;
    index += (c - lo) * stride;
    stride *= hi - lo;
  }
  return rest == 0 ? index : -1;
}

// out[k] = code of ids[k] (ids is I or J): -1 when I[k] < 0 or J[k] < 0, the own local id when
// the box holds it, else -2. Returns how many -2 codes were written. Consecutive equal ids (a row's
// triplets) reuse the previous answer.
inline std::size_t ClassifyIds(std::size_t m, const double* ids, const double* I, const double* J,
                               const OwnBoxSpec& box, std::int32_t* out) {
  std::size_t off = 0;
  double last = -1.0;
  std::int32_t lastCode = -2;
  for (std::size_t k = 0; k < m; k++) {
    if (I[k] < 0.0 || J[k] < 0.0) {
      out[k] = -1;
      continue;
    }
    const double g = ids[k];
    if (g != last) {
      const std::int64_t index = BoxIndex(box, g);
      lastCode = index < 0 ? -2 : static_cast<std::int32_t>(index);
      last = g;
    }
    out[k] = lastCode;
    if (lastCode == -2) off++;
  }
  return off;
}

// The ids of the triplets kept here (rowCode >= 0) whose column is not own (colCode == -2), in
// triplet order, written to out (room for `capacity`); returns their number, or capacity + 1
// when they do not fit (then only the first `capacity` were written).
inline std::size_t CollectOffColumns(std::size_t m, const double* ids, const std::int32_t* rowCode,
                                     const std::int32_t* colCode, double* out, std::size_t capacity) {
  std::size_t n = 0;
  for (std::size_t k = 0; k < m; k++) {
    if (rowCode[k] >= 0 && colCode[k] == -2) {
      if (n == capacity) return capacity + 1;
      out[n++] = ids[k];
    }
  }
  return n;
}

// For the triplets kept here with a column owned elsewhere: colCode[k] = nOwnCols + the position
// of ids[k] in the ascending list ghosts. Returns false when an id is missing from the list.
inline bool GhostCodes(std::size_t m, const double* ids, const std::int32_t* rowCode, std::int32_t* colCode,
                       const double* ghosts, std::size_t nGhosts, std::int32_t nOwnCols) {
  for (std::size_t k = 0; k < m; k++) {
    if (rowCode[k] < 0 || colCode[k] != -2) continue;
    const double g = ids[k];
    const double* at = std::lower_bound(ghosts, ghosts + nGhosts, g);
    if (at == ghosts + nGhosts || *at != g) return false;
    colCode[k] = nOwnCols + static_cast<std::int32_t>(at - ghosts);
  }
  return true;
}

// Rows of more entries than this are sorted with std::sort instead of by insertion.
constexpr std::int32_t kInsertionSortMax = 32;

// The symbolic COO -> CSR step. The kept contributions (rowCode >= 0, colCode >= 0) are bucketed
// by row into perm (rowStart: nRows + 1 offsets), each row sorted by column code; then ooPtr and
// ogPtr (nRows + 1 each) get the row offsets of the own-own block (codes < nOwnCols) and the
// own-ghost block (codes >= nOwnCols) with duplicates counted once. Columns of a row that are
// equal stay in some order: they share one stored entry, so the order does not matter.
// Returns false when a row code is not below nRows (nothing past the arrays is written).
inline bool CsrPattern(std::int32_t nRows, std::int32_t nOwnCols, std::size_t total, const std::int32_t* rowCode,
                       const std::int32_t* colCode, std::int32_t* perm, std::int32_t* rowStart, std::int32_t* ooPtr,
                       std::int32_t* ogPtr) {
  for (std::int32_t r = 0; r <= nRows; r++) rowStart[r] = 0;
  for (std::size_t c = 0; c < total; c++) {
    const std::int32_t r = rowCode[c];
    if (r < 0 || colCode[c] < 0) continue;
    if (r >= nRows) return false;
    rowStart[r + 1]++;
  }
  for (std::int32_t r = 0; r < nRows; r++) rowStart[r + 1] += rowStart[r];
  // Scatter with rowStart[r] as the cursor of row r, then shift the cursors back into offsets.
  for (std::size_t c = 0; c < total; c++) {
    const std::int32_t r = rowCode[c];
    if (r < 0 || colCode[c] < 0) continue;
    perm[rowStart[r]++] = static_cast<std::int32_t>(c);
  }
  for (std::int32_t r = nRows; r > 0; r--) rowStart[r] = rowStart[r - 1];
  rowStart[0] = 0;
  ooPtr[0] = 0;
  ogPtr[0] = 0;
  for (std::int32_t r = 0; r < nRows; r++) {
    std::int32_t* first = perm + rowStart[r];
    std::int32_t* last = perm + rowStart[r + 1];
    if (last - first > kInsertionSortMax) {
      std::sort(first, last, [colCode](std::int32_t a, std::int32_t b) { return colCode[a] < colCode[b]; });
    } else {
      for (std::int32_t* p = first + 1; p < last; p++) {
        const std::int32_t c = *p;
        const std::int32_t key = colCode[c];
        std::int32_t* q = p;
        while (q > first && colCode[q[-1]] > key) {
          *q = q[-1];
          q--;
        }
        *q = c;
      }
    }
    std::int32_t oo = 0;
    std::int32_t og = 0;
    std::int32_t previous = -1;
    for (std::int32_t* p = first; p < last; p++) {
      const std::int32_t col = colCode[*p];
      if (col == previous) continue;
      previous = col;
      if (col < nOwnCols) oo++;
      else og++;
    }
    ooPtr[r + 1] = ooPtr[r] + oo;
    ogPtr[r + 1] = ogPtr[r] + og;
  }
  return true;
}

// The numeric layout after CsrPattern: the column ids of both blocks, and slot[c] for every
// contribution: its stored entry (own-own entries 0..nOO-1, own-ghost entries nOO + e), or its row
// code when the row is not kept here (-1 ignored, -2 sent); slot may be rowCode itself (each row
// code is read before its slot is written). Returns false when the blocks would
// exceed nOO / nOG entries (perm and rowStart not from CsrPattern).
inline bool CsrFill(std::int32_t nRows, std::int32_t nOwnCols, std::size_t total, const std::int32_t* rowCode,
                    const std::int32_t* colCode, const std::int32_t* perm, const std::int32_t* rowStart,
                    std::int32_t* ooCol, std::int32_t nOO, std::int32_t* ogCol, std::int32_t nOG, std::int32_t* slot) {
  for (std::size_t c = 0; c < total; c++) slot[c] = rowCode[c] < 0 ? rowCode[c] : -1;
  std::int32_t oo = 0;
  std::int32_t og = 0;
  for (std::int32_t r = 0; r < nRows; r++) {
    std::int32_t previous = -1;
    std::int32_t entry = -1;
    if (rowStart[r] < 0 || rowStart[r + 1] > static_cast<std::int64_t>(total)) return false;
    for (std::int32_t j = rowStart[r]; j < rowStart[r + 1]; j++) {
      const std::int32_t c = perm[j];
      if (c < 0 || static_cast<std::size_t>(c) >= total) return false;
      const std::int32_t col = colCode[c];
      if (col != previous) {
        previous = col;
        if (col < nOwnCols) {
          if (oo >= nOO) return false;
          ooCol[oo] = col;
          entry = oo++;
        } else {
          if (og >= nOG) return false;
          ogCol[og] = col - nOwnCols;
          entry = nOO + og++;
        }
      }
      slot[c] = entry;
    }
  }
  return true;
}

// The symbolic step for contributions that arrive in order, which a stencil's rows do: the kept
// ones (rowCode >= 0, colCode >= 0) by non-decreasing row, and within a row the own-own columns
// (codes < nOwnCols) non-decreasing and the own-ghost columns non-decreasing, each block on its
// own (a row's ghost neighbours may come before its own ones). Then the blocks' entries come out
// in the order CsrPattern's sort gives them, so ooPtr and ogPtr are counted in one pass, without
// a permutation. Returns 1 when in order (ooPtr, ogPtr written), 0 at the first contribution out
// of order (they are then partly written: CsrPattern rewrites them), -1 for a row code not below
// nRows. The early return makes the check nearly free on triplets in no order (a FEM's).
inline int OrderedPattern(std::int32_t nRows, std::int32_t nOwnCols, std::size_t total, const std::int32_t* rowCode,
                          const std::int32_t* colCode, std::int32_t* ooPtr, std::int32_t* ogPtr) {
  for (std::int32_t r = 0; r <= nRows; r++) {
    ooPtr[r] = 0;
    ogPtr[r] = 0;
  }
  std::int32_t row = -1;
  std::int32_t lastOwn = -1;
  std::int32_t lastGhost = -1;
  for (std::size_t c = 0; c < total; c++) {
    const std::int32_t r = rowCode[c];
    const std::int32_t col = colCode[c];
    if (r < 0 || col < 0) continue;
    if (r >= nRows) return -1;
    if (r != row) {
      if (r < row) return 0;
      row = r;
      lastOwn = -1;
      lastGhost = -1;
    }
    if (col < nOwnCols) {
      if (col < lastOwn) return 0;
      if (col != lastOwn) ooPtr[r + 1]++;
      lastOwn = col;
    } else {
      if (col < lastGhost) return 0;
      if (col != lastGhost) ogPtr[r + 1]++;
      lastGhost = col;
    }
  }
  for (std::int32_t r = 0; r < nRows; r++) {
    ooPtr[r + 1] += ooPtr[r];
    ogPtr[r + 1] += ogPtr[r];
  }
  return 1;
}

// CsrFill after OrderedPattern returned 1: the same column ids and slots, in one pass over the
// contributions in their order. Returns false when the blocks would exceed nOO / nOG entries
// (the contributions are not those OrderedPattern counted).
inline bool OrderedFill(std::int32_t nOwnCols, std::size_t total, const std::int32_t* rowCode,
                        const std::int32_t* colCode, std::int32_t* ooCol, std::int32_t nOO, std::int32_t* ogCol,
                        std::int32_t nOG, std::int32_t* slot) {
  std::int32_t oo = 0;
  std::int32_t og = 0;
  std::int32_t row = -1;
  std::int32_t lastOwn = -1;
  std::int32_t lastGhost = -1;
  for (std::size_t c = 0; c < total; c++) {
    const std::int32_t r = rowCode[c];
    const std::int32_t col = colCode[c];
    if (r < 0 || col < 0) {
      slot[c] = r < 0 ? r : -1;
      continue;
    }
    if (r != row) {
      row = r;
      lastOwn = -1;
      lastGhost = -1;
    }
    if (col < nOwnCols) {
      if (col != lastOwn) {
        if (oo >= nOO) return false;
        ooCol[oo++] = col;
        lastOwn = col;
      }
      slot[c] = oo - 1;
    } else {
      if (col != lastGhost) {
        if (og >= nOG) return false;
        ogCol[og++] = col - nOwnCols;
        lastGhost = col;
      }
      slot[c] = nOO + og - 1;
    }
  }
  return true;
}

// The numeric phase: for t = 0..m-1 in order, the value values[t] is added to stored entry
// slots[t] (own-own below nOO, own-ghost from nOO); negative slots are skipped. Returns false
// (after the entries before it were added) at the first slot past both blocks.
inline bool AddSlots(std::size_t m, const std::int32_t* slots, const double* values, double* oo, std::int32_t nOO,
                     double* og, std::int32_t nOG) {
  for (std::size_t t = 0; t < m; t++) {
    const std::int32_t s = slots[t];
    if (s < 0) continue;
    if (s < nOO) oo[s] += values[t];
    else if (s - nOO < nOG) og[s - nOO] += values[t];
    else return false;
  }
  return true;
}

// The compact form of a CSR block (see src/kernels/compact-csr.ts): lengths[i] = entries of row i,
// offsets[k] = colIdx[k] - i. Returns -1 when it fits, else 2 * row + 0 for a row of more than
// maxLength entries, 2 * row + 1 for an entry farther than maxOffset columns from its row (the
// first such row; the arrays are then partly written).
inline std::int64_t CsrCompact(std::int32_t nRows, const std::int32_t* rowPtr, const std::int32_t* colIdx,
                               std::uint8_t* lengths, std::int16_t* offsets, std::int32_t maxLength,
                               std::int32_t maxOffset) {
  for (std::int32_t i = 0; i < nRows; i++) {
    const std::int32_t begin = rowPtr[i];
    const std::int32_t end = rowPtr[i + 1];
    if (end - begin > maxLength) return 2 * static_cast<std::int64_t>(i);
    lengths[i] = static_cast<std::uint8_t>(end - begin);
    for (std::int32_t k = begin; k < end; k++) {
      const std::int32_t offset = colIdx[k] - i;
      if (offset > maxOffset || offset < -maxOffset) return 2 * static_cast<std::int64_t>(i) + 1;
      offsets[k] = static_cast<std::int16_t>(offset);
    }
  }
  return -1;
}

// The Jacobi preconditioner's inverse diagonal of a square CSR block whose columns ascend within
// each row: out[i] = 1 / (the entry at column i of row i). Returns -1 when every row has a finite
// nonzero diagonal entry, else the first row that does not (out is then partly written).
inline std::int64_t CsrInverseDiagonal(std::int32_t nRows, const std::int32_t* rowPtr, const std::int32_t* colIdx,
                                       const double* values, double* out) {
  for (std::int32_t i = 0; i < nRows; i++) {
    std::int32_t k = rowPtr[i];
    const std::int32_t end = rowPtr[i + 1];
    while (k < end && colIdx[k] < i) k++;
    if (k == end || colIdx[k] != i) return i;
    const double diagonal = values[k];
    if (diagonal == 0.0 || !std::isfinite(diagonal)) return i;
    out[i] = 1.0 / diagonal;
  }
  return -1;
}

// The finite-difference Laplacian's triplets (laplacianFdm) of the own rows `box`, in local order,
// on a grid of n[0] x n[1] x n[2] nodes (unused directions 1) of `dims` directions: per row the
// neighbours below in descending direction, the diagonal 2 * dims, the neighbours above in
// ascending direction, all -1. Writes I, J, V when I is not null; returns the number of triplets.
inline std::size_t StencilTriplets(const OwnBoxSpec& box, const std::int64_t n[3], int dims, double* I, double* J,
                                   double* V) {
  const std::int64_t s1 = n[0];
  const std::int64_t s2 = n[0] * n[1];
  const double diagonal = 2.0 * dims;
  std::size_t k = 0;
  auto row = [&](std::int64_t gid) {
    const std::int64_t c0 = gid % n[0];
    const std::int64_t rest = gid / n[0];
    const std::int64_t c1 = rest % n[1];
    const std::int64_t c2 = rest / n[1];
    if (I == nullptr) {
      k += 1 + (c0 > 0) + (c0 < n[0] - 1) + (c1 > 0) + (c1 < n[1] - 1) + (c2 > 0) + (c2 < n[2] - 1);
      return;
    }
    const std::size_t first = k;
    const double g = static_cast<double>(gid);
    if (c2 > 0) J[k++] = static_cast<double>(gid - s2);
    if (c1 > 0) J[k++] = static_cast<double>(gid - s1);
    if (c0 > 0) J[k++] = static_cast<double>(gid - 1);
    const std::size_t diag = k;
    J[k++] = g;
    if (c0 < n[0] - 1) J[k++] = static_cast<double>(gid + 1);
    if (c1 < n[1] - 1) J[k++] = static_cast<double>(gid + s1);
    if (c2 < n[2] - 1) J[k++] = static_cast<double>(gid + s2);
    for (std::size_t e = first; e < k; e++) {
      I[e] = g;
      V[e] = -1.0;
    }
    V[diag] = diagonal;
  };
  if (box.nd == 1) {
    const auto hi = static_cast<std::int64_t>(box.hi[0]);
    for (auto gid = static_cast<std::int64_t>(box.lo[0]); gid < hi; gid++) row(gid);
    return k;
  }
  const auto d0 = static_cast<std::int64_t>(box.dims[0]);
  const auto d1 = static_cast<std::int64_t>(box.dims[1]);
  const int last = box.nd == 3 ? 2 : 1;
  const auto lo2 = last == 2 ? static_cast<std::int64_t>(box.lo[2]) : 0;
  const auto hi2 = last == 2 ? static_cast<std::int64_t>(box.hi[2]) : 1;
  for (std::int64_t c2 = lo2; c2 < hi2; c2++) {
    for (auto c1 = static_cast<std::int64_t>(box.lo[1]); c1 < static_cast<std::int64_t>(box.hi[1]); c1++) {
      const std::int64_t base = d0 * (c1 + d1 * c2);
      for (auto c0 = static_cast<std::int64_t>(box.lo[0]); c0 < static_cast<std::int64_t>(box.hi[0]); c0++) row(base + c0);
    }
  }
  return k;
}

}  // namespace pa_kernels

#endif  // PA_KERNELS_ASSEMBLY_H_
