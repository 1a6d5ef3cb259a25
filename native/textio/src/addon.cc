// pa_textio: Node-API entry points of the Matrix Market line parsers in parse.h and writers in format.h. The TypeScript
// description of the exports is src/io/textio-binding.ts (TextioBinding); src/io/matrix-market.ts
// calls them on the bytes of a part's own lines and on its own rows. The checks here keep memory
// safe: argument types, that the output arrays hold one value per line of the bytes (parsers) or
// the most bytes the values can take (writers), and the row offsets a writer indexes with, so a direct call with bad
// arguments throws a TypeError or RangeError instead of writing memory it does not own.
#include <node_api.h>

#include <cmath>
#include <cstddef>
#include <cstdint>

#include "format.h"
#include "parse.h"
#include "../../common/napi-checks.h"

namespace pa_textio {

namespace {

using pa_native::Entry;
using pa_native::Fail;

// The bytes of a Uint8Array.
pa_native::Span<const char> BytesArg(napi_env env, napi_value value, const char* kernel) {
  const auto span = pa_native::ArrayArg<std::uint8_t>(env, value, napi_uint8_array, 0, kernel, "bytes");
  return {reinterpret_cast<const char*>(span.data), span.length};
}

bool BoolArg(napi_env env, napi_value value, const char* kernel, const char* name) {
  bool out = false;
  if (napi_get_value_bool(env, value, &out) != napi_ok) Fail(true, kernel, name, "must be a boolean");
  return out;
}

// [count, lines, badLine, badOffset] as a JS array.
napi_value ResultValue(napi_env env, const Result& result) {
  napi_value out;
  napi_create_array_with_length(env, 4, &out);
  const double values[4] = {result.count, result.lines, result.badLine, result.badOffset};
  for (std::uint32_t k = 0; k < 4; k++) {
    napi_value number;
    napi_create_double(env, values[k], &number);
    napi_set_element(env, out, k, number);
  }
  return out;
}

// countLines(bytes) -> lines
napi_value CountLinesEntry(napi_env env, const napi_value* args) {
  const auto bytes = BytesArg(env, args[0], "countLines");
  napi_value out;
  napi_create_double(env, static_cast<double>(CountLines(bytes.data, bytes.length)), &out);
  return out;
}

// parseArray(bytes, integer, out) -> [count, lines, badLine, badOffset]
napi_value ParseArrayEntry(napi_env env, const napi_value* args) {
  const char* kernel = "parseArray";
  const auto bytes = BytesArg(env, args[0], kernel);
  const bool integer = BoolArg(env, args[1], kernel, "integer");
  const std::size_t lines = CountLines(bytes.data, bytes.length);
  const auto out = pa_native::ArrayArg<double>(env, args[2], napi_float64_array, lines, kernel, "out");
  return ResultValue(env, ParseArray(bytes.data, bytes.length, integer, out.data));
}

// parseCoordinate(bytes, integer, m, n, I, J, V) -> [count, lines, badLine, badOffset]
napi_value ParseCoordinateEntry(napi_env env, const napi_value* args) {
  const char* kernel = "parseCoordinate";
  const auto bytes = BytesArg(env, args[0], kernel);
  const bool integer = BoolArg(env, args[1], kernel, "integer");
  const double m = pa_native::NumberArg(env, args[2], kernel, "m");
  const double n = pa_native::NumberArg(env, args[3], kernel, "n");
  const std::size_t lines = CountLines(bytes.data, bytes.length);
  const auto I = pa_native::ArrayArg<double>(env, args[4], napi_float64_array, lines, kernel, "I");
  const auto J = pa_native::ArrayArg<double>(env, args[5], napi_float64_array, lines, kernel, "J");
  const auto V = pa_native::ArrayArg<double>(env, args[6], napi_float64_array, lines, kernel, "V");
  return ResultValue(env, ParseCoordinate(bytes.data, bytes.length, integer, m, n, I.data, J.data, V.data));
}

napi_value NumberValue(napi_env env, double value) {
  napi_value out;
  napi_create_double(env, value, &out);
  return out;
}

// formatArray(values, out) -> bytes written (out holds at least 25 bytes per value)
napi_value FormatArrayEntry(napi_env env, const napi_value* args) {
  const char* kernel = "formatArray";
  const auto values = pa_native::ArrayArg<double>(env, args[0], napi_float64_array, 0, kernel, "values");
  const auto out = pa_native::ArrayArg<std::uint8_t>(env, args[1], napi_uint8_array, values.length * kArrayLineBytes, kernel, "out");
  return NumberValue(env, static_cast<double>(FormatArray(values.data, values.length, reinterpret_cast<char*>(out.data))));
}

// formatCoordinate(first, rowPtr, cols, values, lower, out) -> [bytes written, entries]
// (rows = rowPtr.length - 1; out holds at least 61 bytes per entry)
napi_value FormatCoordinateEntry(napi_env env, const napi_value* args) {
  const char* kernel = "formatCoordinate";
  const double first = pa_native::NumberArg(env, args[0], kernel, "first");
  const auto rowPtr = pa_native::ArrayArg<double>(env, args[1], napi_float64_array, 1, kernel, "rowPtr");
  const auto cols = pa_native::ArrayArg<double>(env, args[2], napi_float64_array, 0, kernel, "cols");
  const auto values = pa_native::ArrayArg<double>(env, args[3], napi_float64_array, cols.length, kernel, "values");
  const bool lower = BoolArg(env, args[4], kernel, "lower");
  const std::size_t rows = rowPtr.length - 1;
  // the row offsets index cols and values: checked before any is read
  if (!(first >= 0 && first + static_cast<double>(rows) < 9007199254740992.0 && std::floor(first) == first)) {
    Fail(false, kernel, "first", "must be a non-negative integer with first + rows < 2^53");
  }
  double previous = 0;
  for (std::size_t i = 0; i <= rows; i++) {
    const double at = rowPtr.data[i];
    if (!(at >= previous && at <= static_cast<double>(cols.length) && std::floor(at) == at)) {
      Fail(false, kernel, "rowPtr", "must be non-decreasing integers within cols");
    }
    previous = at;
  }
  for (std::size_t e = 0; e < cols.length; e++) {
    if (!(cols.data[e] >= 0 && cols.data[e] < 9007199254740991.0 && std::floor(cols.data[e]) == cols.data[e])) {
      Fail(false, kernel, "cols", "must be non-negative integers below 2^53 - 1");
    }
  }
  const std::size_t entries = static_cast<std::size_t>(rowPtr.data[rows] - rowPtr.data[0]);
  const auto out = pa_native::ArrayArg<std::uint8_t>(env, args[5], napi_uint8_array, entries * kCoordinateLineBytes, kernel, "out");
  std::size_t written = 0;
  const std::size_t bytes = FormatCoordinate(first, rows, rowPtr.data, cols.data, values.data, lower, reinterpret_cast<char*>(out.data), &written);
  napi_value result;
  napi_create_array_with_length(env, 2, &result);
  napi_set_element(env, result, 0, NumberValue(env, static_cast<double>(bytes)));
  napi_set_element(env, result, 1, NumberValue(env, static_cast<double>(written)));
  return result;
}

napi_value Init(napi_env env, napi_value exports) {
  const napi_property_descriptor properties[] = {
      {"countLines", nullptr, Entry<1, CountLinesEntry>, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"parseArray", nullptr, Entry<3, ParseArrayEntry>, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"parseCoordinate", nullptr, Entry<7, ParseCoordinateEntry>, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"formatArray", nullptr, Entry<2, FormatArrayEntry>, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"formatCoordinate", nullptr, Entry<6, FormatCoordinateEntry>, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
  };
  napi_define_properties(env, exports, sizeof(properties) / sizeof(properties[0]), properties);
  return exports;
}

}  // namespace

}  // namespace pa_textio

NAPI_MODULE(NODE_GYP_MODULE_NAME, pa_textio::Init)
