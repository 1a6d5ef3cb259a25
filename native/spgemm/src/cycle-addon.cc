// The Node-API entry points of the AMG V-cycle's fused row passes and Chebyshev start in
// cycle.h, exported by the sparse-product addon (pa_spgemm) beside the products that build the
// hierarchy. The TypeScript
// description and the calls are in src/solvers/amg/cycle-kernels.ts. Types, counts and lengths
// are checked here (TypeError or RangeError naming the argument); as for the library's SpMV
// kernels, that the column ids index u is a precondition (they come from a PSparseMatrix's
// blocks, checked when it was built).
#include <node_api.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <string>

#include "check.h"
#include "cycle-addon.h"
#include "cycle.h"

namespace {

using pa_spgemm_args::Check;

// Whether two arrays of doubles share memory (a pass whose input shares memory with what it
// writes must finish each row before the next row's sum: see pa_amg::for_row_sums).
bool IsUndefined(napi_env env, napi_value value) {
  napi_valuetype type = napi_undefined;
  return napi_typeof(env, value, &type) == napi_ok && type == napi_undefined;
}

bool Overlap(const double* a, std::size_t na, const double* b, std::size_t nb) {
  if (na == 0 || nb == 0) return false;
  const std::less<const double*> before;
  return before(a, b + nb) && before(b, a + na);
}

template <int32_t M>
void Run(int32_t phase, int32_t from, int32_t to, const int32_t* rowPtr, const int32_t* col, const double* val, const double* u,
         const int32_t* ghostPtr, double* partial, const pa_amg::Vectors& v, bool grouped) {
  if (phase == 1) {
    pa_amg::own_pass<M>(from, to, rowPtr, col, val, u, ghostPtr, partial, v, grouped);
  } else {
    pa_amg::ghost_pass<M>(from, to, rowPtr, col, val, u, partial, v);
  }
}

// rowPtr[from..to] never decreases and stays within 0..entries: what a pass over rows from..to-1
// reads of it. The rows outside are not read, so not scanned: a pass over a part's edge rows then
// costs its rows, not a scan of the whole block's row pointers (4 MB on the finest level at n = 128
// on 2 parts, read about ten times per V-cycle). rowPtr[0] must be 0 all the same (one read).
void RowRange(Check& check, const int32_t* rowPtr, int32_t from, int32_t to, std::size_t entries, const char* name) {
  if (check.failed) return;
  if (rowPtr[0] != 0) return check.Fail(false, std::string(name) + "[0] must be 0");
  if (rowPtr[from] < 0) return check.Fail(false, std::string(name) + " is negative at row " + std::to_string(from));
  for (int32_t i = from; i < to; i++) {
    if (rowPtr[i + 1] < rowPtr[i]) return check.Fail(false, std::string(name) + " decreases at row " + std::to_string(i));
  }
  if (static_cast<std::size_t>(rowPtr[to]) > entries) {
    check.Fail(false, std::string(name) + " points past the end of the column ids");
  }
}

// The vectors a stage of `mode` reads or writes (v0..v4), which must hold nRows values.
bool Uses(int32_t mode, int32_t k) {
  if (mode == pa_amg::kPipelineRestrict) return k == 1;  // v0 is the coarse vector (P's columns)
  if (mode == pa_amg::kPipelineStart || mode >= pa_amg::kChebyshevStep) return true;
  if (mode == pa_amg::kChebyshevFirst) return k <= 3;
  return mode == pa_amg::kResidual ? k <= 1 : k == 0;
}

// cyclePipeline(nRows, bandwidth, aRowPtr, aColIdx, aValues, pRowPtr, pColIdx, pValues, pCols, modes,
//           scalars, vectors): cycle_pipeline's stages, stage s of mode modes[s] (kPipelineStart: Chebyshev's
// start; kAdd and kPipelineRestrict: a pass over P; any other: a pass over A), scalars alpha, beta at 2s, 2s+1, and vectors
// u, v0..v4 at 6s..6s+5 of the array `vectors` (empty where unused); optional 13th argument
// `ranges` (Int32Array, 2 per stage): stage s runs rows ranges[2s]..ranges[2s+1]-1 (see
// cycle_pipeline; each range within 0..nRows).
napi_value Pipeline(napi_env env, napi_value* a, std::size_t count) {
  Check check{env, "cyclePipeline"};
  if (count < 12) {
    check.Fail(true, "expected 12 arguments");
    return nullptr;
  }
  const int32_t nRows = check.Count(a[0], "nRows", 2147483646.0);
  const int32_t bandwidth = check.Count(a[1], "bandwidth");
  const int32_t pCols = check.Count(a[8], "pCols");
  const std::size_t rows = static_cast<std::size_t>(nRows);
  std::size_t aCols = 0, aVals = 0, pColLength = 0, pVals = 0, nStages = 0, nScalars = 0;
  const int32_t* rowPtr[2];
  const int32_t* col[2];
  const double* val[2];
  rowPtr[0] = check.Array<int32_t>(a[2], napi_int32_array, rows + 1, "aRowPtr");
  col[0] = check.Array<int32_t>(a[3], napi_int32_array, 0, "aColIdx", &aCols);
  val[0] = check.Array<double>(a[4], napi_float64_array, 0, "aValues", &aVals);
  rowPtr[1] = check.Array<int32_t>(a[5], napi_int32_array, rows + 1, "pRowPtr");
  col[1] = check.Array<int32_t>(a[6], napi_int32_array, 0, "pColIdx", &pColLength);
  val[1] = check.Array<double>(a[7], napi_float64_array, 0, "pValues", &pVals);
  const int32_t* modes = check.Array<int32_t>(a[9], napi_int32_array, 1, "modes", &nStages);
  const double* scalars = check.Array<double>(a[10], napi_float64_array, 0, "scalars", &nScalars);
  if (check.failed) return nullptr;
  if (nStages > 16) check.Fail(false, "at most 16 stages");
  if (!check.failed && nScalars < 2 * nStages) check.Fail(false, "scalars needs 2 values per stage");
  bool isArray = false;
  uint32_t nVectors = 0;
  if (!check.failed && (napi_is_array(env, a[11], &isArray) != napi_ok || !isArray ||
                        napi_get_array_length(env, a[11], &nVectors) != napi_ok || nVectors < 6 * nStages)) {
    check.Fail(true, "vectors must be an array of 6 Float64Arrays per stage");
  }
  if (check.failed) return nullptr;
  pa_amg::Stage stages[16];
  for (std::size_t s = 0; s < nStages; s++) {
    const int32_t mode = modes[s];
    if (mode != pa_amg::kPipelineStart && mode != pa_amg::kPipelineRestrict &&
        (mode < pa_amg::kResidual || mode > pa_amg::kChebyshevStepAddPrevious)) {
      check.Fail(false, "modes[" + std::to_string(s) + "] = " + std::to_string(mode) + " is not a stage");
      return nullptr;
    }
    napi_value v[6];
    for (uint32_t k = 0; k < 6; k++) {
      if (napi_get_element(env, a[11], static_cast<uint32_t>(6 * s) + k, &v[k]) != napi_ok) {
        check.Fail(true, "vectors must be an array of 6 Float64Arrays per stage");
        return nullptr;
      }
    }
    pa_amg::Stage& st = stages[s];
    st.mode = mode;
    const bool restrict = mode == pa_amg::kPipelineRestrict;
    st.matrix = mode == pa_amg::kPipelineStart ? -1 : mode == pa_amg::kAdd || restrict ? 1 : 0;
    const std::size_t uLength = st.matrix < 0 || restrict ? 0 : st.matrix == 1 ? static_cast<std::size_t>(pCols) : rows;
    std::size_t uLengthGiven = 0;
    st.u = check.Array<double>(v[0], napi_float64_array, uLength, "a stage's u", &uLengthGiven);
    double* w[5];
    std::size_t wLength[5] = {0, 0, 0, 0, 0};
    for (int32_t k = 0; k < 5; k++) {
      const std::size_t need = restrict && k == 0 ? static_cast<std::size_t>(pCols) : Uses(mode, k) ? rows : 0;
      w[k] = check.Array<double>(v[k + 1], napi_float64_array, need, "a stage's vector", &wLength[k]);
    }
    st.v = pa_amg::Vectors{w[0], w[1], w[2], w[3], w[4], scalars[2 * s], scalars[2 * s + 1]};
    if (check.failed) return nullptr;
    st.grouped = true;
    for (int32_t k = 0; k < 3; k++) st.grouped = st.grouped && !Overlap(st.u, uLengthGiven, w[k], wLength[k]);
  }
  int32_t first[16];
  int32_t last[16];
  for (std::size_t s = 0; s < nStages; s++) {
    first[s] = 0;
    last[s] = nRows;
  }
  const bool ranged = count > 12 && !IsUndefined(env, a[12]);
  if (ranged) {
    const int32_t* ranges = check.Array<int32_t>(a[12], napi_int32_array, 2 * nStages, "ranges");
    if (check.failed) return nullptr;
    for (std::size_t s = 0; s < nStages; s++) {
      first[s] = ranges[2 * s];
      last[s] = ranges[2 * s + 1];
      if (first[s] < 0 || first[s] > last[s] || last[s] > nRows) {
        check.Fail(false, "ranges of stage " + std::to_string(s) + " must satisfy 0 <= first <= last <= nRows");
        return nullptr;
      }
    }
  }
  // A scatter adds nothing for a row without entries: its range shrinks to the rows from the first
  // to the last with entries (found by bisection, the row pointers rising), so the restriction
  // over P's ghost block (entries on one plane of rows at each end of a slab, 1M rows at n = 128
  // on 2 parts) reads neither the rows without entries nor their values of r. The rows left out
  // are not read, so not checked either.
  for (std::size_t s = 0; s < nStages; s++) {
    if (stages[s].mode != pa_amg::kPipelineRestrict || first[s] == last[s]) continue;
    const int32_t* ptr = rowPtr[1];
    const int32_t* past = std::upper_bound(ptr + first[s] + 1, ptr + last[s] + 1, ptr[first[s]]);
    const int32_t* end = std::lower_bound(ptr + first[s], ptr + last[s] + 1, ptr[last[s]]);
    last[s] = static_cast<int32_t>(end - ptr);
    first[s] = std::min(static_cast<int32_t>(past - ptr) - 1, last[s]);
  }
  // Per matrix, the rows some stage reads: their row pointers are checked, the others not read.
  int32_t lowest[2] = {nRows, nRows};
  int32_t highest[2] = {0, 0};
  for (std::size_t s = 0; s < nStages; s++) {
    const int32_t m = stages[s].matrix;
    if (m < 0) continue;
    const int32_t from = first[s];
    const int32_t to = last[s];
    if (from == to) continue;
    lowest[m] = std::min(lowest[m], from);
    highest[m] = std::max(highest[m], to);
  }
  const std::size_t entries[2] = {std::min(aCols, aVals), std::min(pColLength, pVals)};
  const char* names[2] = {"aRowPtr", "pRowPtr"};
  for (int32_t m = 0; m < 2; m++) {
    if (lowest[m] < highest[m]) RowRange(check, rowPtr[m], lowest[m], highest[m], entries[m], names[m]);
  }
  if (check.failed) return nullptr;
  if (nStages > 0 && nRows > 0) {
    pa_amg::cycle_pipeline(nRows, bandwidth, rowPtr, col, val, stages, static_cast<int32_t>(nStages), first, last);
  }
  return nullptr;
}

}  // namespace

