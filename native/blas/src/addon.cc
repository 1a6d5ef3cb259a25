// pa_blas: Node-API entry points of OpenBLAS's ddot, daxpy and dgemv (CBLAS), of its thread
// count, and of the addon's own column-major matrix-vector kernel (gemv-columns.h). The TypeScript description of every export is src/dense/blas.ts (`BlasBinding`); the
// library calls them through `openBlas()` there, which validates the arguments first with the
// library's error classes. The checks here repeat every one that keeps memory safe (types, counts,
// strides, leading dimension, array lengths), with the same reasons, so that a direct call with bad
// arguments throws a TypeError or RangeError instead of letting OpenBLAS touch memory it does not
// own, or print its own xerbla message and return.
//
// The entry points use the plain C API, as native/kernels does: node-addon-api's CallbackInfo
// heap-allocates the argument list of calls with more than 6 arguments (dgemv has 12).
#include <napi.h>

#include <cblas.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstdint>
#include <cstring>
#include <exception>
#include <string>

#include "../../common/napi-checks.h"
#include "gemv-columns.h"

// Declared again because a generic cblas.h (another BLAS chosen by update-alternatives) lacks
// them; the library linked is always OpenBLAS (-lopenblas), which defines them.
extern "C" {
void openblas_set_num_threads(int num_threads);
int openblas_get_num_threads(void);
}

