// The argument checks of the pa_spgemm addon's entry points (addon.cc and cycle-addon.cc): the
// first failed check of a call becomes a TypeError (wrong type) or RangeError (anything else)
// naming the kernel and the argument, thrown to JS by the entry point.
#ifndef PA_SPGEMM_CHECK_H
#define PA_SPGEMM_CHECK_H

#include <node_api.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>

namespace pa_spgemm_args {

// The first failed check of a call: thrown to JS by the entry point that owns it.
struct Check {
  napi_env env;
  const char* kernel;
  bool failed = false;

  void Fail(bool isType, const std::string& message) {
    if (failed) return;
    failed = true;
    const std::string text = std::string(kernel) + ": " + message;
    if (isType) {
      napi_throw_type_error(env, nullptr, text.c_str());
    } else {
      napi_throw_range_error(env, nullptr, text.c_str());
    }
  }

  double Number(napi_value value, const char* name) {
    double n = 0.0;
    if (!failed && napi_get_value_double(env, value, &n) != napi_ok) Fail(true, std::string(name) + " must be a number");
    return n;
  }

  // An integer in 0 .. most (at most 2^31-1).
  int32_t Count(napi_value value, const char* name, double most = 2147483647.0) {
    const double n = Number(value, name);
    if (failed) return 0;
    if (!(n >= 0.0 && n <= most && std::floor(n) == n)) {
      const std::string bound = most == 2147483647.0 ? "2^31-1" : std::to_string(static_cast<int64_t>(most));
      Fail(false, std::string(name) + " must be an integer in 0 .. " + bound);
      return 0;
    }
    return static_cast<int32_t>(n);
  }


  template <typename T>
  T* Array(napi_value value, napi_typedarray_type type, std::size_t minLength, const char* name,
           std::size_t* lengthOut = nullptr) {
    if (failed) return nullptr;
    napi_typedarray_type actual = napi_int8_array;
    std::size_t length = 0;
    void* data = nullptr;
    if (napi_get_typedarray_info(env, value, &actual, &length, &data, nullptr, nullptr) != napi_ok ||
        actual != type) {
      const char* expected = type == napi_int32_array ? " must be an Int32Array"
                             : type == napi_uint8_array ? " must be a Uint8Array"
                                                        : " must be a Float64Array";
      Fail(true, std::string(name) + expected);
      return nullptr;
    }
    if (length < minLength) {
      Fail(false, std::string(name) + " has length " + std::to_string(length) + ", needs at least " +
                      std::to_string(minLength));
      return nullptr;
    }
    if (lengthOut != nullptr) *lengthOut = length;
    return static_cast<T*>(data);
  }

  // rowPtr[0..nRows] starts at 0, never decreases and ends within `entries`.
  void RowPtr(const int32_t* rowPtr, int32_t nRows, std::size_t entries, const char* name) {
    if (failed) return;
    if (rowPtr[0] != 0) return Fail(false, std::string(name) + "[0] must be 0");
    for (int32_t i = 0; i < nRows; i++) {
      if (rowPtr[i + 1] < rowPtr[i]) return Fail(false, std::string(name) + " decreases at row " + std::to_string(i));
    }
    if (static_cast<std::size_t>(rowPtr[nRows]) > entries) {
      Fail(false, std::string(name) + " points past the end of the column ids");
    }
  }

  // Every id in ids[0..count) is in 0..bound-1.
  void Ids(const int32_t* ids, int32_t count, int32_t bound, const char* name) {
    if (failed) return;
    // One unsigned comparison per id (a negative id is a large unsigned one), or-ed over a chunk
    // without an exit, so that the compiler vectorises it: the products check millions of ids
    // per call. Only a chunk with a bad id is searched for the first one.
    constexpr int32_t kChunk = 4096;
    // No bound (0 or less): every id is bad, and the search below reports the first.
    const uint32_t limit = bound > 0 ? static_cast<uint32_t>(bound) : 0;
    for (int32_t start = 0; start < count; start += kChunk) {
      const int32_t end = count - start < kChunk ? count : start + kChunk;
      uint32_t bad = 0;
      for (int32_t e = start; e < end; e++) bad |= static_cast<uint32_t>(static_cast<uint32_t>(ids[e]) >= limit);
      if (bad == 0) continue;
      for (int32_t e = start; e < end; e++) {
        if (ids[e] < 0 || ids[e] >= bound) {
          return Fail(false, std::string(name) + "[" + std::to_string(e) + "] = " + std::to_string(ids[e]) +
                                 " is outside 0.." + std::to_string(bound - 1));
        }
      }
    }
  }
};

}  // namespace pa_spgemm_args

#endif