namespace pa_amg {

// cycleRows(mode, phase, nRows, rowPtr, colIdx, values, u, ghostRowPtr, partial, v0, v1, v2, v3, v4, alpha, beta
//           [, from, to]): rows from..to-1 only when given (0 <= from <= to <= nRows).
napi_value CycleRows(napi_env env, napi_callback_info info) {
  constexpr std::size_t kArgs = 18;
  napi_value a[kArgs];
  std::size_t count = kArgs;
  if (napi_get_cb_info(env, info, &count, a, nullptr, nullptr) != napi_ok || count < 16) {
    napi_throw_type_error(env, nullptr, "cycleRows: expected 16 arguments");
    return nullptr;
  }
  Check check{env, "cycleRows"};
  const int32_t mode = check.Count(a[0], "mode", pa_amg::kChebyshevStepAddPrevious);
  const int32_t phase = check.Count(a[1], "phase", 2);
  const int32_t nRows = check.Count(a[2], "nRows", 2147483646.0);
  if (!check.failed && phase == 0) check.Fail(false, "phase must be 1 or 2");
  const std::size_t rows = static_cast<std::size_t>(nRows);
  std::size_t colLength = 0, valueLength = 0;
  const int32_t* rowPtr = check.Array<int32_t>(a[3], napi_int32_array, rows + 1, "rowPtr");
  const int32_t* col = check.Array<int32_t>(a[4], napi_int32_array, 0, "colIdx", &colLength);
  const double* val = check.Array<double>(a[5], napi_float64_array, 0, "values", &valueLength);
  std::size_t uLength = 0, partialLength = 0, vLength[3] = {0, 0, 0};
  const double* u = check.Array<double>(a[6], napi_float64_array, 0, "u", &uLength);
  const int32_t* ghostPtr = check.Array<int32_t>(a[7], napi_int32_array, rows + 1, "ghostRowPtr");
  double* partial = check.Array<double>(a[8], napi_float64_array, rows, "partial", &partialLength);
  // The vectors each mode reads or writes must hold nRows values; the others may be empty.
  const bool chebyshev = mode >= pa_amg::kChebyshevFirst;
  const std::size_t need1 = mode == pa_amg::kAdd ? 0 : rows;
  const std::size_t need2 = chebyshev ? rows : 0;
  const std::size_t need4 = mode >= pa_amg::kChebyshevStep ? rows : 0;
  pa_amg::Vectors v{};
  v.v0 = check.Array<double>(a[9], napi_float64_array, rows, "v0", &vLength[0]);
  v.v1 = check.Array<double>(a[10], napi_float64_array, need1, "v1", &vLength[1]);
  v.v2 = check.Array<double>(a[11], napi_float64_array, need2, "v2", &vLength[2]);
  v.v3 = check.Array<double>(a[12], napi_float64_array, need2, "v3");
  v.v4 = check.Array<double>(a[13], napi_float64_array, need4, "v4");
  v.alpha = check.Number(a[14], "alpha");
  v.beta = check.Number(a[15], "beta");
  int32_t from = 0, to = nRows;
  if (count >= 18 && !IsUndefined(env, a[16])) {
    from = check.Count(a[16], "from", nRows);
    to = check.Count(a[17], "to", nRows);
    if (!check.failed && from > to) check.Fail(false, "from must be at most to");
  }
  if (check.failed) return nullptr;
  if (rowPtr[0] != 0) {
    check.Fail(false, "rowPtr[0] must be 0");
    return nullptr;
  }
  const int64_t nnz = rowPtr[nRows];
  if (nnz < 0 || static_cast<std::size_t>(nnz) > colLength || static_cast<std::size_t>(nnz) > valueLength) {
    check.Fail(false, "rowPtr[nRows] = " + std::to_string(nnz) + " must be in 0 .. min(colIdx.length, values.length)");
    return nullptr;
  }
  RowRange(check, rowPtr, from, to, std::min(colLength, valueLength), "rowPtr");
  if (check.failed) return nullptr;
  const bool grouped = !Overlap(u, uLength, partial, partialLength) && !Overlap(u, uLength, v.v0, vLength[0]) &&
                       !Overlap(u, uLength, v.v1, vLength[1]) && !Overlap(u, uLength, v.v2, vLength[2]);
  switch (mode) {
    case pa_amg::kResidual:
      Run<pa_amg::kResidual>(phase, from, to, rowPtr, col, val, u, ghostPtr, partial, v, grouped);
      break;
    case pa_amg::kAdd:
      Run<pa_amg::kAdd>(phase, from, to, rowPtr, col, val, u, ghostPtr, partial, v, grouped);
      break;
    case pa_amg::kChebyshevFirst:
      Run<pa_amg::kChebyshevFirst>(phase, from, to, rowPtr, col, val, u, ghostPtr, partial, v, grouped);
      break;
    case pa_amg::kChebyshevStep:
      Run<pa_amg::kChebyshevStep>(phase, from, to, rowPtr, col, val, u, ghostPtr, partial, v, grouped);
      break;
    default:
      Run<pa_amg::kChebyshevStepAddPrevious>(phase, from, to, rowPtr, col, val, u, ghostPtr, partial, v, grouped);
  }
  return nullptr;
}

// chebyshevStart(n, b, inverse, theta, r, d, x)
napi_value ChebyshevStart(napi_env env, napi_callback_info info) {
  constexpr std::size_t kArgs = 7;
  napi_value a[kArgs];
  std::size_t count = kArgs;
  if (napi_get_cb_info(env, info, &count, a, nullptr, nullptr) != napi_ok || count < kArgs) {
    napi_throw_type_error(env, nullptr, "chebyshevStart: expected 7 arguments");
    return nullptr;
  }
  Check check{env, "chebyshevStart"};
  const int32_t n = check.Count(a[0], "n");
  const std::size_t length = static_cast<std::size_t>(n);
  const double* b = check.Array<double>(a[1], napi_float64_array, length, "b");
  const double* inverse = check.Array<double>(a[2], napi_float64_array, length, "inverse");
  const double theta = check.Number(a[3], "theta");
  double* r = check.Array<double>(a[4], napi_float64_array, length, "r");
  double* d = check.Array<double>(a[5], napi_float64_array, length, "d");
  double* x = check.Array<double>(a[6], napi_float64_array, length, "x");
  if (check.failed) return nullptr;
  chebyshev_start(n, b, inverse, theta, r, d, x);
  return nullptr;
}

napi_value CyclePipeline(napi_env env, napi_callback_info info) {
  constexpr std::size_t kArgs = 13;
  napi_value a[kArgs];
  std::size_t count = kArgs;
  if (napi_get_cb_info(env, info, &count, a, nullptr, nullptr) != napi_ok) {
    napi_throw_type_error(env, nullptr, "cyclePipeline: cannot read the arguments");
    return nullptr;
  }
  return Pipeline(env, a, count);
}

}  // namespace pa_amg
