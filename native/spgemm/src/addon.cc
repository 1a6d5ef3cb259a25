// pa_spgemm: Node-API entry points of the sparse product loops in spgemm.h. The TypeScript
// description of every export is src/sparse/matmul-binding.ts; the library calls them through
// src/sparse/matmul-kernels.ts. Every index the loops follow is checked here first (types, array
// lengths, row pointers, column ids), so that no call can read or write outside the arrays it is
// given: a wrong type throws a TypeError, anything else a RangeError naming the kernel and the
// argument. The checks are O(entries of A and B), small beside the products.
#include <node_api.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>

#include "spgemm.h"

namespace {

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

  int32_t Count(napi_value value, const char* name) {
    double n = 0.0;
    if (napi_get_value_double(env, value, &n) != napi_ok) {
      Fail(true, std::string(name) + " must be a number");
      return 0;
    }
    if (!(n >= 0.0 && n <= 2147483647.0 && std::floor(n) == n)) {
      Fail(false, std::string(name) + " must be an integer in 0 .. 2^31-1");
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
      Fail(true, std::string(name) + (type == napi_int32_array ? " must be an Int32Array" : " must be a Float64Array"));
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
    for (int32_t e = 0; e < count; e++) {
      if (ids[e] < 0 || ids[e] >= bound) {
        return Fail(false, std::string(name) + "[" + std::to_string(e) + "] = " + std::to_string(ids[e]) +
                               " is outside 0.." + std::to_string(bound - 1));
      }
    }
  }
};

struct Args {
  static constexpr std::size_t kMax = 16;
  napi_value v[kMax];
  std::size_t count = kMax;
  bool ok;
  Args(napi_env env, napi_callback_info info, std::size_t needed, const char* kernel) {
    ok = napi_get_cb_info(env, info, &count, v, nullptr, nullptr) == napi_ok && count >= needed;
    if (!ok) napi_throw_type_error(env, nullptr, (std::string(kernel) + ": expected " + std::to_string(needed) + " arguments").c_str());
  }
};

// The checked A and B of a product: A's column ids index B's rows, B's column ids index nColsB.
struct Operands {
  int32_t nRows = 0;
  const int32_t* aRowPtr = nullptr;
  const int32_t* aCol = nullptr;
  const int32_t* bRowPtr = nullptr;
  const int32_t* bCol = nullptr;
  int32_t nRowsB = 0;
};

// Reads (nRows, aRowPtr, aCol, bRowPtr, bCol) at args[first..first+4] given the values' positions.
Operands ReadOperands(Check& check, const napi_value* v, int32_t nColsB) {
  Operands o;
  o.nRows = check.Count(v[0], "nRows");
  std::size_t aLen = 0, bPtrLen = 0, bLen = 0;
  o.aRowPtr = check.Array<int32_t>(v[1], napi_int32_array, static_cast<std::size_t>(o.nRows) + 1, "aRowPtr");
  o.aCol = check.Array<int32_t>(v[2], napi_int32_array, 0, "aColIdx", &aLen);
  o.bRowPtr = check.Array<int32_t>(v[3], napi_int32_array, 1, "bRowPtr", &bPtrLen);
  o.bCol = check.Array<int32_t>(v[4], napi_int32_array, 0, "bColIdx", &bLen);
  if (check.failed) return o;
  o.nRowsB = static_cast<int32_t>(bPtrLen - 1);
  check.RowPtr(o.aRowPtr, o.nRows, aLen, "aRowPtr");
  check.RowPtr(o.bRowPtr, o.nRowsB, bLen, "bRowPtr");
  if (check.failed) return o;
  check.Ids(o.aCol, o.aRowPtr[o.nRows], o.nRowsB, "aColIdx");
  check.Ids(o.bCol, o.bRowPtr[o.nRowsB], nColsB, "bColIdx");
  return o;
}

// An output block (rowPtr, colIdx, values) of spgemmRows / spgemmValues at args v[first..first+2].
struct OutBlock {
  pa_spgemm::Block block{nullptr, nullptr, nullptr, 0};
  std::size_t colLength = 0;
};

OutBlock ReadBlock(Check& check, const napi_value* v, int32_t nRows, const char* rowPtrName, const char* colName,
                   const char* valueName) {
  OutBlock out;
  std::size_t valueLength = 0;
  out.block.rowPtr = check.Array<int32_t>(v[0], napi_int32_array, static_cast<std::size_t>(nRows) + 1, rowPtrName);
  out.block.col = check.Array<int32_t>(v[1], napi_int32_array, 0, colName, &out.colLength);
  out.block.val = check.Array<double>(v[2], napi_float64_array, 0, valueName, &valueLength);
  constexpr std::size_t kMaxEntries = 2147483647;  // the row pointers are int32
  out.block.room = static_cast<int64_t>(std::min(std::min(out.colLength, valueLength), kMaxEntries));
  return out;
}

// The arguments spgemmRows and spgemmValues share, at args v[0..13]: A, B, their values, nOwn (at
// most B's column count) and the own and ghost output blocks.
struct Product {
  Operands o;
  const double* aVal = nullptr;
  const double* bVal = nullptr;
  int32_t nOwn = 0;
  OutBlock own;
  OutBlock ghost;
};

Product ReadProduct(Check& check, const napi_value* v, std::size_t nColsB) {
  Product p;
  p.o = ReadOperands(check, v, static_cast<int32_t>(nColsB));
  if (check.failed) return p;
  p.aVal = check.Array<double>(v[5], napi_float64_array, p.o.aRowPtr[p.o.nRows], "aValues");
  p.bVal = check.Array<double>(v[6], napi_float64_array, p.o.bRowPtr[p.o.nRowsB], "bValues");
  p.nOwn = check.Count(v[7], "nOwn");
  p.own = ReadBlock(check, v + 8, p.o.nRows, "ooRowPtr", "ooColIdx", "ooValues");
  p.ghost = ReadBlock(check, v + 11, p.o.nRows, "ogRowPtr", "ogColIdx", "ogValues");
  if (check.failed) return p;
  if (static_cast<std::size_t>(p.nOwn) > nColsB) {
    check.Fail(false, "nOwn = " + std::to_string(p.nOwn) + " exceeds the " + std::to_string(nColsB) + " columns of B");
  }
  return p;
}

// spgemmRows(nRows, aRowPtr, aColIdx, bRowPtr, bColIdx, aValues, bValues, nOwn,
//            ooRowPtr, ooColIdx, ooValues, ogRowPtr, ogColIdx, ogValues, marker, accumulator)
napi_value SpgemmRows(napi_env env, napi_callback_info info) {
  Args args(env, info, 16, "spgemmRows");
  if (!args.ok) return nullptr;
  Check check{env, "spgemmRows"};
  std::size_t nColsB = 0;
  int32_t* marker = check.Array<int32_t>(args.v[14], napi_int32_array, 0, "marker", &nColsB);
  double* acc = check.Array<double>(args.v[15], napi_float64_array, nColsB, "accumulator");
  const Product pr = ReadProduct(check, args.v, nColsB);
  if (check.failed) return nullptr;
  const Operands& o = pr.o;
  const int64_t status = pa_spgemm::spgemm_rows(o.nRows, o.aRowPtr, o.aCol, pr.aVal, o.bRowPtr, o.bCol, pr.bVal, pr.nOwn,
                                                pr.own.block, pr.ghost.block, marker, acc, static_cast<int32_t>(nColsB));
  if (status < 0) {
    check.Fail(false, "row " + std::to_string(-1 - status) + " does not fit in its blocks (room for " +
                          std::to_string(pr.own.block.room) + " own and " + std::to_string(pr.ghost.block.room) +
                          " ghost entries)");
  }
  return nullptr;
}

// The row pointers and ids of a block spgemmRows wrote: ascending within its column ids, ids in 0..bound-1.
bool CheckBlock(Check& check, const OutBlock& b, int32_t nRows, int32_t bound, const char* rowPtrName,
                const char* colName, const char* valueName) {
  check.RowPtr(b.block.rowPtr, nRows, b.colLength, rowPtrName);
  if (check.failed) return false;
  const int32_t entries = b.block.rowPtr[nRows];
  if (static_cast<int64_t>(entries) > b.block.room) {
    check.Fail(false, std::string(valueName) + " is shorter than " + rowPtrName + " needs");
    return false;
  }
  check.Ids(b.block.col, entries, bound, colName);
  return !check.failed;
}

// spgemmValues(nRows, aRowPtr, aColIdx, bRowPtr, bColIdx, aValues, bValues, nOwn,
//              ooRowPtr, ooColIdx, ooValues, ogRowPtr, ogColIdx, ogValues, accumulator)
napi_value SpgemmValues(napi_env env, napi_callback_info info) {
  Args args(env, info, 15, "spgemmValues");
  if (!args.ok) return nullptr;
  Check check{env, "spgemmValues"};
  std::size_t nColsB = 0;
  double* acc = check.Array<double>(args.v[14], napi_float64_array, 0, "accumulator", &nColsB);
  const Product pr = ReadProduct(check, args.v, nColsB);
  if (check.failed) return nullptr;
  const Operands& o = pr.o;
  const int32_t nGhost = static_cast<int32_t>(nColsB) - pr.nOwn;
  if (!CheckBlock(check, pr.own, o.nRows, pr.nOwn, "ooRowPtr", "ooColIdx", "ooValues") ||
      !CheckBlock(check, pr.ghost, o.nRows, nGhost, "ogRowPtr", "ogColIdx", "ogValues")) {
    return nullptr;
  }
  pa_spgemm::spgemm_values(o.nRows, o.aRowPtr, o.aCol, pr.aVal, o.bRowPtr, o.bCol, pr.bVal, pr.nOwn, pr.own.block,
                           pr.ghost.block, acc, static_cast<int32_t>(nColsB));
  return nullptr;
}

// csrTranspose(nRows, nCols, rowPtr, colIdx, tRowPtr, tRows, tSource)
napi_value CsrTranspose(napi_env env, napi_callback_info info) {
  Args args(env, info, 7, "csrTranspose");
  if (!args.ok) return nullptr;
  Check check{env, "csrTranspose"};
  const int32_t nRows = check.Count(args.v[0], "nRows");
  const int32_t nCols = check.Count(args.v[1], "nCols");
  std::size_t len = 0;
  const int32_t* rowPtr = check.Array<int32_t>(args.v[2], napi_int32_array, static_cast<std::size_t>(nRows) + 1, "rowPtr");
  const int32_t* col = check.Array<int32_t>(args.v[3], napi_int32_array, 0, "colIdx", &len);
  if (check.failed) return nullptr;
  check.RowPtr(rowPtr, nRows, len, "rowPtr");
  if (check.failed) return nullptr;
  const int32_t nnz = rowPtr[nRows];
  check.Ids(col, nnz, nCols, "colIdx");
  int32_t* tPtr = check.Array<int32_t>(args.v[4], napi_int32_array, static_cast<std::size_t>(nCols) + 1, "tRowPtr");
  int32_t* tRows = check.Array<int32_t>(args.v[5], napi_int32_array, nnz, "tRows");
  int32_t* tSource = check.Array<int32_t>(args.v[6], napi_int32_array, nnz, "tSource");
  if (check.failed) return nullptr;
  pa_spgemm::csr_transpose(nRows, nCols, rowPtr, col, tPtr, tRows, tSource);
  return nullptr;
}

// gatherValues(count, source, values, out)
napi_value GatherValues(napi_env env, napi_callback_info info) {
  Args args(env, info, 4, "gatherValues");
  if (!args.ok) return nullptr;
  Check check{env, "gatherValues"};
  const int32_t count = check.Count(args.v[0], "count");
  std::size_t nValues = 0;
  const int32_t* source = check.Array<int32_t>(args.v[1], napi_int32_array, count, "source");
  const double* values = check.Array<double>(args.v[2], napi_float64_array, 0, "values", &nValues);
  double* out = check.Array<double>(args.v[3], napi_float64_array, count, "out");
  if (check.failed) return nullptr;
  check.Ids(source, count, static_cast<int32_t>(nValues), "source");
  if (check.failed) return nullptr;
  pa_spgemm::gather_values(count, source, values, out);
  return nullptr;
}

napi_value Init(napi_env env, napi_value exports) {
  const napi_property_descriptor properties[] = {
      {"spgemmRows", nullptr, SpgemmRows, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"spgemmValues", nullptr, SpgemmValues, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"csrTranspose", nullptr, CsrTranspose, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"gatherValues", nullptr, GatherValues, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
  };
  napi_define_properties(env, exports, sizeof(properties) / sizeof(properties[0]), properties);
  return exports;
}

}  // namespace

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
