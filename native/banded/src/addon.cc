// pa_banded: the Node-API entry point of the banded block-banded product in banded.h. The
// TypeScript description is src/shared/banded-binding.ts. Every argument that decides where
// memory is read or written is checked here (types, lengths, and that the layout's prefix sums
// are consistent with the bandwidths over the block rows asked for), so a direct call with bad
// arguments throws a TypeError or RangeError instead of touching memory it does not own.
//
// Plain C API: node-addon-api's CallbackInfo heap-allocates the argument list of calls with more
// than 6 arguments.
#include <napi.h>

#include <cmath>
#include <cstdint>
#include <exception>
#include <string>

#include "banded.h"
#include "../../common/napi-checks.h"

namespace pa_banded {

namespace {

const char* const kName = "mulBlockRows";

using pa_native::ArrayArg;
using pa_native::Entry;

[[noreturn]] void Fail(bool isType, const char* name, const std::string& what) {
  pa_native::Fail(isType, kName, name, what);
}

// An integer in 0 .. 2^31-1.
std::int32_t IntArg(napi_env env, napi_value value, const char* name) {
  const double out = pa_native::NumberArg(env, value, kName, name);
  if (!(out >= 0.0 && out <= 2147483647.0 && std::floor(out) == out)) Fail(false, name, "must be an integer in 0 .. 2^31-1");
  return static_cast<std::int32_t>(out);
}

void NeedLength(std::size_t length, std::int64_t needed, const char* name) {
  pa_native::NeedLength(length, needed, kName, name);
}

// mulBlockRows(first, end, l, u, lambda, mu, rowStart, colStart, blockStart, data, x, y)
napi_value MulBlockRowsEntry(napi_env env, const napi_value* args) {
  const std::int32_t first = IntArg(env, args[0], "first");
  const std::int32_t end = IntArg(env, args[1], "end");
  if (end < first) Fail(false, "end", "must be at least first");
  Layout m{};
  m.l = IntArg(env, args[2], "l");
  m.u = IntArg(env, args[3], "u");
  m.lambda = IntArg(env, args[4], "lambda");
  m.mu = IntArg(env, args[5], "mu");
  const std::int64_t w = static_cast<std::int64_t>(m.lambda) + m.mu + 1;
  if (w > 2147483647) Fail(false, "lambda + mu + 1", "must be at most 2^31-1");
  const auto rowStart = ArrayArg<const std::int32_t>(env, args[6], napi_int32_array, 0, kName, "rowStart");
  const auto colStart = ArrayArg<const std::int32_t>(env, args[7], napi_int32_array, 0, kName, "colStart");
  const auto blockStart = ArrayArg<const std::int32_t>(env, args[8], napi_int32_array, 0, kName, "blockStart");
  const auto data = ArrayArg<const double>(env, args[9], napi_float64_array, 0, kName, "data");
  const auto x = ArrayArg<const double>(env, args[10], napi_float64_array, 0, kName, "x");
  const auto y = ArrayArg<double>(env, args[11], napi_float64_array, 0, kName, "y");
  NeedLength(rowStart.length, static_cast<std::int64_t>(end) + 1, "rowStart");
  NeedLength(blockStart.length, static_cast<std::int64_t>(end) + 1, "blockStart");
  NeedLength(colStart.length, 1, "colStart");
  if (colStart.length - 1 > 2147483647u) Fail(false, "colStart", "has more than 2^31 entries");
  m.nColBlocks = static_cast<std::int32_t>(colStart.length - 1);
  if (colStart.data[0] < 0) Fail(false, "colStart[0]", "must be at least 0");
  for (std::int32_t J = 0; J < m.nColBlocks; J++) {
    if (colStart.data[J + 1] < colStart.data[J]) Fail(false, "colStart", "must be non-decreasing");
  }
  NeedLength(x.length, colStart.data[m.nColBlocks], "x");
  if (first < end) {
    if (rowStart.data[first] < 0) Fail(false, "rowStart[first]", "must be at least 0");
    if (blockStart.data[first] < 0) Fail(false, "blockStart[first]", "must be at least 0");
  }
  for (std::int32_t K = first; K < end; K++) {
    const std::int64_t nK = static_cast<std::int64_t>(rowStart.data[K + 1]) - rowStart.data[K];
    if (nK < 0) Fail(false, "rowStart", "must be non-decreasing");
    const std::int64_t firstJ = std::max<std::int64_t>(0, static_cast<std::int64_t>(K) - m.l);
    const std::int64_t lastJ = std::min<std::int64_t>(m.nColBlocks - 1, static_cast<std::int64_t>(K) + m.u);
    const std::int64_t stored = std::max<std::int64_t>(0, lastJ - firstJ + 1) * nK * w;
    if (static_cast<std::int64_t>(blockStart.data[K + 1]) - blockStart.data[K] != stored) {
      Fail(false, "blockStart", "does not match the bandwidths at block row " + std::to_string(K));
    }
  }
  if (first < end) {
    NeedLength(data.length, blockStart.data[end], "data");
    NeedLength(y.length, rowStart.data[end], "y");
  }
  m.rowStart = rowStart.data;
  m.colStart = colStart.data;
  m.blockStart = blockStart.data;
  MulBlockRows(m, first, end, data.data, x.data, y.data);
  return nullptr;
}

}  // namespace

napi_value Init(napi_env env, napi_value exports) {
  napi_value fn = nullptr;
  if (napi_create_function(env, kName, NAPI_AUTO_LENGTH, Entry<12, MulBlockRowsEntry>, nullptr, &fn) != napi_ok ||
      napi_set_named_property(env, exports, kName, fn) != napi_ok) {
    return nullptr;
  }
  return exports;
}

}  // namespace pa_banded

NAPI_MODULE(NODE_GYP_MODULE_NAME, pa_banded::Init)
