#include "buffers.h"

#include <climits>
#include <cmath>

#include "state.h"

namespace pa_mpi {

const char* TypeName(napi_typedarray_type type) {
  switch (type) {
    case napi_int8_array: return "Int8Array";
    case napi_uint8_array: return "Uint8Array";
    case napi_uint8_clamped_array: return "Uint8ClampedArray";
    case napi_int16_array: return "Int16Array";
    case napi_uint16_array: return "Uint16Array";
    case napi_int32_array: return "Int32Array";
    case napi_uint32_array: return "Uint32Array";
    case napi_float32_array: return "Float32Array";
    case napi_float64_array: return "Float64Array";
    case napi_bigint64_array: return "BigInt64Array";
    case napi_biguint64_array: return "BigUint64Array";
  }
  return "TypedArray";
}

std::string WithArticle(napi_typedarray_type type) {
  const char* name = TypeName(type);
  return std::string(name[0] == 'I' ? "an " : "a ") + name;
}

MPI_Datatype MpiType(napi_typedarray_type type) {
  switch (type) {
    case napi_int32_array: return MPI_INT;
    case napi_float64_array: return MPI_DOUBLE;
    default: return MPI_BYTE;
  }
}

size_t ElementSize(napi_typedarray_type type) {
  switch (type) {
    case napi_int32_array: return 4;
    case napi_float64_array: return 8;
    default: return 1;
  }
}

bool IsNullish(const Napi::Value& value) { return value.IsNull() || value.IsUndefined(); }

namespace {

const char* KindOf(const Napi::Value& value) {
  if (value.IsUndefined()) return "undefined";
  if (value.IsNull()) return "null";
  if (value.IsNumber()) return "a number";
  if (value.IsString()) return "a string";
  if (value.IsArray()) return "an Array";
  if (value.IsArrayBuffer()) return "an ArrayBuffer";
  if (value.IsDataView()) return "a DataView";
  return "an object";
}

Buffer Read(const Napi::Value& value, const char* op, const char* what, const char* expected) {
  Napi::Env env = value.Env();
  if (!value.IsTypedArray()) {
    ThrowInvalidArgument(env, std::string(op) + ": " + what + " must be " + expected + ", got " +
                                  KindOf(value));
  }
  Buffer buffer{};
  napi_value arrayBuffer;
  size_t byteOffset;
  napi_status status = napi_get_typedarray_info(env, value, &buffer.type, &buffer.length,
                                                &buffer.data, &arrayBuffer, &byteOffset);
  if (status != napi_ok) throw Napi::Error::New(env);
  return buffer;
}

}  // namespace

Buffer GetBuffer(const Napi::Value& value, const char* op, const char* what) {
  const char* expected = "a Uint8Array, Int32Array or Float64Array";
  Buffer buffer = Read(value, op, what, expected);
  if (buffer.type != napi_uint8_array && buffer.type != napi_int32_array &&
      buffer.type != napi_float64_array) {
    ThrowInvalidArgument(value.Env(), std::string(op) + ": " + what + " must be " + expected +
                                          ", got " + WithArticle(buffer.type));
  }
  return buffer;
}

Buffer GetBufferOf(const Napi::Value& value, napi_typedarray_type type, const char* op,
                   const char* what) {
  std::string expected = WithArticle(type);
  Buffer buffer = Read(value, op, what, expected.c_str());
  if (buffer.type != type) {
    ThrowInvalidArgument(value.Env(), std::string(op) + ": " + what + " must be " + expected +
                                          ", got " + WithArticle(buffer.type));
  }
  return buffer;
}

int GetInt(const Napi::Value& value, int min, int max, const char* op, const char* what) {
  Napi::Env env = value.Env();
  double x = value.IsNumber() ? value.As<Napi::Number>().DoubleValue() : NAN;
  if (!value.IsNumber() || !std::isfinite(x) || std::floor(x) != x || x < min || x > max) {
    std::string got = value.IsNumber() ? value.ToString().Utf8Value() : KindOf(value);
    ThrowInvalidArgument(env, std::string(op) + ": " + what + " must be an integer in " +
                                  std::to_string(min) + ".." + std::to_string(max) + ", got " +
                                  got);
  }
  return static_cast<int>(x);
}

int CountOf(Napi::Env env, size_t length, const char* op, const char* what) {
  if (length > static_cast<size_t>(INT_MAX)) {
    ThrowInvalidArgument(env, std::string(op) + ": " + what + " has " + std::to_string(length) +
                                  " elements, more than one MPI message can hold (2^31-1)");
  }
  return static_cast<int>(length);
}

std::string Describe(const Buffer& buffer) {
  return WithArticle(buffer.type) + " of " + std::to_string(buffer.length) + " elements";
}

}  // namespace pa_mpi
