// pa_kernels: Node-API entry points of the loops in kernels.h. The TypeScript description of
// every export is src/kernels/kernels-binding.ts; the library calls them through
// src/kernels/native-kernels.ts, which validates the arguments first (with the library's error
// classes). The checks here repeat the ones that keep memory safe (types and lengths), so a
// direct call with bad arguments throws a TypeError or RangeError instead of touching memory it
// does not own. Column ids are not checked (a precondition: they index x).
//
// The entry points use the plain C API: node-addon-api's CallbackInfo heap-allocates the argument
// list of calls with more than 6 arguments, and these run inside every CG iteration.
#include <napi.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <exception>
#include <stdexcept>
#include <string>

#include "kernels.h"
#include "pages.h"

namespace pa_kernels {

namespace {

// A bad argument: thrown by the readers below, turned into a JS exception by Entry.
struct ArgumentError {
  bool isType;
  std::string message;
};

[[noreturn]] void Fail(bool isType, const char* kernel, const char* name, const std::string& what) {
  throw ArgumentError{isType, std::string(kernel) + ": " + name + " " + what};
}

double NumberArg(napi_env env, napi_value value, const char* kernel, const char* name) {
  double out = 0.0;
  if (napi_get_value_double(env, value, &out) != napi_ok) Fail(true, kernel, name, "must be a number");
  return out;
}

// A count: an integer in 0 .. 2^31-1 (CSR ids are 32-bit; vectors are indexed like them).
std::size_t CountArg(napi_env env, napi_value value, const char* kernel, const char* name) {
  const double n = NumberArg(env, value, kernel, name);
  if (!(n >= 0.0 && n <= 2147483647.0 && std::floor(n) == n)) {
    Fail(false, kernel, name, "must be an integer in 0 .. 2^31-1");
  }
  return static_cast<std::size_t>(n);
}

// A typed array's elements (Node-API's pointer already includes the view's byteOffset).
template <typename T>
struct Span {
  T* data;
  std::size_t length;
};

const char* TypeName(napi_typedarray_type type) {
  switch (type) {
    case napi_int32_array: return "an Int32Array";
    case napi_int16_array: return "an Int16Array";
    case napi_uint8_array: return "a Uint8Array";
    default: return "a Float64Array";
  }
}

template <typename T>
Span<T> ArrayArg(napi_env env, napi_value value, napi_typedarray_type type, std::size_t minLength,
                 const char* kernel, const char* name) {
  napi_typedarray_type actual = napi_int8_array;
  std::size_t length = 0;
  void* data = nullptr;
  // napi_get_typedarray_info fails (napi_invalid_arg) for anything that is not a typed array.
  if (napi_get_typedarray_info(env, value, &actual, &length, &data, nullptr, nullptr) != napi_ok ||
      actual != type) {
    Fail(true, kernel, name, std::string("must be ") + TypeName(type));
  }
  if (length < minLength) {
    Fail(false, kernel, name, "has length " + std::to_string(length) + ", needs at least " +
                                  std::to_string(minLength));
  }
  return Span<T>{static_cast<T*>(data), length};
}

const double* DoubleArg(napi_env env, napi_value v, std::size_t n, const char* kernel, const char* name) {
  return ArrayArg<const double>(env, v, napi_float64_array, n, kernel, name).data;
}

double* MutableDoubleArg(napi_env env, napi_value v, std::size_t n, const char* kernel, const char* name) {
  return ArrayArg<double>(env, v, napi_float64_array, n, kernel, name).data;
}

// Arguments 0..3 of every SpMV: nRows, rowPtr, colIdx, values, with rowPtr[nRows] within the
// entries. Row pointers in between and column ids are not checked (precondition).
Csr CsrArgs(napi_env env, const napi_value* args, const char* kernel) {
  const std::size_t nRows = CountArg(env, args[0], kernel, "nRows");
  const auto rowPtr = ArrayArg<const std::int32_t>(env, args[1], napi_int32_array, nRows + 1, kernel, "rowPtr");
  const auto colIdx = ArrayArg<const std::int32_t>(env, args[2], napi_int32_array, 0, kernel, "colIdx");
  const auto values = ArrayArg<const double>(env, args[3], napi_float64_array, 0, kernel, "values");
  const std::int32_t nnz = rowPtr.data[nRows];
  if (nnz < 0 || static_cast<std::size_t>(nnz) > colIdx.length || static_cast<std::size_t>(nnz) > values.length) {
    Fail(false, kernel, "rowPtr[nRows]", "must be in 0 .. min(colIdx.length, values.length)");
  }
  return Csr{static_cast<std::int32_t>(nRows), rowPtr.data, colIdx.data, values.data};
}

napi_value Number(napi_env env, double value) {
  napi_value out = nullptr;
  napi_create_double(env, value, &out);
  return out;
}

// Reads exactly N arguments (missing ones are undefined) and runs F, turning an ArgumentError
// into a TypeError or RangeError (and any other C++ exception, e.g. bad_alloc, into an Error:
// none may cross into Node).
template <std::size_t N, napi_value (*F)(napi_env, const napi_value*)>
napi_value Entry(napi_env env, napi_callback_info info) {
  napi_value args[N];
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

// spmv(nRows, rowPtr, colIdx, values, x, y)
napi_value SpmvEntry(napi_env env, const napi_value* args) {
  const Csr a = CsrArgs(env, args, "spmv");
  const double* x = DoubleArg(env, args[4], 0, "spmv", "x");
  Spmv(a, x, MutableDoubleArg(env, args[5], a.nRows, "spmv", "y"));
  return nullptr;
}

// spmvAdd(nRows, rowPtr, colIdx, values, x, y)
napi_value SpmvAddEntry(napi_env env, const napi_value* args) {
  const Csr a = CsrArgs(env, args, "spmvAdd");
  const double* x = DoubleArg(env, args[4], 0, "spmvAdd", "x");
  SpmvAdd(a, x, MutableDoubleArg(env, args[5], a.nRows, "spmvAdd", "y"));
  return nullptr;
}

// spmvDot(nRows, rowPtr, colIdx, values, x, y, w, init) -> init + w.y
napi_value SpmvDotEntry(napi_env env, const napi_value* args) {
  const Csr a = CsrArgs(env, args, "spmvDot");
  const double* x = DoubleArg(env, args[4], 0, "spmvDot", "x");
  double* y = MutableDoubleArg(env, args[5], a.nRows, "spmvDot", "y");
  const double* w = DoubleArg(env, args[6], a.nRows, "spmvDot", "w");
  return Number(env, SpmvDot(a, x, y, w, NumberArg(env, args[7], "spmvDot", "init")));
}

// spmvAddDot(nRows, rowPtr, colIdx, values, x, y, w, init) -> init + w.y
napi_value SpmvAddDotEntry(napi_env env, const napi_value* args) {
  const Csr a = CsrArgs(env, args, "spmvAddDot");
  const double* x = DoubleArg(env, args[4], 0, "spmvAddDot", "x");
  double* y = MutableDoubleArg(env, args[5], a.nRows, "spmvAddDot", "y");
  const double* w = DoubleArg(env, args[6], a.nRows, "spmvAddDot", "w");
  return Number(env, SpmvAddDot(a, x, y, w, NumberArg(env, args[7], "spmvAddDot", "init")));
}

// dot(n, x, y) -> x.y
napi_value DotEntry(napi_env env, const napi_value* args) {
  const std::size_t n = CountArg(env, args[0], "dot", "n");
  const double* x = DoubleArg(env, args[1], n, "dot", "x");
  return Number(env, Dot(n, x, DoubleArg(env, args[2], n, "dot", "y")));
}

// sum(n, x) -> sum of x
napi_value SumEntry(napi_env env, const napi_value* args) {
  const std::size_t n = CountArg(env, args[0], "sum", "n");
  return Number(env, Sum(n, DoubleArg(env, args[1], n, "sum", "x")));
}

// axpy(n, alpha, x, y)
napi_value AxpyEntry(napi_env env, const napi_value* args) {
  const std::size_t n = CountArg(env, args[0], "axpy", "n");
  const double alpha = NumberArg(env, args[1], "axpy", "alpha");
  const double* x = DoubleArg(env, args[2], n, "axpy", "x");
  Axpy(n, alpha, x, MutableDoubleArg(env, args[3], n, "axpy", "y"));
  return nullptr;
}

// axpby(n, alpha, x, beta, y)
napi_value AxpbyEntry(napi_env env, const napi_value* args) {
  const std::size_t n = CountArg(env, args[0], "axpby", "n");
  const double alpha = NumberArg(env, args[1], "axpby", "alpha");
  const double* x = DoubleArg(env, args[2], n, "axpby", "x");
  const double beta = NumberArg(env, args[3], "axpby", "beta");
  Axpby(n, alpha, x, beta, MutableDoubleArg(env, args[4], n, "axpby", "y"));
  return nullptr;
}

// scale(n, alpha, x)
napi_value ScaleEntry(napi_env env, const napi_value* args) {
  const std::size_t n = CountArg(env, args[0], "scale", "n");
  const double alpha = NumberArg(env, args[1], "scale", "alpha");
  Scale(n, alpha, MutableDoubleArg(env, args[2], n, "scale", "x"));
  return nullptr;
}

// cgUpdate(n, alpha, p, q, x, r) -> r.r
napi_value CgUpdateEntry(napi_env env, const napi_value* args) {
  const char* k = "cgUpdate";
  const std::size_t n = CountArg(env, args[0], k, "n");
  const double alpha = NumberArg(env, args[1], k, "alpha");
  const double* p = DoubleArg(env, args[2], n, k, "p");
  const double* q = DoubleArg(env, args[3], n, k, "q");
  double* x = MutableDoubleArg(env, args[4], n, k, "x");
  double* r = MutableDoubleArg(env, args[5], n, k, "r");
  return Number(env, CgUpdate(n, alpha, p, q, x, r));
}

// cgDirectionJacobi(n, beta, r, dinv, p)
napi_value CgDirectionJacobiEntry(napi_env env, const napi_value* args) {
  const char* k = "cgDirectionJacobi";
  const std::size_t n = CountArg(env, args[0], k, "n");
  const double beta = NumberArg(env, args[1], k, "beta");
  const double* r = DoubleArg(env, args[2], n, k, "r");
  const double* dinv = DoubleArg(env, args[3], n, k, "dinv");
  CgDirectionJacobi(n, beta, r, dinv, MutableDoubleArg(env, args[4], n, k, "p"));
  return nullptr;
}

// cgResidualJacobi(n, alpha, q, r, dinv, out)
napi_value CgResidualJacobiEntry(napi_env env, const napi_value* args) {
  const char* k = "cgResidualJacobi";
  const std::size_t n = CountArg(env, args[0], k, "n");
  const double alpha = NumberArg(env, args[1], k, "alpha");
  const double* q = DoubleArg(env, args[2], n, k, "q");
  double* r = MutableDoubleArg(env, args[3], n, k, "r");
  const double* dinv = DoubleArg(env, args[4], n, k, "dinv");
  double* out = MutableDoubleArg(env, args[5], 2, k, "out");
  CgResidualJacobi(n, alpha, q, r, dinv, out);
  return nullptr;
}

// cgStepJacobi(n, alpha, beta, r, dinv, p, x)
napi_value CgStepJacobiEntry(napi_env env, const napi_value* args) {
  const char* k = "cgStepJacobi";
  const std::size_t n = CountArg(env, args[0], k, "n");
  const double alpha = NumberArg(env, args[1], k, "alpha");
  const double beta = NumberArg(env, args[2], k, "beta");
  const double* r = DoubleArg(env, args[3], n, k, "r");
  const double* dinv = DoubleArg(env, args[4], n, k, "dinv");
  double* p = MutableDoubleArg(env, args[5], n, k, "p");
  CgStepJacobi(n, alpha, beta, r, dinv, p, MutableDoubleArg(env, args[6], n, k, "x"));
  return nullptr;
}

// spmvDotCompact(rowBegin, rowEnd, entryBegin, entryEnd, lengths, offsets, values, x, y, w, init)
// -> init + w.y over the rows. The row lengths of the rows must add up to entryEnd - entryBegin,
// and every i + offsets[k] must index x (preconditions, as CSR structure is for the SpMVs).
napi_value SpmvDotCompactEntry(napi_env env, const napi_value* args) {
  const char* k = "spmvDotCompact";
  const std::size_t rowBegin = CountArg(env, args[0], k, "rowBegin");
  const std::size_t rowEnd = CountArg(env, args[1], k, "rowEnd");
  const std::size_t entryBegin = CountArg(env, args[2], k, "entryBegin");
  const std::size_t entryEnd = CountArg(env, args[3], k, "entryEnd");
  if (rowBegin > rowEnd) Fail(false, k, "rowBegin", "must not exceed rowEnd");
  if (entryBegin > entryEnd) Fail(false, k, "entryBegin", "must not exceed entryEnd");
  const auto lengths = ArrayArg<const std::uint8_t>(env, args[4], napi_uint8_array, rowEnd, k, "lengths");
  const auto offsets = ArrayArg<const std::int16_t>(env, args[5], napi_int16_array, entryEnd, k, "offsets");
  const double* values = DoubleArg(env, args[6], entryEnd, k, "values");
  const double* x = DoubleArg(env, args[7], 0, k, "x");
  double* y = MutableDoubleArg(env, args[8], rowEnd, k, "y");
  const double* w = DoubleArg(env, args[9], rowEnd, k, "w");
  const double init = NumberArg(env, args[10], k, "init");
  const CompactRows a{static_cast<std::int32_t>(rowBegin), static_cast<std::int32_t>(rowEnd),
                      static_cast<std::int32_t>(entryBegin), static_cast<std::int32_t>(entryEnd),
                      lengths.data, offsets.data, values};
  return Number(env, SpmvDotCompact(a, x, y, w, init));
}

// The bytes of any typed array (the page entries accept every element type).
Span<std::uint8_t> BytesArg(napi_env env, napi_value value, const char* kernel, const char* name) {
  napi_typedarray_type type = napi_int8_array;
  std::size_t length = 0;
  void* data = nullptr;
  napi_value buffer = nullptr;
  std::size_t offset = 0;
  if (napi_get_typedarray_info(env, value, &type, &length, &data, &buffer, &offset) != napi_ok) {
    Fail(true, kernel, name, "must be a typed array");
  }
  std::size_t size = 1;
  switch (type) {
    case napi_int16_array: case napi_uint16_array: size = 2; break;
    case napi_int32_array: case napi_uint32_array: case napi_float32_array: size = 4; break;
    case napi_float64_array: case napi_bigint64_array: case napi_biguint64_array: size = 8; break;
    default: size = 1;
  }
  return Span<std::uint8_t>{static_cast<std::uint8_t*>(data), length * size};
}

// A huge page size: a power of two of at least 4 KiB.
std::size_t PageBytesArg(napi_env env, napi_value value, const char* kernel) {
  const std::size_t bytes = CountArg(env, value, kernel, "pageBytes");
  if (bytes < 4096 || (bytes & (bytes - 1)) != 0) Fail(false, kernel, "pageBytes", "must be a power of two >= 4096");
  return bytes;
}

// hugePageOffset(array, pageBytes) -> bytes from array's first byte to the next page boundary
napi_value HugePageOffsetEntry(napi_env env, const napi_value* args) {
  const auto bytes = BytesArg(env, args[0], "hugePageOffset", "array");
  const std::size_t pageBytes = PageBytesArg(env, args[1], "hugePageOffset");
  return Number(env, static_cast<double>(HugePageOffset(reinterpret_cast<std::uintptr_t>(bytes.data), pageBytes)));
}

// adviseHugePages(array, pageBytes) -> { advised, collapsed }; throws when madvise refuses
napi_value AdviseHugePagesEntry(napi_env env, const napi_value* args) {
  const auto bytes = BytesArg(env, args[0], "adviseHugePages", "array");
  const std::size_t pageBytes = PageBytesArg(env, args[1], "adviseHugePages");
  const Advice advice = AdviseHugePages(bytes.data, bytes.length, pageBytes);
  if (advice.error != 0) {
    throw std::runtime_error(std::string("adviseHugePages: madvise(MADV_HUGEPAGE) failed: ") + std::strerror(advice.error));
  }
  napi_value out = nullptr;
  napi_value collapsed = nullptr;
  if (napi_create_object(env, &out) != napi_ok || napi_get_boolean(env, advice.collapsed, &collapsed) != napi_ok ||
      napi_set_named_property(env, out, "advised", Number(env, static_cast<double>(advice.advised))) != napi_ok ||
      napi_set_named_property(env, out, "collapsed", collapsed) != napi_ok) {
    throw std::runtime_error("adviseHugePages: could not create the result object");
  }
  return out;
}

void Export(Napi::Env env, Napi::Object exports, const char* name, napi_callback callback) {
  napi_value fn = nullptr;
  NAPI_THROW_IF_FAILED_VOID(env, napi_create_function(env, name, NAPI_AUTO_LENGTH, callback, nullptr, &fn));
  exports.Set(name, Napi::Value(env, fn));
}

}  // namespace

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  Export(env, exports, "spmv", Entry<6, SpmvEntry>);
  Export(env, exports, "spmvAdd", Entry<6, SpmvAddEntry>);
  Export(env, exports, "spmvDot", Entry<8, SpmvDotEntry>);
  Export(env, exports, "spmvAddDot", Entry<8, SpmvAddDotEntry>);
  Export(env, exports, "dot", Entry<3, DotEntry>);
  Export(env, exports, "sum", Entry<2, SumEntry>);
  Export(env, exports, "axpy", Entry<4, AxpyEntry>);
  Export(env, exports, "axpby", Entry<5, AxpbyEntry>);
  Export(env, exports, "scale", Entry<3, ScaleEntry>);
  Export(env, exports, "cgUpdate", Entry<6, CgUpdateEntry>);
  Export(env, exports, "cgDirectionJacobi", Entry<5, CgDirectionJacobiEntry>);
  Export(env, exports, "spmvDotCompact", Entry<11, SpmvDotCompactEntry>);
  Export(env, exports, "cgResidualJacobi", Entry<6, CgResidualJacobiEntry>);
  Export(env, exports, "cgStepJacobi", Entry<7, CgStepJacobiEntry>);
  Export(env, exports, "hugePageOffset", Entry<2, HugePageOffsetEntry>);
  Export(env, exports, "adviseHugePages", Entry<2, AdviseHugePagesEntry>);
  return exports;
}

NODE_API_MODULE(pa_kernels, Init)

}  // namespace pa_kernels
