// The Node-API entry points of the AMG set-up's one-part kernels in setup.h, exported by the
// sparse-product addon (pa_spgemm). The TypeScript description and the calls are in
// src/solvers/amg/setup-kernels.ts. Every index the loops follow is checked here first (types,
// lengths, row pointers, column ids), so no call reads or writes outside its arrays: a wrong
// type throws a TypeError, anything else a RangeError naming the kernel and the argument.
#include <node_api.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>

#include "check.h"
#include "setup-addon.h"
#include "setup.h"
#include "dense-lu.h"

namespace {

using pa_spgemm_args::Check;

constexpr std::size_t kMaxArgs = 19;

bool ReadArgs(napi_env env, napi_callback_info info, std::size_t needed, const char* kernel, napi_value* v) {
  std::size_t count = kMaxArgs;
  if (napi_get_cb_info(env, info, &count, v, nullptr, nullptr) != napi_ok || count < needed) {
    napi_throw_type_error(env, nullptr, (std::string(kernel) + ": expected " + std::to_string(needed) + " arguments").c_str());
    return false;
  }
  return true;
}

// A checked nRows-row CSR block at v[0..2] (row pointers, ids in 0..bound-1, values), named
// `name` + "RowPtr" / "ColIdx" / "Values".
pa_spgemm::Rows ReadBlock(Check& check, const napi_value* v, int32_t nRows, int32_t bound, const std::string& name) {
  pa_spgemm::Rows b{nullptr, nullptr, nullptr};
  std::size_t colLength = 0;
  const std::string ptrName = name + "RowPtr", colName = name + "ColIdx", valueName = name + "Values";
  b.rowPtr = check.Array<int32_t>(v[0], napi_int32_array, static_cast<std::size_t>(nRows) + 1, ptrName.c_str());
  b.col = check.Array<int32_t>(v[1], napi_int32_array, 0, colName.c_str(), &colLength);
  if (check.failed) return b;
  check.RowPtr(b.rowPtr, nRows, colLength, ptrName.c_str());
  if (check.failed) return b;
  b.val = check.Array<double>(v[2], napi_float64_array, b.rowPtr[nRows], valueName.c_str());
  check.Ids(b.col, b.rowPtr[nRows], bound, colName.c_str());
  return b;
}

// The Galerkin row kernels' scratch and output at v[0..8] (fine marker, accumulator and list of
// nFine each, the coarse ones of nCoarse each, cRowPtr of nRows + 1, cColIdx, cValues), checked,
// with the room for C's entries. cRowPtr[firstRow] must be a start within the room (the rows
// before it are the caller's). The markers are only compared with row ids, never used as
// indices, so their values are not checked. `ok` is false when a check failed (thrown already).
struct RapOutputs {
  bool ok;
  int32_t* fineMarker;
  double* fineAcc;
  int32_t* fineList;
  int32_t* coarseMarker;
  double* coarseAcc;
  int32_t* coarseList;
  int32_t* rowPtr;
  int32_t* col;
  double* val;
  int64_t room;
};

RapOutputs ReadRapOutputs(Check& check, const napi_value* v, int32_t nFine, int32_t nCoarse, int32_t nRows, int32_t firstRow) {
  RapOutputs o{};
  const std::size_t fine = static_cast<std::size_t>(nFine);
  const std::size_t coarse = static_cast<std::size_t>(nCoarse);
  o.fineMarker = check.Array<int32_t>(v[0], napi_int32_array, fine, "fineMarker");
  o.fineAcc = check.Array<double>(v[1], napi_float64_array, fine, "fineAccumulator");
  o.fineList = check.Array<int32_t>(v[2], napi_int32_array, fine, "fineList");
  o.coarseMarker = check.Array<int32_t>(v[3], napi_int32_array, coarse, "coarseMarker");
  o.coarseAcc = check.Array<double>(v[4], napi_float64_array, coarse, "coarseAccumulator");
  o.coarseList = check.Array<int32_t>(v[5], napi_int32_array, coarse, "coarseList");
  std::size_t colLength = 0, valueLength = 0;
  o.rowPtr = check.Array<int32_t>(v[6], napi_int32_array, static_cast<std::size_t>(nRows) + 1, "cRowPtr");
  o.col = check.Array<int32_t>(v[7], napi_int32_array, 0, "cColIdx", &colLength);
  o.val = check.Array<double>(v[8], napi_float64_array, 0, "cValues", &valueLength);
  if (check.failed) return o;
  o.room = static_cast<int64_t>(std::min(std::min(colLength, valueLength), static_cast<std::size_t>(2147483647)));
  if (o.rowPtr[firstRow] < 0 || o.rowPtr[firstRow] > o.room) {
    check.Fail(false, "cRowPtr[firstRow] = " + std::to_string(o.rowPtr[firstRow]) + " is outside 0.." + std::to_string(o.room));
    return o;
  }
  o.ok = true;
  return o;
}

}  // namespace

