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
#include <sched.h>
#include <v8.h>

#include <cerrno>

#include <atomic>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <exception>
#include <memory>
#include <stdexcept>
#include <string>

#include "assembly.h"
#include "kernels.h"
#include "pages.h"
#include "../../common/napi-checks.h"

namespace pa_kernels {

namespace {

using pa_native::ArrayArg;
using pa_native::Entry;
using pa_native::Fail;
using pa_native::NumberArg;
using pa_native::Span;

// A count: an integer in 0 .. 2^31-1 (CSR ids are 32-bit; vectors are indexed like them).
std::size_t CountArg(napi_env env, napi_value value, const char* kernel, const char* name) {
  const double n = NumberArg(env, value, kernel, name);
  if (!(n >= 0.0 && n <= 2147483647.0 && std::floor(n) == n)) {
    Fail(false, kernel, name, "must be an integer in 0 .. 2^31-1");
  }
  return static_cast<std::size_t>(n);
}

const double* DoubleArg(napi_env env, napi_value v, std::size_t n, const char* kernel, const char* name) {
  return ArrayArg<const double>(env, v, napi_float64_array, n, kernel, name).data;
}

double* MutableDoubleArg(napi_env env, napi_value v, std::size_t n, const char* kernel, const char* name) {
  return ArrayArg<double>(env, v, napi_float64_array, n, kernel, name).data;
}

// Arguments 0..3 of every SpMV: nRows, rowPtr, colIdx, values, with rowPtr[nRows] within the
// entries. Row pointers in between and column ids are not checked (precondition).
// With `extent`, the lengths of colIdx and values are stored there (for SharesNoMemory).
struct CsrExtent {
  std::size_t colIdx;
  std::size_t values;
};

Csr CsrArgs(napi_env env, const napi_value* args, const char* kernel, CsrExtent* extent = nullptr) {
  const std::size_t nRows = CountArg(env, args[0], kernel, "nRows");
  const auto rowPtr = ArrayArg<const std::int32_t>(env, args[1], napi_int32_array, nRows + 1, kernel, "rowPtr");
  const auto colIdx = ArrayArg<const std::int32_t>(env, args[2], napi_int32_array, 0, kernel, "colIdx");
  const auto values = ArrayArg<const double>(env, args[3], napi_float64_array, 0, kernel, "values");
  const std::int32_t nnz = rowPtr.data[nRows];
  if (nnz < 0 || static_cast<std::size_t>(nnz) > colIdx.length || static_cast<std::size_t>(nnz) > values.length) {
    Fail(false, kernel, "rowPtr[nRows]", "must be in 0 .. min(colIdx.length, values.length)");
  }
  if (extent != nullptr) *extent = CsrExtent{colIdx.length, values.length};
  return Csr{static_cast<std::int32_t>(nRows), rowPtr.data, colIdx.data, values.data};
}

// Whether [a, a + aBytes) and [b, b + bBytes) share no byte.
bool Apart(const void* a, std::size_t aBytes, const void* b, std::size_t bBytes) {
  const auto p = reinterpret_cast<std::uintptr_t>(a);
  const auto q = reinterpret_cast<std::uintptr_t>(b);
  return p + aBytes <= q || q + bBytes <= p;
}

// Whether the CSR passes may group rows (CsrRows in kernels.h): y (its nRows written elements)
// shares no memory with anything they read. x and w are given with their lengths (w: 0 when the
// pass has none).
bool SharesNoMemory(const Csr& a, const CsrExtent& extent, Span<const double> x, const double* y, const double* w,
                    std::size_t wLength) {
  const std::size_t yBytes = static_cast<std::size_t>(a.nRows) * sizeof(double);
  return Apart(y, yBytes, a.rowPtr, (static_cast<std::size_t>(a.nRows) + 1) * sizeof(std::int32_t)) &&
         Apart(y, yBytes, a.colIdx, extent.colIdx * sizeof(std::int32_t)) &&
         Apart(y, yBytes, a.values, extent.values * sizeof(double)) && Apart(y, yBytes, x.data, x.length * sizeof(double)) &&
         Apart(y, yBytes, w, wLength * sizeof(double));
}

napi_value Number(napi_env env, double value) {
  napi_value out = nullptr;
  napi_create_double(env, value, &out);
  return out;
}

// spmv(nRows, rowPtr, colIdx, values, x, y)
napi_value SpmvEntry(napi_env env, const napi_value* args) {
  CsrExtent extent{};
  const Csr a = CsrArgs(env, args, "spmv", &extent);
  const auto x = ArrayArg<const double>(env, args[4], napi_float64_array, 0, "spmv", "x");
  double* y = MutableDoubleArg(env, args[5], a.nRows, "spmv", "y");
  Spmv(a, x.data, y, SharesNoMemory(a, extent, x, y, nullptr, 0));
  return nullptr;
}

// spmvAdd(nRows, rowPtr, colIdx, values, x, y)
napi_value SpmvAddEntry(napi_env env, const napi_value* args) {
  CsrExtent extent{};
  const Csr a = CsrArgs(env, args, "spmvAdd", &extent);
  const auto x = ArrayArg<const double>(env, args[4], napi_float64_array, 0, "spmvAdd", "x");
  double* y = MutableDoubleArg(env, args[5], a.nRows, "spmvAdd", "y");
  SpmvAdd(a, x.data, y, SharesNoMemory(a, extent, x, y, nullptr, 0));
  return nullptr;
}

// spmvDot(nRows, rowPtr, colIdx, values, x, y, w, init) -> init + w.y
napi_value SpmvDotEntry(napi_env env, const napi_value* args) {
  CsrExtent extent{};
  const Csr a = CsrArgs(env, args, "spmvDot", &extent);
  const auto x = ArrayArg<const double>(env, args[4], napi_float64_array, 0, "spmvDot", "x");
  double* y = MutableDoubleArg(env, args[5], a.nRows, "spmvDot", "y");
  const double* w = DoubleArg(env, args[6], a.nRows, "spmvDot", "w");
  const double init = NumberArg(env, args[7], "spmvDot", "init");
  return Number(env, SpmvDot(a, x.data, y, w, init, SharesNoMemory(a, extent, x, y, w, a.nRows)));
}

// spmvAddDot(nRows, rowPtr, colIdx, values, x, y, w, init) -> init + w.y
napi_value SpmvAddDotEntry(napi_env env, const napi_value* args) {
  CsrExtent extent{};
  const Csr a = CsrArgs(env, args, "spmvAddDot", &extent);
  const auto x = ArrayArg<const double>(env, args[4], napi_float64_array, 0, "spmvAddDot", "x");
  double* y = MutableDoubleArg(env, args[5], a.nRows, "spmvAddDot", "y");
  const double* w = DoubleArg(env, args[6], a.nRows, "spmvAddDot", "w");
  const double init = NumberArg(env, args[7], "spmvAddDot", "init");
  return Number(env, SpmvAddDot(a, x.data, y, w, init, SharesNoMemory(a, extent, x, y, w, a.nRows)));
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

// How much of the mappings' memory V8 is told about. V8 counts the external memory allocated since
// its last full collection against the old generation's limit, and before that first collection
// the limit is only about 8 MiB above the heap of the moment the young collections of start-up (a
// library import makes several) shrank it to: a job that maps a few MiB of arrays then stops for
// an atomic full collection in its middle (10-40 ms at n = 30, where the whole job takes 30-70 ms),
// on every rank at a different time. So the first kUnreportedMappingBytes of this thread's live
// mappings are not reported (V8 does not count SharedArrayBuffers or buffers it does not free
// either), and every byte beyond them is: a thread that holds many large buffers, or drops them
// faster than collections come, still makes V8 collect the dead ones, and at most this much
// memory waits unreported for a collection.
constexpr std::int64_t kUnreportedMappingBytes = std::int64_t{64} << 20;
// Bytes mapped for this thread's buffers that are not unmapped yet, and how many of them V8 was told
// about. A buffer is created and finalized on the thread of its JavaScript environment.
thread_local std::int64_t mappedBytes = 0;
thread_local std::int64_t reportedBytes = 0;

void ReportMappedBytes(napi_env env) {
  const std::int64_t excess = mappedBytes > kUnreportedMappingBytes ? mappedBytes - kUnreportedMappingBytes : 0;
  if (excess == reportedBytes) return;
  std::int64_t unused = 0;
  if (napi_adjust_external_memory(env, excess - reportedBytes, &unused) == napi_ok) reportedBytes = excess;
}

void UnmapFinalizer(napi_env env, void* data, void* hint) {
  const std::size_t mapped = reinterpret_cast<std::size_t>(hint);
  munmap(data, mapped);
  mappedBytes -= static_cast<std::int64_t>(mapped);
  ReportMappedBytes(env);
}

// hugePageBuffer(bytes, pageBytes) -> an ArrayBuffer of `bytes` zero bytes on fresh memory that
// starts on a page boundary and is advised onto huge pages (MapHugePages); unmapped when collected.
// The buffer is made with V8's API and an empty deleter, not with napi_create_external_arraybuffer,
// whose buffers V8 counts in full (see kUnreportedMappingBytes); the mapping is ours to unmap, in
// the finalizer, as before. The caller marks it untransferable (as Node marks its own external
// buffers), so that postMessage copies it instead of moving memory the finalizer will unmap.
napi_value HugePageBufferEntry(napi_env env, const napi_value* args) {
  const std::size_t bytes = CountArg(env, args[0], "hugePageBuffer", "bytes");
  const std::size_t pageBytes = PageBytesArg(env, args[1], "hugePageBuffer");
  std::size_t mapped = 0;
  void* data = MapHugePages(bytes == 0 ? 1 : bytes, pageBytes, &mapped);
  if (data == nullptr) throw std::runtime_error(std::string("hugePageBuffer: mmap failed: ") + std::strerror(errno));
  v8::Isolate* isolate = v8::Isolate::GetCurrent();
  std::unique_ptr<v8::BackingStore> store =
      v8::ArrayBuffer::NewBackingStore(data, bytes, v8::BackingStore::EmptyDeleter, nullptr);
  v8::Local<v8::ArrayBuffer> buffer = v8::ArrayBuffer::New(isolate, std::move(store));
  // Node-API's values are V8's handles (v8impl::JsValueFromV8LocalValue); the callback's handle
  // scope keeps this one alive until it returns.
  napi_value out = reinterpret_cast<napi_value>(*buffer);
  if (napi_add_finalizer(env, out, data, UnmapFinalizer, reinterpret_cast<void*>(mapped), nullptr) != napi_ok) {
    munmap(data, mapped);
    throw std::runtime_error("hugePageBuffer: could not attach the buffer's finalizer");
  }
  mappedBytes += static_cast<std::int64_t>(mapped);
  ReportMappedBytes(env);
  return out;
}

// Bytes of hugePageSharedBuffer's mappings not unmapped yet, in the whole process: a shared
// buffer's memory outlives the thread that made it when other threads hold it, so its deleter may
// run on any thread (the last one to drop it, or a collector's helper thread).
std::atomic<std::int64_t> sharedMappedBytes{0};

void UnmapShared(void* data, std::size_t, void* deleterData) {
  const std::size_t mapped = reinterpret_cast<std::size_t>(deleterData);
  munmap(data, mapped);
  sharedMappedBytes.fetch_sub(static_cast<std::int64_t>(mapped), std::memory_order_relaxed);
}

// hugePageSharedBuffer(bytes, pageBytes) -> a SharedArrayBuffer of `bytes` zero bytes on fresh
// memory that starts on a page boundary and is advised onto huge pages (MapHugePages). Its backing
// store owns the mapping: postMessage shares the store between threads, and V8 calls UnmapShared
// when the last SharedArrayBuffer over it, in any thread, is collected or its isolate disposed.
// V8 counts no SharedArrayBuffer's memory as external (its own neither), so none is reported.
napi_value HugePageSharedBufferEntry(napi_env env, const napi_value* args) {
  const std::size_t bytes = CountArg(env, args[0], "hugePageSharedBuffer", "bytes");
  const std::size_t pageBytes = PageBytesArg(env, args[1], "hugePageSharedBuffer");
  std::size_t mapped = 0;
  void* data = MapHugePages(bytes == 0 ? 1 : bytes, pageBytes, &mapped);
  if (data == nullptr) throw std::runtime_error(std::string("hugePageSharedBuffer: mmap failed: ") + std::strerror(errno));
  sharedMappedBytes.fetch_add(static_cast<std::int64_t>(mapped), std::memory_order_relaxed);
  // From here the store owns the mapping: it unmaps it even if creating the buffer fails.
  std::unique_ptr<v8::BackingStore> store =
      v8::SharedArrayBuffer::NewBackingStore(data, bytes, UnmapShared, reinterpret_cast<void*>(mapped));
  v8::Local<v8::SharedArrayBuffer> buffer = v8::SharedArrayBuffer::New(v8::Isolate::GetCurrent(), std::move(store));
  // Node-API's values are V8's handles, as in hugePageBuffer.
  return reinterpret_cast<napi_value>(*buffer);
}

// collapseSharedPages(array, pageBytes) -> { collapsed, error }: CollapseSharedPages on the array's
// bytes; `error` is '' or the strerror of the step that failed (the memory is unchanged then).
napi_value CollapseSharedPagesEntry(napi_env env, const napi_value* args) {
  const auto bytes = BytesArg(env, args[0], "collapseSharedPages", "array");
  const std::size_t pageBytes = PageBytesArg(env, args[1], "collapseSharedPages");
  const Collapse done = CollapseSharedPages(bytes.data, bytes.length, pageBytes);
  napi_value out = nullptr, collapsed = Number(env, static_cast<double>(done.collapsed)), error = nullptr;
  const char* reason = done.error == 0 ? "" : std::strerror(done.error);
  if (napi_create_string_utf8(env, reason, NAPI_AUTO_LENGTH, &error) != napi_ok || napi_create_object(env, &out) != napi_ok ||
      napi_set_named_property(env, out, "collapsed", collapsed) != napi_ok || napi_set_named_property(env, out, "error", error) != napi_ok) {
    throw std::runtime_error("collapseSharedPages: could not create the result object");
  }
  return out;
}

// sharedMappedBytes() -> bytes of hugePageSharedBuffer's mappings alive in the process.
napi_value SharedMappedBytesEntry(napi_env env, const napi_value*) {
  return Number(env, static_cast<double>(sharedMappedBytes.load(std::memory_order_relaxed)));
}

// ---- Placing the calling thread (withThreads' option bindTo: 'core'; src/backends/threads/cpu-binding.ts).
// On Linux, sched_getaffinity and sched_setaffinity with pid 0 act on the calling thread only:
// a worker binds its own JavaScript thread, and V8's helper threads stay free to run anywhere.

// allowedCpus() -> Int32Array of the CPUs the calling thread may run on, ascending
napi_value AllowedCpusEntry(napi_env env, const napi_value*) {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) != 0) {
    throw std::runtime_error(std::string("allowedCpus: sched_getaffinity failed: ") + std::strerror(errno));
  }
  const int count = CPU_COUNT(&set);
  void* data = nullptr;
  napi_value buffer = nullptr;
  napi_value out = nullptr;
  if (napi_create_arraybuffer(env, static_cast<std::size_t>(count) * sizeof(std::int32_t), &data, &buffer) != napi_ok ||
      napi_create_typedarray(env, napi_int32_array, static_cast<std::size_t>(count), buffer, 0, &out) != napi_ok) {
    throw std::runtime_error("allowedCpus: could not create the result array");
  }
  auto* cpus = static_cast<std::int32_t*>(data);
  int k = 0;
  for (int cpu = 0; cpu < CPU_SETSIZE && k < count; cpu++) {
    if (CPU_ISSET(cpu, &set)) cpus[k++] = cpu;
  }
  return out;
}

// bindThisThread(cpu) -> undefined; from now on the calling thread runs on `cpu` only
napi_value BindThisThreadEntry(napi_env env, const napi_value* args) {
  const std::size_t cpu = CountArg(env, args[0], "bindThisThread", "cpu");
  if (cpu >= CPU_SETSIZE) Fail(false, "bindThisThread", "cpu", "must be below CPU_SETSIZE (1024)");
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  if (sched_setaffinity(0, sizeof set, &set) != 0) {
    throw std::runtime_error(std::string("bindThisThread: sched_setaffinity to CPU ") + std::to_string(cpu) +
                             " failed: " + std::strerror(errno));
  }
  napi_value undefined = nullptr;
  napi_get_undefined(env, &undefined);
  return undefined;
}

// ---- psparse's assembly loops (assembly.h); their TypeScript description is
// src/kernels/assembly-binding.ts.

std::int32_t* IntArg(napi_env env, napi_value v, std::size_t n, const char* kernel, const char* name) {
  return ArrayArg<std::int32_t>(env, v, napi_int32_array, n, kernel, name).data;
}

// A global size (ids are doubles, exact to 2^53): a non-negative number.
double SizeArg(napi_env env, napi_value value, const char* kernel, const char* name) {
  const double n = NumberArg(env, value, kernel, name);
  if (!(n >= 0.0)) Fail(false, kernel, name, "must be a non-negative number");
  return n;
}

// assemblyCheck(m, I, J, V, nRows, nCols) -> first bad triplet or -1
napi_value AssemblyCheckEntry(napi_env env, const napi_value* args) {
  const char* k = "assemblyCheck";
  const std::size_t m = CountArg(env, args[0], k, "m");
  const double* I = DoubleArg(env, args[1], m, k, "I");
  const double* J = DoubleArg(env, args[2], m, k, "J");
  const double* V = DoubleArg(env, args[3], m, k, "V");
  const double nRows = SizeArg(env, args[4], k, "nRows");
  const double nCols = SizeArg(env, args[5], k, "nCols");
  return Number(env, static_cast<double>(CheckTriplets(m, I, J, V, nRows, nCols)));
}

// assemblyClassify(m, ids, I, J, box, out) -> number of -2 codes; box = [nd, dims[3], lo[3], hi[3]]
OwnBoxSpec BoxArg(napi_env env, napi_value value, const char* k) {
  const double* spec = DoubleArg(env, value, 10, k, "box");
  OwnBoxSpec box{};
  box.nd = static_cast<int>(spec[0]);
  if (!(box.nd >= 1 && box.nd <= 3)) Fail(false, k, "box[0]", "must be 1, 2 or 3 directions");
  for (int d = 0; d < 3; d++) {
    box.dims[d] = spec[1 + d];
    box.lo[d] = spec[4 + d];
    box.hi[d] = spec[7 + d];
    if (d < box.nd && !(box.dims[d] >= 1.0 && box.lo[d] >= 0.0 && box.hi[d] >= box.lo[d] &&
                        (box.nd == 1 || box.hi[d] <= box.dims[d]))) {
      Fail(false, k, "box", "must describe a box inside its grid");
    }
  }
  return box;
}

napi_value AssemblyClassifyEntry(napi_env env, const napi_value* args) {
  const char* k = "assemblyClassify";
  const std::size_t m = CountArg(env, args[0], k, "m");
  const double* ids = DoubleArg(env, args[1], m, k, "ids");
  const double* I = DoubleArg(env, args[2], m, k, "I");
  const double* J = DoubleArg(env, args[3], m, k, "J");
  const OwnBoxSpec box = BoxArg(env, args[4], k);
  std::int32_t* out = IntArg(env, args[5], m, k, "out");
  return Number(env, static_cast<double>(ClassifyIds(m, ids, I, J, box, out)));
}

// stencilTriplets(grid, box, I, J, V) -> triplets of the own rows `box` of laplacianFdm on
// grid = [dims, n0, n1, n2]; writes I, J, V when they have room (else only counts)
napi_value StencilTripletsEntry(napi_env env, const napi_value* args) {
  const char* k = "stencilTriplets";
  const double* grid = DoubleArg(env, args[0], 4, k, "grid");
  const int dims = static_cast<int>(grid[0]);
  if (!(dims >= 1 && dims <= 3)) Fail(false, k, "grid[0]", "must be 1, 2 or 3 directions");
  std::int64_t n[3];
  for (int d = 0; d < 3; d++) {
    if (!(grid[1 + d] >= 1.0 && grid[1 + d] < 9.0e15)) Fail(false, k, "grid", "sizes must be >= 1");
    n[d] = static_cast<std::int64_t>(grid[1 + d]);
  }
  const OwnBoxSpec box = BoxArg(env, args[1], k);
  const std::size_t m = StencilTriplets(box, n, dims, nullptr, nullptr, nullptr);
  const std::size_t room = ArrayArg<double>(env, args[2], napi_float64_array, 0, k, "I").length;
  if (room == 0) return Number(env, static_cast<double>(m));
  double* I = MutableDoubleArg(env, args[2], m, k, "I");
  double* J = MutableDoubleArg(env, args[3], m, k, "J");
  double* V = MutableDoubleArg(env, args[4], m, k, "V");
  StencilTriplets(box, n, dims, I, J, V);
  return Number(env, static_cast<double>(m));
}

// assemblyCollect(m, ids, rowCode, colCode, out) -> number of ids written
napi_value AssemblyCollectEntry(napi_env env, const napi_value* args) {
  const char* k = "assemblyCollect";
  const std::size_t m = CountArg(env, args[0], k, "m");
  const double* ids = DoubleArg(env, args[1], m, k, "ids");
  const std::int32_t* rowCode = IntArg(env, args[2], m, k, "rowCode");
  const std::int32_t* colCode = IntArg(env, args[3], m, k, "colCode");
  const auto out = ArrayArg<double>(env, args[4], napi_float64_array, 0, k, "out");
  const std::size_t n = CollectOffColumns(m, ids, rowCode, colCode, out.data, out.length);
  if (n > out.length) Fail(false, k, "out", "is too short for the ids");
  return Number(env, static_cast<double>(n));
}

// assemblyGhostCodes(m, ids, rowCode, colCode, ghosts, nOwnCols)
napi_value AssemblyGhostCodesEntry(napi_env env, const napi_value* args) {
  const char* k = "assemblyGhostCodes";
  const std::size_t m = CountArg(env, args[0], k, "m");
  const double* ids = DoubleArg(env, args[1], m, k, "ids");
  const std::int32_t* rowCode = IntArg(env, args[2], m, k, "rowCode");
  std::int32_t* colCode = IntArg(env, args[3], m, k, "colCode");
  const auto ghosts = ArrayArg<const double>(env, args[4], napi_float64_array, 0, k, "ghosts");
  const std::size_t nOwnCols = CountArg(env, args[5], k, "nOwnCols");
  if (nOwnCols + ghosts.length > 2147483647u) Fail(false, k, "ghosts", "make more than 2^31-1 columns");
  if (!GhostCodes(m, ids, rowCode, colCode, ghosts.data, ghosts.length, static_cast<std::int32_t>(nOwnCols))) {
    Fail(false, k, "ids", "hold a column that is not in ghosts");
  }
  return nullptr;
}

// csrPattern(nRows, nOwnCols, rowCode, colCode, perm, rowStart, ooPtr, ogPtr)
napi_value CsrPatternEntry(napi_env env, const napi_value* args) {
  const char* k = "csrPattern";
  const std::size_t nRows = CountArg(env, args[0], k, "nRows");
  const std::size_t nOwnCols = CountArg(env, args[1], k, "nOwnCols");
  const auto rowCode = ArrayArg<const std::int32_t>(env, args[2], napi_int32_array, 0, k, "rowCode");
  const std::size_t total = rowCode.length;
  const std::int32_t* colCode = IntArg(env, args[3], total, k, "colCode");
  std::int32_t* perm = IntArg(env, args[4], total, k, "perm");
  std::int32_t* rowStart = IntArg(env, args[5], nRows + 1, k, "rowStart");
  std::int32_t* ooPtr = IntArg(env, args[6], nRows + 1, k, "ooPtr");
  std::int32_t* ogPtr = IntArg(env, args[7], nRows + 1, k, "ogPtr");
  if (total > 2147483647u) Fail(false, k, "rowCode", "has more than 2^31-1 entries");
  if (!CsrPattern(static_cast<std::int32_t>(nRows), static_cast<std::int32_t>(nOwnCols), total, rowCode.data, colCode,
                  perm, rowStart, ooPtr, ogPtr)) {
    Fail(false, k, "rowCode", "holds a row id >= nRows");
  }
  return nullptr;
}

// csrFill(nRows, nOwnCols, rowCode, colCode, perm, rowStart, ooCol, ogCol, slot)
napi_value CsrFillEntry(napi_env env, const napi_value* args) {
  const char* k = "csrFill";
  const std::size_t nRows = CountArg(env, args[0], k, "nRows");
  const std::size_t nOwnCols = CountArg(env, args[1], k, "nOwnCols");
  const auto rowCode = ArrayArg<const std::int32_t>(env, args[2], napi_int32_array, 0, k, "rowCode");
  const std::size_t total = rowCode.length;
  const std::int32_t* colCode = IntArg(env, args[3], total, k, "colCode");
  const std::int32_t* perm = IntArg(env, args[4], total, k, "perm");
  const std::int32_t* rowStart = IntArg(env, args[5], nRows + 1, k, "rowStart");
  const auto ooCol = ArrayArg<std::int32_t>(env, args[6], napi_int32_array, 0, k, "ooCol");
  const auto ogCol = ArrayArg<std::int32_t>(env, args[7], napi_int32_array, 0, k, "ogCol");
  std::int32_t* slot = IntArg(env, args[8], total, k, "slot");
  if (total > 2147483647u || ooCol.length + ogCol.length > 2147483647u) Fail(false, k, "rowCode", "is too long");
  if (!CsrFill(static_cast<std::int32_t>(nRows), static_cast<std::int32_t>(nOwnCols), total, rowCode.data, colCode,
               perm, rowStart, ooCol.data, static_cast<std::int32_t>(ooCol.length), ogCol.data,
               static_cast<std::int32_t>(ogCol.length), slot)) {
    Fail(false, k, "perm", "does not match the block sizes (call csrPattern first)");
  }
  return nullptr;
}

// csrOrderedPattern(nRows, nOwnCols, rowCode, colCode, ooPtr, ogPtr) -> whether the contributions are in order
napi_value CsrOrderedPatternEntry(napi_env env, const napi_value* args) {
  const char* k = "csrOrderedPattern";
  const std::size_t nRows = CountArg(env, args[0], k, "nRows");
  const std::size_t nOwnCols = CountArg(env, args[1], k, "nOwnCols");
  const auto rowCode = ArrayArg<const std::int32_t>(env, args[2], napi_int32_array, 0, k, "rowCode");
  const std::size_t total = rowCode.length;
  const std::int32_t* colCode = IntArg(env, args[3], total, k, "colCode");
  std::int32_t* ooPtr = IntArg(env, args[4], nRows + 1, k, "ooPtr");
  std::int32_t* ogPtr = IntArg(env, args[5], nRows + 1, k, "ogPtr");
  if (total > 2147483647u) Fail(false, k, "rowCode", "has more than 2^31-1 entries");
  const int ordered = OrderedPattern(static_cast<std::int32_t>(nRows), static_cast<std::int32_t>(nOwnCols), total,
                                     rowCode.data, colCode, ooPtr, ogPtr);
  if (ordered < 0) Fail(false, k, "rowCode", "holds a row id >= nRows");
  napi_value result = nullptr;
  if (napi_get_boolean(env, ordered == 1, &result) != napi_ok) {
    throw std::runtime_error("csrOrderedPattern: could not create the result");
  }
  return result;
}

// csrOrderedFill(nOwnCols, rowCode, colCode, ooCol, ogCol, slot)
napi_value CsrOrderedFillEntry(napi_env env, const napi_value* args) {
  const char* k = "csrOrderedFill";
  const std::size_t nOwnCols = CountArg(env, args[0], k, "nOwnCols");
  const auto rowCode = ArrayArg<const std::int32_t>(env, args[1], napi_int32_array, 0, k, "rowCode");
  const std::size_t total = rowCode.length;
  const std::int32_t* colCode = IntArg(env, args[2], total, k, "colCode");
  const auto ooCol = ArrayArg<std::int32_t>(env, args[3], napi_int32_array, 0, k, "ooCol");
  const auto ogCol = ArrayArg<std::int32_t>(env, args[4], napi_int32_array, 0, k, "ogCol");
  std::int32_t* slot = IntArg(env, args[5], total, k, "slot");
  if (total > 2147483647u || nOwnCols > 2147483647u || ooCol.length + ogCol.length > 2147483647u) {
    Fail(false, k, "rowCode", "is too long");
  }
  if (!OrderedFill(static_cast<std::int32_t>(nOwnCols), total, rowCode.data, colCode, ooCol.data,
                   static_cast<std::int32_t>(ooCol.length), ogCol.data, static_cast<std::int32_t>(ogCol.length), slot)) {
    Fail(false, k, "rowCode", "does not match the block sizes (call csrOrderedPattern first)");
  }
  return nullptr;
}

// addSlots(m, slots, from, values, oo, og)
napi_value AddSlotsEntry(napi_env env, const napi_value* args) {
  const char* k = "addSlots";
  const std::size_t m = CountArg(env, args[0], k, "m");
  const auto slots = ArrayArg<const std::int32_t>(env, args[1], napi_int32_array, 0, k, "slots");
  const std::size_t from = CountArg(env, args[2], k, "from");
  if (from + m > slots.length) Fail(false, k, "slots", "has fewer than from + m entries");
  const double* values = DoubleArg(env, args[3], m, k, "values");
  const auto oo = ArrayArg<double>(env, args[4], napi_float64_array, 0, k, "oo");
  const auto og = ArrayArg<double>(env, args[5], napi_float64_array, 0, k, "og");
  if (oo.length + og.length > 2147483647u) Fail(false, k, "oo", "and og hold more than 2^31-1 entries");
  if (!AddSlots(m, slots.data + from, values, oo.data, static_cast<std::int32_t>(oo.length), og.data,
                static_cast<std::int32_t>(og.length))) {
    Fail(false, k, "slots", "hold an entry past both blocks");
  }
  return nullptr;
}

// csrCompact(nRows, rowPtr, colIdx, lengths, offsets, maxLength, maxOffset) -> -1, or 2 * row (+1)
napi_value CsrCompactEntry(napi_env env, const napi_value* args) {
  const char* k = "csrCompact";
  const std::size_t nRows = CountArg(env, args[0], k, "nRows");
  const auto rowPtr = ArrayArg<const std::int32_t>(env, args[1], napi_int32_array, nRows + 1, k, "rowPtr");
  const auto colIdx = ArrayArg<const std::int32_t>(env, args[2], napi_int32_array, 0, k, "colIdx");
  std::uint8_t* lengths = ArrayArg<std::uint8_t>(env, args[3], napi_uint8_array, nRows, k, "lengths").data;
  const auto offsets = ArrayArg<std::int16_t>(env, args[4], napi_int16_array, 0, k, "offsets");
  const std::size_t maxLength = CountArg(env, args[5], k, "maxLength");
  const std::size_t maxOffset = CountArg(env, args[6], k, "maxOffset");
  const std::int32_t nnz = rowPtr.data[nRows];
  if (rowPtr.data[0] != 0 || nnz < 0 || static_cast<std::size_t>(nnz) > colIdx.length ||
      static_cast<std::size_t>(nnz) > offsets.length) {
    Fail(false, k, "rowPtr", "must run from 0 to at most min(colIdx.length, offsets.length)");
  }
  for (std::size_t i = 0; i < nRows; i++) {
    if (rowPtr.data[i + 1] < rowPtr.data[i]) Fail(false, k, "rowPtr", "must not decrease");
  }
  return Number(env, static_cast<double>(CsrCompact(static_cast<std::int32_t>(nRows), rowPtr.data, colIdx.data, lengths,
                                                    offsets.data, static_cast<std::int32_t>(maxLength),
                                                    static_cast<std::int32_t>(maxOffset))));
}

// csrInverseDiagonal(nRows, rowPtr, colIdx, values, out) -> -1, or the first row without a
// finite nonzero diagonal entry
napi_value CsrInverseDiagonalEntry(napi_env env, const napi_value* args) {
  const char* k = "csrInverseDiagonal";
  const Csr a = CsrArgs(env, args, k);
  double* out = MutableDoubleArg(env, args[4], a.nRows, k, "out");
  for (std::int32_t i = 0; i < a.nRows; i++) {
    if (a.rowPtr[i + 1] < a.rowPtr[i] || a.rowPtr[i] < 0) Fail(false, k, "rowPtr", "must not decrease from 0");
  }
  return Number(env, static_cast<double>(CsrInverseDiagonal(a.nRows, a.rowPtr, a.colIdx, a.values, out)));
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
  Export(env, exports, "hugePageBuffer", Entry<2, HugePageBufferEntry>);
  Export(env, exports, "hugePageSharedBuffer", Entry<2, HugePageSharedBufferEntry>);
  Export(env, exports, "sharedMappedBytes", Entry<0, SharedMappedBytesEntry>);
  Export(env, exports, "collapseSharedPages", Entry<2, CollapseSharedPagesEntry>);
  Export(env, exports, "allowedCpus", Entry<0, AllowedCpusEntry>);
  Export(env, exports, "bindThisThread", Entry<1, BindThisThreadEntry>);
  Export(env, exports, "assemblyCheck", Entry<6, AssemblyCheckEntry>);
  Export(env, exports, "assemblyClassify", Entry<6, AssemblyClassifyEntry>);
  Export(env, exports, "assemblyCollect", Entry<5, AssemblyCollectEntry>);
  Export(env, exports, "stencilTriplets", Entry<5, StencilTripletsEntry>);
  Export(env, exports, "assemblyGhostCodes", Entry<6, AssemblyGhostCodesEntry>);
  Export(env, exports, "csrPattern", Entry<8, CsrPatternEntry>);
  Export(env, exports, "csrFill", Entry<9, CsrFillEntry>);
  Export(env, exports, "csrOrderedPattern", Entry<6, CsrOrderedPatternEntry>);
  Export(env, exports, "csrOrderedFill", Entry<6, CsrOrderedFillEntry>);
  Export(env, exports, "addSlots", Entry<6, AddSlotsEntry>);
  Export(env, exports, "csrCompact", Entry<7, CsrCompactEntry>);
  Export(env, exports, "csrInverseDiagonal", Entry<5, CsrInverseDiagonalEntry>);
  return exports;
}

NODE_API_MODULE(pa_kernels, Init)

}  // namespace pa_kernels
