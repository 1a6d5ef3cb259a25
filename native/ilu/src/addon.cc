// pa_ilu: Node-API entry points of the ILU(0) loops in ilu0.h and the Gram-Schmidt loops of
// GMRES in gram-schmidt.h. The TypeScript description of the
// exports is src/solvers/ilu0-native.ts (Ilu0Binding); the library calls them after the checks of
// src/solvers/ilu0-kernels.ts (ilu0Checks). The checks here are the ones that keep memory safe:
// types, lengths, and the structure the loops index with (row pointers, column ids, diagonal
// positions), so a direct call with bad arguments throws a TypeError or RangeError instead of
// touching memory it does not own. Plain C API: no allocation per call.
#include <node_api.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>

#include "bicgstab.h"
#include "gram-schmidt.h"
#include "ilu0.h"
#include "../../common/napi-checks.h"

namespace pa_ilu {

namespace {

using pa_native::Entry;
using pa_native::Fail;

std::int32_t CountArg(napi_env env, napi_value value, const char* kernel, const char* name) {
  const double n = pa_native::NumberArg(env, value, kernel, name);
  if (!(n >= 0.0 && n <= 2147483646.0 && std::floor(n) == n)) Fail(false, kernel, name, "must be an integer in 0 .. 2^31-2");
  return static_cast<std::int32_t>(n);
}

// The elements of a typed array of exactly `type` holding at least `minLength`.
template <typename T>
T* ArrayArg(napi_env env, napi_value value, napi_typedarray_type type, std::size_t minLength, const char* kernel,
            const char* name) {
  return pa_native::ArrayArg<T>(env, value, type, minLength, kernel, name).data;
}

// Row pointers non-decreasing from 0, column ids in 0 .. nRows-1 (the loops index work and z with them).
void CheckStructure(std::int32_t nRows, const std::int32_t* rowPtr, const std::int32_t* colIdx, std::size_t entries,
                    const char* kernel) {
  if (rowPtr[0] != 0) Fail(false, kernel, "rowPtr[0]", "must be 0");
  for (std::int32_t i = 0; i < nRows; i++) {
    if (rowPtr[i + 1] < rowPtr[i]) Fail(false, kernel, "rowPtr", "must not decrease");
  }
  if (static_cast<std::size_t>(rowPtr[nRows]) > entries) Fail(false, kernel, "rowPtr[nRows]", "exceeds the entries given");
  for (std::int32_t k = 0; k < rowPtr[nRows]; k++) {
    if (colIdx[k] < 0 || colIdx[k] >= nRows) Fail(false, kernel, "colIdx", "must be in 0 .. nRows-1");
  }
}

std::size_t LengthOf(napi_env env, napi_value value) {
  std::size_t length = 0;
  napi_get_typedarray_info(env, value, nullptr, &length, nullptr, nullptr, nullptr);
  return length;
}

// ilu0Factor(nRows, rowPtr, colIdx, values, lu, diag, work) -> -1 or the failing row
napi_value FactorEntry(napi_env env, const napi_value* args) {
  const char* k = "ilu0Factor";
  const std::int32_t n = CountArg(env, args[0], k, "nRows");
  const auto* rowPtr = ArrayArg<const std::int32_t>(env, args[1], napi_int32_array, n + 1, k, "rowPtr");
  const auto* colIdx = ArrayArg<const std::int32_t>(env, args[2], napi_int32_array, 0, k, "colIdx");
  const auto* values = ArrayArg<const double>(env, args[3], napi_float64_array, 0, k, "values");
  std::size_t entries = LengthOf(env, args[2]);
  const std::size_t valueCount = LengthOf(env, args[3]);
  if (valueCount < entries) entries = valueCount;
  CheckStructure(n, rowPtr, colIdx, entries, k);
  const std::size_t nnz = static_cast<std::size_t>(rowPtr[n]);
  double* lu = ArrayArg<double>(env, args[4], napi_float64_array, nnz, k, "lu");
  auto* diag = ArrayArg<std::int32_t>(env, args[5], napi_int32_array, n, k, "diag");
  auto* work = ArrayArg<std::int32_t>(env, args[6], napi_int32_array, n, k, "work");
  for (std::int32_t i = 0; i < n; i++) {
    if (work[i] != -1) Fail(false, k, "work", "must hold -1 in every entry");
  }
  napi_value out = nullptr;
  napi_create_int32(env, Ilu0Factor(n, rowPtr, colIdx, values, lu, diag, work), &out);
  return out;
}

// ilu0Solve(nRows, rowPtr, colIdx, lu, diag, r, z)
napi_value SolveEntry(napi_env env, const napi_value* args) {
  const char* k = "ilu0Solve";
  const std::int32_t n = CountArg(env, args[0], k, "nRows");
  const auto* rowPtr = ArrayArg<const std::int32_t>(env, args[1], napi_int32_array, n + 1, k, "rowPtr");
  const auto* colIdx = ArrayArg<const std::int32_t>(env, args[2], napi_int32_array, 0, k, "colIdx");
  const auto* lu = ArrayArg<const double>(env, args[3], napi_float64_array, 0, k, "lu");
  std::size_t entries = LengthOf(env, args[2]);
  const std::size_t luCount = LengthOf(env, args[3]);
  if (luCount < entries) entries = luCount;
  // Only the bounds the loops rely on: rowPtr[n] within the entries, each diagonal inside its row.
  if (rowPtr[0] != 0 || rowPtr[n] < 0 || static_cast<std::size_t>(rowPtr[n]) > entries) {
    Fail(false, k, "rowPtr", "must start at 0 and end within the entries given");
  }
  const auto* diag = ArrayArg<const std::int32_t>(env, args[4], napi_int32_array, n, k, "diag");
  for (std::int32_t i = 0; i < n; i++) {
    if (!(rowPtr[i] <= diag[i] && diag[i] < rowPtr[i + 1])) Fail(false, k, "diag", "must point inside each row");
  }
  const auto* r = ArrayArg<const double>(env, args[5], napi_float64_array, n, k, "r");
  auto* z = ArrayArg<double>(env, args[6], napi_float64_array, n, k, "z");
  Ilu0Solve(n, rowPtr, colIdx, lu, diag, r, z);
  return nullptr;
}

// ilu0SolveCompact(nRows, lower, upper, lOffsets, lValues, uOffsets, uValues, scale, r, z)
napi_value SolveCompactEntry(napi_env env, const napi_value* args) {
  const char* k = "ilu0SolveCompact";
  const std::int32_t n = CountArg(env, args[0], k, "nRows");
  const auto* lower = ArrayArg<const std::uint8_t>(env, args[1], napi_uint8_array, n, k, "lower");
  const auto* upper = ArrayArg<const std::uint8_t>(env, args[2], napi_uint8_array, n, k, "upper");
  const auto* lOffsets = ArrayArg<const std::int16_t>(env, args[3], napi_int16_array, 0, k, "lOffsets");
  const auto* lValues = ArrayArg<const double>(env, args[4], napi_float64_array, 0, k, "lValues");
  const auto* uOffsets = ArrayArg<const std::int16_t>(env, args[5], napi_int16_array, 0, k, "uOffsets");
  const auto* uValues = ArrayArg<const double>(env, args[6], napi_float64_array, 0, k, "uValues");
  const double scale = pa_native::NumberArg(env, args[7], k, "scale");
  auto* r = ArrayArg<double>(env, args[8], napi_float64_array, n, k, "r");
  auto* z = ArrayArg<double>(env, args[9], napi_float64_array, n, k, "z");
  const std::size_t lCount = std::min(LengthOf(env, args[3]), LengthOf(env, args[4]));
  const std::size_t uOffsetCount = LengthOf(env, args[5]);
  const std::size_t uCount = LengthOf(env, args[6]);
  // r is written only when it is scaled (a plain solve leaves its cache lines clean).
  const bool ok = scale == 1.0
                      ? Ilu0SolveSplit<false>(n, lower, upper, lOffsets, lValues, lCount, uOffsets, uOffsetCount, uValues, uCount, scale, r, z)
                      : Ilu0SolveSplit<true>(n, lower, upper, lOffsets, lValues, lCount, uOffsets, uOffsetCount, uValues, uCount, scale, r, z);
  if (!ok) {
    Fail(false, k, "lower", "and upper count more entries than the offsets and values hold");
  }
  return nullptr;
}

// A BiCGStab vector of n doubles (argument `i`).
double* BicgVector(napi_env env, const napi_value* args, std::size_t i, std::size_t n, const char* k, const char* name) {
  return ArrayArg<double>(env, args[i], napi_float64_array, n, k, name);
}

// The solver's scalars (rho, rho_{k-1}, alpha, omega).
const double* BicgScalars(napi_env env, napi_value value, const char* k) {
  return ArrayArg<const double>(env, value, napi_float64_array, 4, k, "scalars");
}

// out[at ..] for `width` sums.
double* BicgOut(napi_env env, const napi_value* args, std::size_t i, std::size_t width, const char* k) {
  const std::size_t at = static_cast<std::size_t>(CountArg(env, args[i + 1], k, "at"));
  return ArrayArg<double>(env, args[i], napi_float64_array, at + width, k, "out") + at;
}

// bicgDirection(n, r, v, p, scalars)
napi_value BicgDirectionEntry(napi_env env, const napi_value* args) {
  const char* k = "bicgDirection";
  const std::size_t n = static_cast<std::size_t>(CountArg(env, args[0], k, "n"));
  BicgDirection(n, BicgVector(env, args, 1, n, k, "r"), BicgVector(env, args, 2, n, k, "v"), BicgVector(env, args, 3, n, k, "p"),
                BicgScalars(env, args[4], k));
  return nullptr;
}

// bicgHalf(n, r, v, s, scalars, out, at): out[at] = s.s
napi_value BicgHalfEntry(napi_env env, const napi_value* args) {
  const char* k = "bicgHalf";
  const std::size_t n = static_cast<std::size_t>(CountArg(env, args[0], k, "n"));
  double* out = BicgOut(env, args, 5, 1, k);
  *out = BicgHalf(n, BicgVector(env, args, 1, n, k, "r"), BicgVector(env, args, 2, n, k, "v"), BicgVector(env, args, 3, n, k, "s"),
                  BicgScalars(env, args[4], k));
  return nullptr;
}

// bicgStabilizer(n, t, s, out, at): out[at], out[at + 1] = t.s, t.t
napi_value BicgStabilizerEntry(napi_env env, const napi_value* args) {
  const char* k = "bicgStabilizer";
  const std::size_t n = static_cast<std::size_t>(CountArg(env, args[0], k, "n"));
  BicgStabilizer(n, BicgVector(env, args, 1, n, k, "t"), BicgVector(env, args, 2, n, k, "s"), BicgOut(env, args, 3, 2, k));
  return nullptr;
}

// bicgFull(n, pHat, sHat, s, t, r, rHat, x, scalars, out, at): out[at], out[at + 1] = r.r, rHat.r
napi_value BicgFullEntry(napi_env env, const napi_value* args) {
  const char* k = "bicgFull";
  const std::size_t n = static_cast<std::size_t>(CountArg(env, args[0], k, "n"));
  BicgFull(n, BicgVector(env, args, 1, n, k, "pHat"), BicgVector(env, args, 2, n, k, "sHat"), BicgVector(env, args, 3, n, k, "s"),
           BicgVector(env, args, 4, n, k, "t"), BicgVector(env, args, 5, n, k, "r"), BicgVector(env, args, 6, n, k, "rHat"),
           BicgVector(env, args, 7, n, k, "x"), BicgScalars(env, args[8], k), BicgOut(env, args, 9, 2, k));
  return nullptr;
}

// The basis arguments shared by basisDots and basisUpdate: n, count, basis, stride, w.
struct BasisArgs {
  std::size_t n;
  std::size_t count;
  const double* basis;
  std::size_t stride;
  double* w;
};

BasisArgs ReadBasis(napi_env env, const napi_value* args, std::size_t wArg, const char* k) {
  const std::size_t n = static_cast<std::size_t>(CountArg(env, args[0], k, "n"));
  const std::size_t count = static_cast<std::size_t>(CountArg(env, args[1], k, "count"));
  if (count > kMaxCount) Fail(false, k, "count", "must be at most " + std::to_string(kMaxCount));
  const std::size_t stride = static_cast<std::size_t>(CountArg(env, args[3], k, "stride"));
  if (stride < n) Fail(false, k, "stride", "must be at least n");
  const std::size_t span = count == 0 ? 0 : (count - 1) * stride + n;
  const auto* basis = ArrayArg<const double>(env, args[2], napi_float64_array, span, k, "basis");
  auto* w = ArrayArg<double>(env, args[wArg], napi_float64_array, n, k, "w");
  return BasisArgs{n, count, basis, stride, w};
}

// basisDots(n, count, basis, stride, w, out)
napi_value BasisDotsEntry(napi_env env, const napi_value* args) {
  const char* k = "basisDots";
  const BasisArgs a = ReadBasis(env, args, 4, k);
  double* out = ArrayArg<double>(env, args[5], napi_float64_array, a.count, k, "out");
  double sums[4 * kMaxCount];
  BasisDots(a.n, a.count, a.basis, a.stride, a.w, out, sums);
  return nullptr;
}

// basisUpdate(n, count, basis, stride, coefficients, w) -> w.w
napi_value BasisUpdateEntry(napi_env env, const napi_value* args) {
  const char* k = "basisUpdate";
  const BasisArgs a = ReadBasis(env, args, 5, k);
  const auto* coefficients = ArrayArg<const double>(env, args[4], napi_float64_array, a.count, k, "coefficients");
  napi_value out = nullptr;
  napi_create_double(env, BasisUpdate(a.n, a.count, a.basis, a.stride, coefficients, a.w), &out);
  return out;
}

// basisUpdateDots(n, count, basis, stride, coefficients, w, out) -> w.w
napi_value BasisUpdateDotsEntry(napi_env env, const napi_value* args) {
  const char* k = "basisUpdateDots";
  const BasisArgs a = ReadBasis(env, args, 5, k);
  const auto* coefficients = ArrayArg<const double>(env, args[4], napi_float64_array, a.count, k, "coefficients");
  double* out = ArrayArg<double>(env, args[6], napi_float64_array, a.count, k, "out");
  double sums[4 * kMaxCount];
  napi_value result = nullptr;
  napi_create_double(env, BasisUpdateDots(a.n, a.count, a.basis, a.stride, coefficients, a.w, out, sums), &result);
  return result;
}

napi_value Init(napi_env env, napi_value exports) {
  const napi_property_descriptor properties[] = {
      {"ilu0Factor", nullptr, Entry<7, FactorEntry>, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"ilu0Solve", nullptr, Entry<7, SolveEntry>, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"ilu0SolveCompact", nullptr, Entry<10, SolveCompactEntry>, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"bicgDirection", nullptr, Entry<5, BicgDirectionEntry>, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"bicgHalf", nullptr, Entry<7, BicgHalfEntry>, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"bicgStabilizer", nullptr, Entry<5, BicgStabilizerEntry>, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"bicgFull", nullptr, Entry<11, BicgFullEntry>, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"basisDots", nullptr, Entry<6, BasisDotsEntry>, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"basisUpdate", nullptr, Entry<6, BasisUpdateEntry>, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"basisUpdateDots", nullptr, Entry<7, BasisUpdateDotsEntry>, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
  };
  napi_define_properties(env, exports, sizeof(properties) / sizeof(properties[0]), properties);
  return exports;
}

}  // namespace

}  // namespace pa_ilu

NAPI_MODULE(NODE_GYP_MODULE_NAME, pa_ilu::Init)
