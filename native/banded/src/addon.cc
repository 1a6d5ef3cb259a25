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
#include "spin-wait.h"
#include "../../common/napi-checks.h"

namespace pa_banded {

namespace {

const char* const kName = "mulBlockRows";
const char* const kChunksName = "mulClaimedChunks";
const char* const kSpinName = "spinWait";

using pa_native::ArrayArg;
using pa_native::Entry;

// The entry point whose arguments are being read (for messages): set by each entry first.
thread_local const char* kernel = kName;

[[noreturn]] void Fail(bool isType, const char* name, const std::string& what) {
  pa_native::Fail(isType, kernel, name, what);
}

// An integer in 0 .. 2^31-1.
std::int32_t IntArg(napi_env env, napi_value value, const char* name) {
  const double out = pa_native::NumberArg(env, value, kernel, name);
  if (!(out >= 0.0 && out <= 2147483647.0 && std::floor(out) == out)) Fail(false, name, "must be an integer in 0 .. 2^31-1");
  return static_cast<std::int32_t>(out);
}

void NeedLength(std::size_t length, std::int64_t needed, const char* name) {
  pa_native::NeedLength(length, needed, kernel, name);
}

// The arguments both entries share, from args[0]: l, u, lambda, mu, rowStart, colStart,
// blockStart, data, x, y.
struct Operands {
  Layout m{};
  pa_native::Span<const std::int32_t> rowStart, colStart, blockStart;
  pa_native::Span<const double> data, x;
  pa_native::Span<double> y;
};

Operands ReadOperands(napi_env env, const napi_value* args) {
  Operands o{};
  Layout& m = o.m;
  m.l = IntArg(env, args[0], "l");
  m.u = IntArg(env, args[1], "u");
  m.lambda = IntArg(env, args[2], "lambda");
  m.mu = IntArg(env, args[3], "mu");
  const std::int64_t w = static_cast<std::int64_t>(m.lambda) + m.mu + 1;
  if (w > 2147483647) Fail(false, "lambda + mu + 1", "must be at most 2^31-1");
  o.rowStart = ArrayArg<const std::int32_t>(env, args[4], napi_int32_array, 0, kernel, "rowStart");
  o.colStart = ArrayArg<const std::int32_t>(env, args[5], napi_int32_array, 0, kernel, "colStart");
  o.blockStart = ArrayArg<const std::int32_t>(env, args[6], napi_int32_array, 0, kernel, "blockStart");
  o.data = ArrayArg<const double>(env, args[7], napi_float64_array, 0, kernel, "data");
  o.x = ArrayArg<const double>(env, args[8], napi_float64_array, 0, kernel, "x");
  o.y = ArrayArg<double>(env, args[9], napi_float64_array, 0, kernel, "y");
  return o;
}

// Checks that block rows first .. end-1 of the operands can be computed without touching memory
// outside the arrays, and completes the layout's pointers.
void CheckBlockRows(Operands& o, std::int32_t first, std::int32_t end) {
  Layout& m = o.m;
  const auto& rowStart = o.rowStart;
  const auto& colStart = o.colStart;
  const auto& blockStart = o.blockStart;
  const auto& data = o.data;
  const auto& x = o.x;
  const auto& y = o.y;
  const std::int64_t w = static_cast<std::int64_t>(m.lambda) + m.mu + 1;
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
}

// mulBlockRows(first, end, l, u, lambda, mu, rowStart, colStart, blockStart, data, x, y)
napi_value MulBlockRowsEntry(napi_env env, const napi_value* args) {
  kernel = kName;
  const std::int32_t first = IntArg(env, args[0], "first");
  const std::int32_t end = IntArg(env, args[1], "end");
  if (end < first) Fail(false, "end", "must be at least first");
  Operands o = ReadOperands(env, args + 2);
  CheckBlockRows(o, first, end);
  MulBlockRows(o.m, first, end, o.data.data, o.x.data, o.y.data);
  return nullptr;
}

// mulClaimedChunks(cuts, rangeStart, self, counters, l, u, lambda, mu, rowStart, colStart,
// blockStart, data, x, y) -> the number of chunks this call computed (see MulClaimedChunks).
// cuts: Int32Array of non-decreasing block rows (chunk c is cuts[c] .. cuts[c+1]-1); rangeStart:
// Int32Array of non-decreasing chunk indices from 0 to cuts.length - 1 (range r is chunks
// rangeStart[r] .. rangeStart[r+1]-1); self: this part's range; counters: a Float64Array whose
// element 8r holds, in its 8 bytes, range r's claim count (an int64).
napi_value MulClaimedChunksEntry(napi_env env, const napi_value* args) {
  kernel = kChunksName;
  const auto cuts = ArrayArg<const std::int32_t>(env, args[0], napi_int32_array, 1, kernel, "cuts");
  const auto rangeStart = ArrayArg<const std::int32_t>(env, args[1], napi_int32_array, 2, kernel, "rangeStart");
  const std::int32_t self = IntArg(env, args[2], "self");
  const auto counters = ArrayArg<double>(env, args[3], napi_float64_array, 0, kernel, "counters");
  Operands o = ReadOperands(env, args + 4);
  for (std::size_t c = 0; c + 1 < cuts.length; c++) {
    if (cuts.data[c + 1] < cuts.data[c]) Fail(false, "cuts", "must be non-decreasing");
  }
  if (cuts.data[0] < 0) Fail(false, "cuts[0]", "must be at least 0");
  if (rangeStart.length - 1 > 2147483647u) Fail(false, "rangeStart", "has more than 2^31 entries");
  const auto nRanges = static_cast<std::int32_t>(rangeStart.length - 1);
  if (rangeStart.data[0] != 0) Fail(false, "rangeStart[0]", "must be 0");
  for (std::int32_t r = 0; r < nRanges; r++) {
    if (rangeStart.data[r + 1] < rangeStart.data[r]) Fail(false, "rangeStart", "must be non-decreasing");
  }
  if (static_cast<std::size_t>(rangeStart.data[nRanges]) != cuts.length - 1) {
    Fail(false, "rangeStart", "must end at cuts.length - 1 (" + std::to_string(cuts.length - 1) + ")");
  }
  if (self >= nRanges) Fail(false, "self", "must be below the number of ranges (" + std::to_string(nRanges) + ")");
  NeedLength(counters.length, (static_cast<std::int64_t>(nRanges) - 1) * kCounterStride + 1, "counters");
  CheckBlockRows(o, cuts.data[0], cuts.data[cuts.length - 1]);
  // A Float64Array element is 8-byte aligned, as the atomic int64 needs.
  auto* count = reinterpret_cast<std::int64_t*>(counters.data);
  const std::int64_t mine =
      MulClaimedChunks(o.m, cuts.data, rangeStart.data, nRanges, self, count, o.data.data, o.x.data, o.y.data);
  napi_value out = nullptr;
  if (napi_create_double(env, static_cast<double>(mine), &out) != napi_ok) return nullptr;
  return out;
}

// spinWait(word, index, target, bit, spinMs) -> 1 when the count in word[index] reached target,
// 0 when another part set the give-up bit `bit` (1 or 2), 2 when this call set it after spinMs
// milliseconds (see SpinWait). word: an Int32Array over memory every part of the node maps
// (a SharedArrayBuffer or an MPI shared window), 4-byte aligned as an Int32Array element is.
napi_value SpinWaitEntry(napi_env env, const napi_value* args) {
  kernel = kSpinName;
  const auto word = ArrayArg<std::int32_t>(env, args[0], napi_int32_array, 0, kernel, "word");
  const std::int32_t index = IntArg(env, args[1], "index");
  NeedLength(word.length, static_cast<std::int64_t>(index) + 1, "word");
  const double target = pa_native::NumberArg(env, args[2], kernel, "target");
  if (!(target >= -2147483648.0 && target <= 2147483647.0 && std::floor(target) == target)) {
    Fail(false, "target", "must be an int32");
  }
  const std::int32_t bit = IntArg(env, args[3], "bit");
  if (bit != 1 && bit != 2) Fail(false, "bit", "must be 1 or 2");
  const double spinMs = pa_native::NumberArg(env, args[4], kernel, "spinMs");
  if (!(spinMs >= 0.0 && spinMs <= 60000.0)) Fail(false, "spinMs", "must be in 0 .. 60000");
  const SpinResult result = SpinWait(word.data + index, static_cast<std::int32_t>(target), bit, spinMs);
  napi_value out = nullptr;
  if (napi_create_int32(env, static_cast<std::int32_t>(result), &out) != napi_ok) return nullptr;
  return out;
}

}  // namespace

napi_value Init(napi_env env, napi_value exports) {
  napi_value fn = nullptr;
  napi_value chunks = nullptr;
  napi_value spin = nullptr;
  if (napi_create_function(env, kName, NAPI_AUTO_LENGTH, Entry<12, MulBlockRowsEntry>, nullptr, &fn) != napi_ok ||
      napi_set_named_property(env, exports, kName, fn) != napi_ok ||
      napi_create_function(env, kChunksName, NAPI_AUTO_LENGTH, Entry<14, MulClaimedChunksEntry>, nullptr, &chunks) != napi_ok ||
      napi_set_named_property(env, exports, kChunksName, chunks) != napi_ok ||
      napi_create_function(env, kSpinName, NAPI_AUTO_LENGTH, Entry<5, SpinWaitEntry>, nullptr, &spin) != napi_ok ||
      napi_set_named_property(env, exports, kSpinName, spin) != napi_ok) {
    return nullptr;
  }
  return exports;
}

}  // namespace pa_banded

NAPI_MODULE(NODE_GYP_MODULE_NAME, pa_banded::Init)
