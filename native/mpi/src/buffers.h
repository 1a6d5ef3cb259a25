// Typed-array arguments. The addon accepts Uint8Array (serialized bytes), Int32Array (counts, ids)
// and Float64Array (values); anything else is an InvalidArgumentError, never a crash.
#pragma once

#include <mpi.h>
#include <napi.h>

#include <string>

namespace pa_mpi {

struct Buffer {
  napi_typedarray_type type;
  void* data;     // N-API already adds the view's byteOffset
  size_t length;  // in elements
};

const char* TypeName(napi_typedarray_type type);
// "a Float64Array", "an Int32Array".
std::string WithArticle(napi_typedarray_type type);
MPI_Datatype MpiType(napi_typedarray_type type);
size_t ElementSize(napi_typedarray_type type);

bool IsNullish(const Napi::Value& value);

// A Uint8Array, Int32Array or Float64Array, else InvalidArgumentError "<op>: <what> must be ...".
Buffer GetBuffer(const Napi::Value& value, const char* op, const char* what);
// Like GetBuffer, but the array must be of `type`.
Buffer GetBufferOf(const Napi::Value& value, napi_typedarray_type type, const char* op,
                   const char* what);
// An integer in [min, max], else InvalidArgumentError.
int GetInt(const Napi::Value& value, int min, int max, const char* op, const char* what);
// `length` as an MPI count (int), else InvalidArgumentError (messages over 2^31-1 elements).
int CountOf(Napi::Env env, size_t length, const char* op, const char* what);
// "a Float64Array of 3 elements": how a buffer is described in error messages.
std::string Describe(const Buffer& buffer);

}  // namespace pa_mpi