namespace pa_amg_setup {

// smoothedProlongator(nRows, aRowPtr, aColIdx, aValues, aggregateOf, nAggregates, inverse, omega,
//                     size, marker, accumulator, pRowPtr, pColIdx, pValues)
napi_value SmoothedProlongator(napi_env env, napi_callback_info info) {
  napi_value v[kMaxArgs];
  if (!ReadArgs(env, info, 14, "smoothedProlongator", v)) return nullptr;
  Check check{env, "smoothedProlongator"};
  const int32_t nRows = check.Count(v[0], "nRows", 2147483646.0);
  const int32_t nAggregates = check.Count(v[5], "nAggregates");
  if (check.failed) return nullptr;
  const pa_spgemm::Rows a = ReadBlock(check, v + 1, nRows, nRows, "a");
  const std::size_t rows = static_cast<std::size_t>(nRows);
  const std::size_t aggregates = static_cast<std::size_t>(nAggregates);
  const int32_t* aggregateOf = check.Array<int32_t>(v[4], napi_int32_array, rows, "aggregateOf");
  const double* inverse = check.Array<double>(v[6], napi_float64_array, rows, "inverse");
  const double omega = check.Number(v[7], "omega");
  double* size = check.Array<double>(v[8], napi_float64_array, aggregates, "size");
  int32_t* marker = check.Array<int32_t>(v[9], napi_int32_array, aggregates, "marker");
  double* acc = check.Array<double>(v[10], napi_float64_array, aggregates, "accumulator");
  if (check.failed) return nullptr;
  const std::size_t nnz = static_cast<std::size_t>(a.rowPtr[nRows]);
  int32_t* rowPtr = check.Array<int32_t>(v[11], napi_int32_array, rows + 1, "pRowPtr");
  int32_t* col = check.Array<int32_t>(v[12], napi_int32_array, nnz, "pColIdx");
  double* val = check.Array<double>(v[13], napi_float64_array, nnz, "pValues");
  if (check.failed) return nullptr;
  for (int32_t i = 0; i < nRows; i++) {
    if (aggregateOf[i] < -1 || aggregateOf[i] >= nAggregates) {
      check.Fail(false, "aggregateOf[" + std::to_string(i) + "] = " + std::to_string(aggregateOf[i]) + " is outside -1.." +
                            std::to_string(nAggregates - 1));
      return nullptr;
    }
  }
  smoothed_prolongator(nRows, a.rowPtr, a.col, a.val, aggregateOf, nAggregates, inverse, omega, size, marker, acc,
                       rowPtr, col, val);
  return nullptr;
}

// rapRows(firstRow, nRows, nFine, nCoarse, rRowPtr, rColIdx, rValues, aRowPtr, aColIdx, aValues,
//         pRowPtr, pColIdx, pValues, fineMarker, fineAccumulator, fineList, coarseMarker,
//         coarseAccumulator, coarseList, cRowPtr, cColIdx, cValues) -> the rows done
napi_value RapRows(napi_env env, napi_callback_info info) {
  napi_value v[22];
  std::size_t count = 22;
  if (napi_get_cb_info(env, info, &count, v, nullptr, nullptr) != napi_ok || count < 22) {
    napi_throw_type_error(env, nullptr, "rapRows: expected 22 arguments");
    return nullptr;
  }
  Check check{env, "rapRows"};
  const int32_t nRows = check.Count(v[1], "nRows", 2147483646.0);
  const int32_t firstRow = check.Count(v[0], "firstRow", nRows);
  const int32_t nFine = check.Count(v[2], "nFine", 2147483646.0);
  const int32_t nCoarse = check.Count(v[3], "nCoarse", 2147483646.0);
  if (check.failed) return nullptr;
  const pa_spgemm::Rows r = ReadBlock(check, v + 4, nRows, nFine, "r");
  const pa_spgemm::Rows a = ReadBlock(check, v + 7, nFine, nFine, "a");
  const pa_spgemm::Rows p = ReadBlock(check, v + 10, nFine, nCoarse, "p");
  if (check.failed) return nullptr;
  const RapOutputs o = ReadRapOutputs(check, v + 13, nFine, nCoarse, nRows, firstRow);
  if (!o.ok) return nullptr;
  const int32_t done = rap_rows(firstRow, nRows, r, a, p, o.fineMarker, o.fineAcc, o.fineList, o.coarseMarker, o.coarseAcc,
                                o.coarseList, o.rowPtr, o.col, o.val, o.room);
  napi_value result;
  napi_create_int32(env, done, &result);
  return result;
}

// rapOfP(firstRow, nFine, nCoarse, aRowPtr, aColIdx, aValues, pRowPtr, pColIdx, pValues, fineMarker,
//        fineAccumulator, fineList, coarseMarker, coarseAccumulator, coarseList, cRowPtr, cColIdx,
//        cValues) -> the rows done
napi_value RapOfP(napi_env env, napi_callback_info info) {
  napi_value v[18];
  std::size_t count = 18;
  if (napi_get_cb_info(env, info, &count, v, nullptr, nullptr) != napi_ok || count < 18) {
    napi_throw_type_error(env, nullptr, "rapOfP: expected 18 arguments");
    return nullptr;
  }
  Check check{env, "rapOfP"};
  const int32_t nCoarse = check.Count(v[2], "nCoarse", 2147483646.0);
  const int32_t firstRow = check.Count(v[0], "firstRow", nCoarse);
  const int32_t nFine = check.Count(v[1], "nFine", 2147483646.0);
  if (check.failed) return nullptr;
  const pa_spgemm::Rows a = ReadBlock(check, v + 3, nFine, nFine, "a");
  const pa_spgemm::Rows p = ReadBlock(check, v + 6, nFine, nCoarse, "p");
  if (check.failed) return nullptr;
  const RapOutputs o = ReadRapOutputs(check, v + 9, nFine, nCoarse, nCoarse, firstRow);
  if (!o.ok) return nullptr;
  const int32_t done = rap_of_p(firstRow, nFine, nCoarse, a, p, o.fineMarker, o.fineAcc, o.fineList, o.coarseMarker,
                                o.coarseAcc, o.coarseList, o.rowPtr, o.col, o.val, o.room);
  napi_value result;
  napi_create_int32(env, done, &result);
  return result;
}

// aggregateRows(nRows, aRowPtr, aColIdx, aValues, gRowPtr, gColIdx, ghostOwner, diagonal, theta, root, strong,
//               joined, order, aggregateOf) -> count
napi_value AggregateRows(napi_env env, napi_callback_info info) {
  napi_value v[kMaxArgs];
  if (!ReadArgs(env, info, 14, "aggregateRows", v)) return nullptr;
  Check check{env, "aggregateRows"};
  const int32_t nRows = check.Count(v[0], "nRows", 2147483646.0);
  if (check.failed) return nullptr;
  const pa_spgemm::Rows a = ReadBlock(check, v + 1, nRows, nRows, "a");
  const std::size_t rows = static_cast<std::size_t>(nRows);
  // The ghost block's pattern only: its ids index ghostOwner, whose values are only compared.
  std::size_t gColLength = 0;
  std::size_t nGhost = 0;
  const int32_t* gRowPtr = check.Array<int32_t>(v[4], napi_int32_array, rows + 1, "gRowPtr");
  const int32_t* gCol = check.Array<int32_t>(v[5], napi_int32_array, 0, "gColIdx", &gColLength);
  const int32_t* ghostOwner = check.Array<int32_t>(v[6], napi_int32_array, 0, "ghostOwner", &nGhost);
  if (check.failed) return nullptr;
  check.RowPtr(gRowPtr, nRows, gColLength, "gRowPtr");
  if (check.failed) return nullptr;
  check.Ids(gCol, gRowPtr[nRows], static_cast<int32_t>(std::min<std::size_t>(nGhost, 2147483647)), "gColIdx");
  const double* diagonal = check.Array<double>(v[7], napi_float64_array, rows, "diagonal");
  const double theta = check.Number(v[8], "theta");
  double* root = check.Array<double>(v[9], napi_float64_array, rows, "root");
  if (check.failed) return nullptr;
  uint8_t* strong = check.Array<uint8_t>(v[10], napi_uint8_array, static_cast<std::size_t>(a.rowPtr[nRows]), "strong");
  int32_t* joined = check.Array<int32_t>(v[11], napi_int32_array, rows, "joined");
  int32_t* order = check.Array<int32_t>(v[12], napi_int32_array, rows, "order");
  int32_t* aggregateOf = check.Array<int32_t>(v[13], napi_int32_array, rows, "aggregateOf");
  if (check.failed) return nullptr;
  const int32_t count = aggregate_rows(nRows, a.rowPtr, a.col, a.val, gRowPtr, gCol, ghostOwner, diagonal, theta, root,
                                       strong, joined, order, aggregateOf);
  napi_value result;
  napi_create_int32(env, count, &result);
  return result;
}

// denseLuFactor(n, lu, last, pivot, rows, multipliers, tiny) -> the step of a pivot at most `tiny`
// in magnitude, or -1
napi_value DenseLuFactor(napi_env env, napi_callback_info info) {
  napi_value v[kMaxArgs];
  if (!ReadArgs(env, info, 7, "denseLuFactor", v)) return nullptr;
  Check check{env, "denseLuFactor"};
  const int32_t n = check.Count(v[0], "n", 46340.0);  // n² elements must stay below 2^31
  if (check.failed) return nullptr;
  const std::size_t width = static_cast<std::size_t>(n);
  double* lu = check.Array<double>(v[1], napi_float64_array, width * width, "lu");
  int32_t* last = check.Array<int32_t>(v[2], napi_int32_array, width, "last");
  int32_t* pivot = check.Array<int32_t>(v[3], napi_int32_array, width, "pivot");
  int32_t* rows = check.Array<int32_t>(v[4], napi_int32_array, width, "rows");
  double* multipliers = check.Array<double>(v[5], napi_float64_array, width, "multipliers");
  const double tiny = check.Number(v[6], "tiny");
  if (check.failed) return nullptr;
  for (int32_t i = 0; i < n; i++) {
    if (last[i] < -1 || last[i] >= n) {
      check.Fail(false, "last[" + std::to_string(i) + "] = " + std::to_string(last[i]) + " is outside -1.." + std::to_string(n - 1));
      return nullptr;
    }
  }
  napi_value result;
  napi_create_int32(env, dense_lu_factor(n, lu, last, pivot, rows, multipliers, tiny), &result);
  return result;
}

// denseLuSolve(n, lu, pivot, x)
napi_value DenseLuSolve(napi_env env, napi_callback_info info) {
  napi_value v[kMaxArgs];
  if (!ReadArgs(env, info, 4, "denseLuSolve", v)) return nullptr;
  Check check{env, "denseLuSolve"};
  const int32_t n = check.Count(v[0], "n", 46340.0);
  if (check.failed) return nullptr;
  const std::size_t width = static_cast<std::size_t>(n);
  const double* lu = check.Array<double>(v[1], napi_float64_array, width * width, "lu");
  const int32_t* pivot = check.Array<int32_t>(v[2], napi_int32_array, width, "pivot");
  double* x = check.Array<double>(v[3], napi_float64_array, width, "x");
  if (check.failed) return nullptr;
  check.Ids(pivot, n, n, "pivot");
  if (check.failed) return nullptr;
  dense_lu_solve(n, lu, pivot, x);
  return nullptr;
}

// levelDiagonal(nRows, ooRowPtr, ooColIdx, ooValues, ogRowPtr, ogValues, diagonal, inverse, out)
//   -> the first row with a zero or non-finite diagonal entry, or -1
napi_value LevelDiagonal(napi_env env, napi_callback_info info) {
  napi_value v[kMaxArgs];
  if (!ReadArgs(env, info, 9, "levelDiagonal", v)) return nullptr;
  Check check{env, "levelDiagonal"};
  const int32_t nRows = check.Count(v[0], "nRows", 2147483646.0);
  if (check.failed) return nullptr;
  const std::size_t rows = static_cast<std::size_t>(nRows);
  const pa_spgemm::Rows oo = ReadBlock(check, v + 1, nRows, nRows, "oo");
  std::size_t ogLength = 0;
  const int32_t* ogPtr = check.Array<int32_t>(v[4], napi_int32_array, rows + 1, "ogRowPtr");
  const double* ogVal = check.Array<double>(v[5], napi_float64_array, 0, "ogValues", &ogLength);
  if (check.failed) return nullptr;
  check.RowPtr(ogPtr, nRows, ogLength, "ogRowPtr");
  double* diagonal = check.Array<double>(v[6], napi_float64_array, rows, "diagonal");
  double* inverse = check.Array<double>(v[7], napi_float64_array, rows, "inverse");
  double* out = check.Array<double>(v[8], napi_float64_array, 2, "out");
  if (check.failed) return nullptr;
  napi_value result;
  napi_create_int32(env, level_diagonal(nRows, oo, ogPtr, ogVal, diagonal, inverse, out), &result);
  return result;
}

// prolongatorGhostBlock(nRows, ogRowPtr, ogColIdx, ogValues, ghostColumn, ghostP0, nCols, inverse,
//                       omega, marker, accumulator, pRowPtr, pColIdx, pValues) -> the entries written
napi_value ProlongatorGhostBlock(napi_env env, napi_callback_info info) {
  napi_value v[kMaxArgs];
  if (!ReadArgs(env, info, 14, "prolongatorGhostBlock", v)) return nullptr;
  Check check{env, "prolongatorGhostBlock"};
  const int32_t nRows = check.Count(v[0], "nRows", 2147483646.0);
  const int32_t nCols = check.Count(v[6], "nCols");
  if (check.failed) return nullptr;
  std::size_t nGhostLength = 0;
  const int32_t* ghostColumn = check.Array<int32_t>(v[4], napi_int32_array, 0, "ghostColumn", &nGhostLength);
  if (check.failed) return nullptr;
  const int32_t nGhost = static_cast<int32_t>(std::min<std::size_t>(nGhostLength, 2147483647));
  const pa_spgemm::Rows og = ReadBlock(check, v + 1, nRows, nGhost, "og");
  const double* ghostP0 = check.Array<double>(v[5], napi_float64_array, nGhostLength, "ghostP0");
  const double* inverse = check.Array<double>(v[7], napi_float64_array, static_cast<std::size_t>(nRows), "inverse");
  const double omega = check.Number(v[8], "omega");
  const std::size_t cols = static_cast<std::size_t>(nCols);
  int32_t* marker = check.Array<int32_t>(v[9], napi_int32_array, cols, "marker");
  double* acc = check.Array<double>(v[10], napi_float64_array, cols, "accumulator");
  if (check.failed) return nullptr;
  const std::size_t nnz = static_cast<std::size_t>(og.rowPtr[nRows]);
  int32_t* rowPtr = check.Array<int32_t>(v[11], napi_int32_array, static_cast<std::size_t>(nRows) + 1, "pRowPtr");
  int32_t* col = check.Array<int32_t>(v[12], napi_int32_array, nnz, "pColIdx");
  double* val = check.Array<double>(v[13], napi_float64_array, nnz, "pValues");
  if (check.failed) return nullptr;
  for (int32_t g = 0; g < nGhost; g++) {
    if (ghostColumn[g] < -1 || ghostColumn[g] >= nCols) {
      check.Fail(false, "ghostColumn[" + std::to_string(g) + "] = " + std::to_string(ghostColumn[g]) + " is outside -1.." +
                            std::to_string(nCols - 1));
      return nullptr;
    }
  }
  napi_value result;
  napi_create_int32(env, prolongator_ghost_block(nRows, og, ghostColumn, ghostP0, inverse, omega, marker, acc, rowPtr, col, val),
                    &result);
  return result;
}

// markUsedColumns(nnz, colIdx, mark)
napi_value MarkUsedColumns(napi_env env, napi_callback_info info) {
  napi_value v[kMaxArgs];
  if (!ReadArgs(env, info, 3, "markUsedColumns", v)) return nullptr;
  Check check{env, "markUsedColumns"};
  const int32_t nnz = check.Count(v[0], "nnz");
  if (check.failed) return nullptr;
  const int32_t* col = check.Array<int32_t>(v[1], napi_int32_array, static_cast<std::size_t>(nnz), "colIdx");
  std::size_t markLength = 0;
  int32_t* mark = check.Array<int32_t>(v[2], napi_int32_array, 0, "mark", &markLength);
  if (check.failed) return nullptr;
  check.Ids(col, nnz, static_cast<int32_t>(std::min<std::size_t>(markLength, 2147483647)), "colIdx");
  if (check.failed) return nullptr;
  mark_used_columns(nnz, col, mark);
  return nullptr;
}

// renumberColumns(nRows, rowPtr, colIdx, values, finalOf)
napi_value RenumberColumns(napi_env env, napi_callback_info info) {
  napi_value v[kMaxArgs];
  if (!ReadArgs(env, info, 5, "renumberColumns", v)) return nullptr;
  Check check{env, "renumberColumns"};
  const int32_t nRows = check.Count(v[0], "nRows", 2147483646.0);
  if (check.failed) return nullptr;
  std::size_t colLength = 0, finalLength = 0;
  const int32_t* rowPtr = check.Array<int32_t>(v[1], napi_int32_array, static_cast<std::size_t>(nRows) + 1, "rowPtr");
  int32_t* col = check.Array<int32_t>(v[2], napi_int32_array, 0, "colIdx", &colLength);
  if (check.failed) return nullptr;
  check.RowPtr(rowPtr, nRows, colLength, "rowPtr");
  if (check.failed) return nullptr;
  const int32_t nnz = rowPtr[nRows];
  double* val = check.Array<double>(v[3], napi_float64_array, static_cast<std::size_t>(nnz), "values");
  const int32_t* finalOf = check.Array<int32_t>(v[4], napi_int32_array, 0, "finalOf", &finalLength);
  if (check.failed) return nullptr;
  check.Ids(col, nnz, static_cast<int32_t>(std::min<std::size_t>(finalLength, 2147483647)), "colIdx");
  if (check.failed) return nullptr;
  // finalOf's values become column ids: only written, compared and moved, never followed.
  renumber_columns(nRows, rowPtr, col, val, finalOf);
  return nullptr;
}

// placeExtras(nRows, rows, counts, ranks, values, columnOf, fill, extraCol, extraValue)
napi_value PlaceExtras(napi_env env, napi_callback_info info) {
  napi_value v[kMaxArgs];
  if (!ReadArgs(env, info, 9, "placeExtras", v)) return nullptr;
  Check check{env, "placeExtras"};
  const int32_t nRows = check.Count(v[0], "nRows");
  if (check.failed) return nullptr;
  const std::size_t rowsN = static_cast<std::size_t>(nRows);
  std::size_t fillLength = 0, columnsLength = 0, ranksLength = 0, valuesLength = 0, colLength = 0, valueLength = 0;
  const int32_t* rows = check.Array<int32_t>(v[1], napi_int32_array, rowsN, "rows");
  const double* counts = check.Array<double>(v[2], napi_float64_array, rowsN, "counts");
  const double* ranks = check.Array<double>(v[3], napi_float64_array, 0, "ranks", &ranksLength);
  const double* values = check.Array<double>(v[4], napi_float64_array, 0, "values", &valuesLength);
  const int32_t* columnOf = check.Array<int32_t>(v[5], napi_int32_array, 0, "columnOf", &columnsLength);
  int32_t* fill = check.Array<int32_t>(v[6], napi_int32_array, 0, "fill", &fillLength);
  int32_t* extraCol = check.Array<int32_t>(v[7], napi_int32_array, 0, "extraCol", &colLength);
  double* extraValue = check.Array<double>(v[8], napi_float64_array, 0, "extraValue", &valueLength);
  if (check.failed) return nullptr;
  check.Ids(rows, nRows, static_cast<int32_t>(std::min<std::size_t>(fillLength, 2147483647)), "rows");
  if (check.failed) return nullptr;
  // Every count a whole number, their sum within ranks and values, every rank within columnOf.
  std::size_t entries = 0;
  for (int32_t k = 0; k < nRows; k++) {
    const double c = counts[k];
    if (!(c >= 0.0 && c <= 2147483647.0 && std::floor(c) == c)) {
      check.Fail(false, "counts[" + std::to_string(k) + "] must be an integer in 0 .. 2^31-1");
      return nullptr;
    }
    entries += static_cast<std::size_t>(c);
  }
  if (entries > ranksLength || entries > valuesLength || entries > 2147483647) {
    check.Fail(false, "counts sum to " + std::to_string(entries) + " entries, more than ranks or values hold");
    return nullptr;
  }
  for (std::size_t e = 0; e < entries; e++) {
    const double r = ranks[e];
    if (!(r >= 0.0 && r < static_cast<double>(columnsLength) && std::floor(r) == r)) {
      check.Fail(false, "ranks[" + std::to_string(e) + "] must be an integer in 0.." + std::to_string(columnsLength) + "-1");
      return nullptr;
    }
  }
  const int32_t room = static_cast<int32_t>(std::min<std::size_t>(std::min(colLength, valueLength), 2147483647));
  const int32_t bad = place_extras(nRows, rows, counts, ranks, values, columnOf, fill, room, extraCol, extraValue);
  if (bad >= 0) {
    check.Fail(false, "row " + std::to_string(bad) + "'s entries fall outside extraCol or extraValue from fill[" +
                          std::to_string(rows[bad]) + "]");
  }
  return nullptr;
}

// ghostAggregateColumns(nGhost, aggregateGid, nnz, ogColIdx, order, gids, firstGhost, ghostColumn) -> count
napi_value GhostAggregateColumns(napi_env env, napi_callback_info info) {
  napi_value v[kMaxArgs];
  if (!ReadArgs(env, info, 8, "ghostAggregateColumns", v)) return nullptr;
  Check check{env, "ghostAggregateColumns"};
  const int32_t nGhost = check.Count(v[0], "nGhost");
  const int32_t nnz = check.Count(v[2], "nnz");
  if (check.failed) return nullptr;
  const std::size_t ghosts = static_cast<std::size_t>(nGhost);
  // aggregateGid's values are only compared and copied, never followed.
  const double* aggregateGid = check.Array<double>(v[1], napi_float64_array, ghosts, "aggregateGid");
  const int32_t* col = check.Array<int32_t>(v[3], napi_int32_array, static_cast<std::size_t>(nnz), "ogColIdx");
  int32_t* order = check.Array<int32_t>(v[4], napi_int32_array, ghosts, "order");
  double* gids = check.Array<double>(v[5], napi_float64_array, ghosts, "gids");
  int32_t* firstGhost = check.Array<int32_t>(v[6], napi_int32_array, ghosts, "firstGhost");
  int32_t* ghostColumn = check.Array<int32_t>(v[7], napi_int32_array, ghosts, "ghostColumn");
  if (check.failed) return nullptr;
  check.Ids(col, nnz, nGhost, "ogColIdx");
  if (check.failed) return nullptr;
  napi_value result;
  napi_create_int32(env, ghost_aggregate_columns(nGhost, aggregateGid, nnz, col, order, gids, firstGhost, ghostColumn), &result);
  return result;
}

// aggregateWeights(nRows, aggregateOf, nAggregates, weight)
napi_value AggregateWeights(napi_env env, napi_callback_info info) {
  napi_value v[kMaxArgs];
  if (!ReadArgs(env, info, 4, "aggregateWeights", v)) return nullptr;
  Check check{env, "aggregateWeights"};
  const int32_t nRows = check.Count(v[0], "nRows");
  const int32_t nAggregates = check.Count(v[2], "nAggregates");
  if (check.failed) return nullptr;
  const int32_t* aggregateOf = check.Array<int32_t>(v[1], napi_int32_array, static_cast<std::size_t>(nRows), "aggregateOf");
  double* weight = check.Array<double>(v[3], napi_float64_array, static_cast<std::size_t>(nAggregates), "weight");
  if (check.failed) return nullptr;
  for (int32_t i = 0; i < nRows; i++) {
    if (aggregateOf[i] < -1 || aggregateOf[i] >= nAggregates) {
      check.Fail(false, "aggregateOf[" + std::to_string(i) + "] = " + std::to_string(aggregateOf[i]) + " is outside -1.." +
                            std::to_string(nAggregates - 1));
      return nullptr;
    }
  }
  aggregate_weights(nRows, aggregateOf, nAggregates, weight);
  return nullptr;
}

// packAggregateRows(nRows, rows, aggregateOf, weight, firstGid, out)
napi_value PackAggregateRows(napi_env env, napi_callback_info info) {
  napi_value v[kMaxArgs];
  if (!ReadArgs(env, info, 6, "packAggregateRows", v)) return nullptr;
  Check check{env, "packAggregateRows"};
  const int32_t nRows = check.Count(v[0], "nRows", 1073741823.0);
  if (check.failed) return nullptr;
  std::size_t nOwn = 0, nWeights = 0;
  const int32_t* rows = check.Array<int32_t>(v[1], napi_int32_array, static_cast<std::size_t>(nRows), "rows");
  const int32_t* aggregateOf = check.Array<int32_t>(v[2], napi_int32_array, 0, "aggregateOf", &nOwn);
  const double* weight = check.Array<double>(v[3], napi_float64_array, 0, "weight", &nWeights);
  const double firstGid = check.Number(v[4], "firstGid");
  double* out = check.Array<double>(v[5], napi_float64_array, 2 * static_cast<std::size_t>(nRows), "out");
  if (check.failed) return nullptr;
  check.Ids(rows, nRows, static_cast<int32_t>(std::min<std::size_t>(nOwn, 2147483647)), "rows");
  if (check.failed) return nullptr;
  for (int32_t k = 0; k < nRows; k++) {
    const int32_t a = aggregateOf[rows[k]];
    if (a < -1 || static_cast<int64_t>(a) >= static_cast<int64_t>(nWeights)) {
      check.Fail(false, "aggregateOf[" + std::to_string(rows[k]) + "] = " + std::to_string(a) + " is outside -1.." +
                            std::to_string(static_cast<int64_t>(nWeights) - 1));
      return nullptr;
    }
  }
  pack_aggregate_rows(nRows, rows, aggregateOf, weight, firstGid, out);
  return nullptr;
}

// scatterTriplets(n, localOf, triplets, lu, largest) -> the new largest |entry|
napi_value ScatterTriplets(napi_env env, napi_callback_info info) {
  napi_value v[kMaxArgs];
  if (!ReadArgs(env, info, 5, "scatterTriplets", v)) return nullptr;
  Check check{env, "scatterTriplets"};
  const int32_t n = check.Count(v[0], "n", 46340.0);
  if (check.failed) return nullptr;
  std::size_t nIds = 0, length = 0;
  const int32_t* localOf = check.Array<int32_t>(v[1], napi_int32_array, 0, "localOf", &nIds);
  const double* triplets = check.Array<double>(v[2], napi_float64_array, 0, "triplets", &length);
  double* lu = check.Array<double>(v[3], napi_float64_array, static_cast<std::size_t>(n) * n, "lu");
  const double largest = check.Number(v[4], "largest");
  if (check.failed) return nullptr;
  if (length % 3 != 0 || length / 3 > 2147483647) {
    check.Fail(false, "triplets has length " + std::to_string(length) + ", not three times a count below 2^31");
    return nullptr;
  }
  const int32_t count = static_cast<int32_t>(length / 3);
  // Every row and column a whole global id below localOf's length whose local id is below n.
  for (std::size_t k = 0; k < 2 * static_cast<std::size_t>(count); k++) {
    const double gid = triplets[k];
    if (!(gid >= 0.0 && gid < static_cast<double>(nIds) && std::floor(gid) == gid) ||
        localOf[static_cast<std::size_t>(gid)] < 0 || localOf[static_cast<std::size_t>(gid)] >= n) {
      check.Fail(false, "triplets[" + std::to_string(k) + "] is not a global id with a local id in 0.." + std::to_string(n - 1));
      return nullptr;
    }
  }
  napi_value result;
  napi_create_double(env, scatter_triplets(n, localOf, count, triplets, triplets + count, triplets + 2 * static_cast<std::size_t>(count), lu, largest),
                     &result);
  return result;
}

// lastNonzeros(n, lu, last)
napi_value LastNonzeros(napi_env env, napi_callback_info info) {
  napi_value v[kMaxArgs];
  if (!ReadArgs(env, info, 3, "lastNonzeros", v)) return nullptr;
  Check check{env, "lastNonzeros"};
  const int32_t n = check.Count(v[0], "n", 46340.0);
  if (check.failed) return nullptr;
  const double* lu = check.Array<double>(v[1], napi_float64_array, static_cast<std::size_t>(n) * n, "lu");
  int32_t* last = check.Array<int32_t>(v[2], napi_int32_array, static_cast<std::size_t>(n), "last");
  if (check.failed) return nullptr;
  last_nonzeros(n, lu, last);
  return nullptr;
}

// placePairs(nItems, lids, offset, message, first, second)
napi_value PlacePairs(napi_env env, napi_callback_info info) {
  napi_value v[kMaxArgs];
  if (!ReadArgs(env, info, 6, "placePairs", v)) return nullptr;
  Check check{env, "placePairs"};
  const int32_t nItems = check.Count(v[0], "nItems", 1073741823.0);
  const int32_t offset = check.Count(v[2], "offset");
  if (check.failed) return nullptr;
  std::size_t firstLength = 0, secondLength = 0;
  const int32_t* lids = check.Array<int32_t>(v[1], napi_int32_array, static_cast<std::size_t>(nItems), "lids");
  const double* message = check.Array<double>(v[3], napi_float64_array, 2 * static_cast<std::size_t>(nItems), "message");
  double* first = check.Array<double>(v[4], napi_float64_array, 0, "first", &firstLength);
  double* second = check.Array<double>(v[5], napi_float64_array, 0, "second", &secondLength);
  if (check.failed) return nullptr;
  const int64_t bound = static_cast<int64_t>(std::min(firstLength, secondLength));
  for (int32_t k = 0; k < nItems; k++) {
    const int64_t g = static_cast<int64_t>(lids[k]) - offset;
    if (g < 0 || g >= bound) {
      check.Fail(false, "lids[" + std::to_string(k) + "] = " + std::to_string(lids[k]) + " is outside offset.." +
                            "offset + " + std::to_string(bound - 1));
      return nullptr;
    }
  }
  place_pairs(nItems, lids, offset, message, first, second);
  return nullptr;
}

}  // namespace pa_amg_setup