namespace pa_blas {

namespace {

using pa_native::Entry;
using pa_native::Fail;
using pa_native::NumberArg;

constexpr double kMaxInt = 2147483647.0;  // blasint is 32-bit in Debian's OpenBLAS

// A number as JavaScript's String() writes it: the shortest digits that read back the same.
std::string Format(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "Infinity" : "-Infinity";
  if (v == 0.0) return "0";  // also -0, as String(-0)
  char text[32];
  if (std::floor(v) == v && std::fabs(v) < 1e21) {
    std::snprintf(text, sizeof text, "%.0f", v);
    return text;
  }
  for (int digits = 1; digits <= 17; digits++) {
    std::snprintf(text, sizeof text, "%.*g", digits, v);
    if (std::strtod(text, nullptr) == v) break;
  }
  return text;
}

// An integer in lo .. 2^31-1; `range` writes the interval for the message (called on failure only,
// so that a valid call builds no string).
template <typename Range>
int IntArg(napi_env env, napi_value value, double lo, const char* routine, const char* name, Range range) {
  const double v = NumberArg(env, value, routine, name);
  if (!(v >= lo && v <= kMaxInt && std::floor(v) == v)) {
    Fail(false, routine, name, "must be an integer in " + std::string(range()) + ", got " + Format(v));
  }
  return static_cast<int>(v);
}

int CountArg(napi_env env, napi_value value, const char* routine, const char* name) {
  return IntArg(env, value, 0.0, routine, name, [] { return "0 .. 2^31-1"; });
}

// A stride: non-zero (BLAS forbids 0 in dgemv, and OpenBLAS special-cases it in daxpy), and
// |inc| <= 2^31-1 so that its absolute value is an int.
int IncArg(napi_env env, napi_value value, const char* routine, const char* name) {
  const double v = NumberArg(env, value, routine, name);
  if (!(v != 0.0 && std::fabs(v) <= kMaxInt && std::floor(v) == v)) {
    Fail(false, routine, name, "must be a non-zero integer in -(2^31-1) .. 2^31-1, got " + Format(v));
  }
  return static_cast<int>(v);
}

// One of the strings in `allowed` (at most 7 characters each), as its index.
int ChoiceArg(napi_env env, napi_value value, const char* const* allowed, int count, const char* routine,
              const char* name, const char* expected) {
  char text[8] = {0};
  std::size_t length = 0;
  if (napi_get_value_string_utf8(env, value, text, sizeof text, &length) == napi_ok) {
    for (int i = 0; i < count; i++) {
      if (length == std::strlen(allowed[i]) && std::strcmp(text, allowed[i]) == 0) return i;
    }
  }
  Fail(false, routine, name, std::string("must be ") + expected);
}

// The elements a strided vector of `count` elements spans: 1 + (count-1)*|inc|, 0 when empty.
std::uint64_t Span(int count, int inc) {
  if (count == 0) return 0;
  return 1 + static_cast<std::uint64_t>(count - 1) * static_cast<std::uint64_t>(std::abs(inc));
}

// A Float64Array's first element (Node-API's pointer already includes the view's byteOffset),
// after checking that it holds `needed` elements; `formula` (called on failure only) says how
// `needed` was computed.
template <typename Formula>
double* ArrayArg(napi_env env, napi_value value, std::uint64_t needed, Formula formula, const char* routine,
                 const char* name) {
  const auto array = pa_native::ArrayArg<double>(env, value, napi_float64_array, 0, routine, name);
  if (static_cast<std::uint64_t>(array.length) < needed) {
    Fail(false, routine, name, "has length " + std::to_string(array.length) + ", needs at least " +
                                   std::string(formula()) + " = " + std::to_string(needed));
  }
  return array.data;
}

// A strided vector argument: `count` elements `countName` at stride `incName`.
double* VectorArg(napi_env env, napi_value value, int count, int inc, const char* countName, const char* incName,
                  const char* routine, const char* name) {
  const auto formula = [=] { return std::string("1 + (") + countName + "-1)*|" + incName + "|"; };
  return ArrayArg(env, value, Span(count, inc), formula, routine, name);
}

napi_value Number(napi_env env, double value) {
  napi_value out = nullptr;
  napi_create_double(env, value, &out);
  return out;
}

// ddot(n, x, incx, y, incy) -> x.y
napi_value DdotEntry(napi_env env, const napi_value* args) {
  const char* r = "ddot";
  const int n = CountArg(env, args[0], r, "n");
  const int incx = IncArg(env, args[2], r, "incx");
  const int incy = IncArg(env, args[4], r, "incy");
  const double* x = VectorArg(env, args[1], n, incx, "n", "incx", r, "x");
  const double* y = VectorArg(env, args[3], n, incy, "n", "incy", r, "y");
  return Number(env, cblas_ddot(n, x, incx, y, incy));
}

// daxpy(n, alpha, x, incx, y, incy): y = alpha x + y
napi_value DaxpyEntry(napi_env env, const napi_value* args) {
  const char* r = "daxpy";
  const double alpha = NumberArg(env, args[1], r, "alpha");
  const int n = CountArg(env, args[0], r, "n");
  const int incx = IncArg(env, args[3], r, "incx");
  const int incy = IncArg(env, args[5], r, "incy");
  const double* x = VectorArg(env, args[2], n, incx, "n", "incx", r, "x");
  double* y = VectorArg(env, args[4], n, incy, "n", "incy", r, "y");
  cblas_daxpy(n, alpha, x, incx, y, incy);
  return nullptr;
}

// dgemv(layout, trans, m, n, alpha, A, lda, x, incx, beta, y, incy): y = alpha op(A) x + beta y
napi_value DgemvEntry(napi_env env, const napi_value* args) {
  const char* r = "dgemv";
  static const char* const kLayouts[] = {"row", "col"};
  static const char* const kTrans[] = {"n", "t"};
  const bool rowMajor = ChoiceArg(env, args[0], kLayouts, 2, r, "layout", "'row' or 'col'") == 0;
  const bool transposed = ChoiceArg(env, args[1], kTrans, 2, r, "trans", "'n' or 't'") == 1;
  const int m = CountArg(env, args[2], r, "m");
  const int n = CountArg(env, args[3], r, "n");
  const double alpha = NumberArg(env, args[4], r, "alpha");
  const double beta = NumberArg(env, args[9], r, "beta");
  // The stored matrix has `rows` rows of `cols` contiguous elements, lda apart.
  const int rows = rowMajor ? m : n;
  const int cols = rowMajor ? n : m;
  const int minLda = cols > 1 ? cols : 1;
  const auto ldaRange = [=] {
    return std::to_string(minLda) + " .. 2^31-1 (max(1, " + (rowMajor ? "n" : "m") + ") for a " +
           (rowMajor ? "row" : "column") + "-major A)";
  };
  const int lda = IntArg(env, args[6], minLda, r, "lda", ldaRange);
  const int incx = IncArg(env, args[8], r, "incx");
  const int incy = IncArg(env, args[11], r, "incy");
  const std::uint64_t needA = rows == 0 || cols == 0 ? 0 : static_cast<std::uint64_t>(rows - 1) * lda + cols;
  const double* a = ArrayArg(env, args[5], needA, [=] { return rowMajor ? "(m-1)*lda + n" : "(n-1)*lda + m"; }, r, "A");
  const double* x = transposed ? VectorArg(env, args[7], m, incx, "m", "incx", r, "x")
                               : VectorArg(env, args[7], n, incx, "n", "incx", r, "x");
  double* y = transposed ? VectorArg(env, args[10], n, incy, "n", "incy", r, "y")
                         : VectorArg(env, args[10], m, incy, "m", "incy", r, "y");
  cblas_dgemv(rowMajor ? CblasRowMajor : CblasColMajor, transposed ? CblasTrans : CblasNoTrans, m, n, alpha, a, lda,
              x, incx, beta, y, incy);
  return nullptr;
}

// gemvColumns(m, n, alpha, A, lda, x, beta, y, path): y = alpha A x + beta y for a column-major A
// with unit strides, by the kernel of gemv-columns.h; `path` is 'auto' (the widest this CPU has),
// 'avx512', 'avx2' or 'scalar' (a path the CPU lacks is a RangeError).
napi_value GemvColumnsEntry(napi_env env, const napi_value* args) {
  const char* r = "gemvColumns";
  static const char* const kPaths[] = {"auto", "avx512", "avx2", "scalar"};
  const int m = CountArg(env, args[0], r, "m");
  const int n = CountArg(env, args[1], r, "n");
  const double alpha = NumberArg(env, args[2], r, "alpha");
  const int minLda = m > 1 ? m : 1;
  const int lda = IntArg(env, args[4], minLda, r, "lda", [=] { return std::to_string(minLda) + " .. 2^31-1 (max(1, m))"; });
  const double beta = NumberArg(env, args[6], r, "beta");
  const int path = ChoiceArg(env, args[8], kPaths, 4, r, "path", "'auto', 'avx512', 'avx2' or 'scalar'");
  const std::uint64_t needA = m == 0 || n == 0 ? 0 : static_cast<std::uint64_t>(n - 1) * lda + m;
  const double* a = ArrayArg(env, args[3], needA, [] { return "(n-1)*lda + m"; }, r, "A");
  const double* x = VectorArg(env, args[5], n, 1, "n", "1", r, "x");
  double* y = VectorArg(env, args[7], m, 1, "m", "1", r, "y");
  GemvPath chosen = BestGemvPath();
  if (path > 0) {
    chosen = static_cast<GemvPath>(3 - path);
    if (chosen > BestGemvPath()) Fail(false, r, "path", std::string("'") + kPaths[path] + "' is not supported by this CPU");
  }
  GemvColumns(chosen, m, n, alpha, a, lda, x, beta, y);
  return nullptr;
}

// gemvColumnsPath() -> the path 'auto' takes on this CPU: 'avx512', 'avx2' or 'scalar'
napi_value GemvColumnsPathEntry(napi_env env, const napi_value*) {
  napi_value out = nullptr;
  napi_create_string_utf8(env, GemvPathName(BestGemvPath()), NAPI_AUTO_LENGTH, &out);
  return out;
}

// setNumThreads(k): OpenBLAS's thread count for the whole process (every worker thread too).
napi_value SetNumThreadsEntry(napi_env env, const napi_value* args) {
  openblas_set_num_threads(IntArg(env, args[0], 1.0, "setNumThreads", "k", [] { return "1 .. 2^31-1"; }));
  return nullptr;
}

// getNumThreads() -> the thread count OpenBLAS uses now
napi_value GetNumThreadsEntry(napi_env env, const napi_value*) {
  return Number(env, openblas_get_num_threads());
}

void Export(Napi::Env env, Napi::Object exports, const char* name, napi_callback callback) {
  napi_value fn = nullptr;
  NAPI_THROW_IF_FAILED_VOID(env, napi_create_function(env, name, NAPI_AUTO_LENGTH, callback, nullptr, &fn));
  exports.Set(name, Napi::Value(env, fn));
}

}  // namespace

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  Export(env, exports, "ddot", Entry<5, DdotEntry>);
  Export(env, exports, "daxpy", Entry<6, DaxpyEntry>);
  Export(env, exports, "dgemv", Entry<12, DgemvEntry>);
  Export(env, exports, "gemvColumns", Entry<9, GemvColumnsEntry>);
  Export(env, exports, "gemvColumnsPath", Entry<0, GemvColumnsPathEntry>);
  Export(env, exports, "setNumThreads", Entry<1, SetNumThreadsEntry>);
  Export(env, exports, "getNumThreads", Entry<0, GetNumThreadsEntry>);
  return exports;
}

NODE_API_MODULE(pa_blas, Init)

}  // namespace pa_blas
