// The Node-API entry points of the AMG V-cycle's fused row passes and Chebyshev start in
// cycle.h, exported by the sparse-product addon (pa_spgemm) beside the products that build the
// hierarchy. The TypeScript
// description and the calls are in src/solvers/amg/cycle-kernels.ts. Types, counts and lengths
// are checked here (TypeError or RangeError naming the argument); as for the library's SpMV
// kernels, that the column ids index u is a precondition (they come from a PSparseMatrix's
// blocks, checked when it was built).
#include <node_api.h>

#include <cmath>
#include <cstdint>
#include <string>

#include "check.h"
#include "cycle-addon.h"
#include "cycle.h"

namespace {

using pa_spgemm_args::Check;

template <int32_t M>
void Run(int32_t phase, int32_t nRows, const int32_t* rowPtr, const int32_t* col, const double* val, const double* u,
         const int32_t* ghostPtr, double* partial, const pa_amg::Vectors& v) {
  if (phase == 1) {
    pa_amg::own_pass<M>(nRows, rowPtr, col, val, u, ghostPtr, partial, v);
  } else {
    pa_amg::ghost_pass<M>(nRows, rowPtr, col, val, u, partial, v);
  }
}

}  // namespace

namespace pa_amg {

// cycleRows(mode, phase, nRows, rowPtr, colIdx, values, u, ghostRowPtr, partial, v0, v1, v2, v3, v4, alpha, beta)
napi_value CycleRows(napi_env env, napi_callback_info info) {
  constexpr std::size_t kArgs = 16;
  napi_value a[kArgs];
  std::size_t count = kArgs;
  if (napi_get_cb_info(env, info, &count, a, nullptr, nullptr) != napi_ok || count < kArgs) {
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
  const double* u = check.Array<double>(a[6], napi_float64_array, 0, "u");
  const int32_t* ghostPtr = check.Array<int32_t>(a[7], napi_int32_array, rows + 1, "ghostRowPtr");
  double* partial = check.Array<double>(a[8], napi_float64_array, rows, "partial");
  // The vectors each mode reads or writes must hold nRows values; the others may be empty.
  const bool chebyshev = mode >= pa_amg::kChebyshevFirst;
  const std::size_t need1 = mode == pa_amg::kAdd ? 0 : rows;
  const std::size_t need2 = chebyshev ? rows : 0;
  const std::size_t need4 = mode >= pa_amg::kChebyshevStep ? rows : 0;
  pa_amg::Vectors v{};
  v.v0 = check.Array<double>(a[9], napi_float64_array, rows, "v0");
  v.v1 = check.Array<double>(a[10], napi_float64_array, need1, "v1");
  v.v2 = check.Array<double>(a[11], napi_float64_array, need2, "v2");
  v.v3 = check.Array<double>(a[12], napi_float64_array, need2, "v3");
  v.v4 = check.Array<double>(a[13], napi_float64_array, need4, "v4");
  v.alpha = check.Number(a[14], "alpha");
  v.beta = check.Number(a[15], "beta");
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
  for (int32_t i = 0; i < nRows; i++) {
    if (rowPtr[i + 1] < rowPtr[i]) {
      check.Fail(false, "rowPtr decreases at row " + std::to_string(i));
      return nullptr;
    }
  }
  switch (mode) {
    case pa_amg::kResidual:
      Run<pa_amg::kResidual>(phase, nRows, rowPtr, col, val, u, ghostPtr, partial, v);
      break;
    case pa_amg::kAdd:
      Run<pa_amg::kAdd>(phase, nRows, rowPtr, col, val, u, ghostPtr, partial, v);
      break;
    case pa_amg::kChebyshevFirst:
      Run<pa_amg::kChebyshevFirst>(phase, nRows, rowPtr, col, val, u, ghostPtr, partial, v);
      break;
    case pa_amg::kChebyshevStep:
      Run<pa_amg::kChebyshevStep>(phase, nRows, rowPtr, col, val, u, ghostPtr, partial, v);
      break;
    default:
      Run<pa_amg::kChebyshevStepAddPrevious>(phase, nRows, rowPtr, col, val, u, ghostPtr, partial, v);
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

}  // namespace pa_amg
