// Argument checks shared by the Node-API addons (native/kernels, banded, ilu, blas): an entry point
// reads its arguments with the readers below, which throw an ArgumentError on a bad one; Entry
// turns it into a JS TypeError (wrong type) or RangeError (anything else) whose message is
// "<kernel>: <argument> <what is wrong>". Header-only: each addon compiles its own copy, included
// by a relative path so that no binding.gyp needs an include directory.
#ifndef PA_NATIVE_COMMON_NAPI_CHECKS_H_
#define PA_NATIVE_COMMON_NAPI_CHECKS_H_

#include <node_api.h>

#include <cstdint>
#include <exception>
#include <string>

namespace pa_native {

// A bad argument: thrown by the readers, turned into a JS exception by Entry.
struct ArgumentError {
  bool isType;
  std::string message;
};

[[noreturn]] inline void Fail(bool isType, const char* kernel, const char* name, const std::string& what) {
  throw ArgumentError{isType, std::string(kernel) + ": " + name + " " + what};
}

inline double NumberArg(napi_env env, napi_value value, const char* kernel, const char* name) {
  double out = 0.0;
  if (napi_get_value_double(env, value, &out) != napi_ok) Fail(true, kernel, name, "must be a number");
  return out;
}

// Fails unless an array of `length` elements holds at least `needed`.
inline void NeedLength(std::size_t length, std::int64_t needed, const char* kernel, const char* name) {
  if (static_cast<std::int64_t>(length) < needed) {
    Fail(false, kernel, name, "has length " + std::to_string(length) + ", needs at least " + std::to_string(needed));
  }
}

// A typed array's elements (Node-API's pointer already includes the view's byteOffset).
template <typename T>
struct Span {
  T* data;
  std::size_t length;
};

inline const char* TypeName(napi_typedarray_type type) {
  switch (type) {
    case napi_int32_array: return "an Int32Array";
    case napi_int16_array: return "an Int16Array";
    case napi_uint8_array: return "a Uint8Array";
    default: return "a Float64Array";
  }
}

// A typed array of exactly `type` holding at least `minLength` elements.
template <typename T>
Span<T> ArrayArg(napi_env env, napi_value value, napi_typedarray_type type, std::size_t minLength, const char* kernel,
                 const char* name) {
  napi_typedarray_type actual = napi_int8_array;
  std::size_t length = 0;
  void* data = nullptr;
  // napi_get_typedarray_info fails (napi_invalid_arg) for anything that is not a typed array.
  if (napi_get_typedarray_info(env, value, &actual, &length, &data, nullptr, nullptr) != napi_ok || actual != type) {
    Fail(true, kernel, name, std::string("must be ") + TypeName(type));
  }
  NeedLength(length, static_cast<std::int64_t>(minLength), kernel, name);
  return Span<T>{static_cast<T*>(data), length};
}

// Reads exactly N arguments (missing ones are undefined) and runs F, turning an ArgumentError
// into a TypeError or RangeError (and any other C++ exception, e.g. bad_alloc, into an Error:
// none may cross into Node).
template <std::size_t N, napi_value (*F)(napi_env, const napi_value*)>
napi_value Entry(napi_env env, napi_callback_info info) {
  napi_value args[N > 0 ? N : 1];
  std::size_t argc = N;
  if (napi_get_cb_info(env, info, &argc, args, nullptr, nullptr) != napi_ok) return nullptr;
  try {
    return F(env, args);
  } catch (const ArgumentError& error) {
    if (error.isType) napi_throw_type_error(env, nullptr, error.message.c_str());
    else napi_throw_range_error(env, nullptr, error.message.c_str());
    return nullptr;
  } catch (const std::exception& error) {
    napi_throw_error(env, nullptr, error.what());
    return nullptr;
  }
}

}  // namespace pa_native

#endif  // PA_NATIVE_COMMON_NAPI_CHECKS_H_
