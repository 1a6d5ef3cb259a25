// pa_spgemm: Node-API entry points of the sparse product loops in spgemm.h (and, from
// cycle-addon.cc and setup-addon.cc, of the AMG V-cycle's row passes and set-up kernels).
// The TypeScript description of every product export is src/sparse/matmul-binding.ts;
// the library calls them through src/sparse/matmul-kernels.ts. Every index the loops follow is
// checked here first (types, array lengths, row pointers, column ids), so that no call can read
// or write outside the arrays it is given: a wrong type throws a TypeError, anything else a
// RangeError naming the kernel and the argument. The checks are O(entries of A and B), small
// beside the products.
#include <node_api.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "check.h"
#include "cycle-addon.h"
#include "galerkin.h"
#include "setup-addon.h"
#include "spgemm.h"

namespace {

using pa_spgemm_args::Check;

struct Args {
  static constexpr std::size_t kMax = 34;
  napi_value v[kMax];
  std::size_t count = kMax;
  bool ok;
  Args(napi_env env, napi_callback_info info, std::size_t needed, const char* kernel) {
    ok = napi_get_cb_info(env, info, &count, v, nullptr, nullptr) == napi_ok && count >= needed;
    if (!ok) napi_throw_type_error(env, nullptr, (std::string(kernel) + ": expected " + std::to_string(needed) + " arguments").c_str());
  }
};

// A checked CSR operand (row pointers, ids within `bound` unless it is negative, values covering
// its entries) at v[0..2], named `name` + "RowPtr" / "ColIdx" / "Values". nRows < 0: as many rows
// as the row pointers give (returned in *rowsOut).
pa_spgemm::Rows ReadRows(Check& check, const napi_value* v, int32_t nRows, int32_t bound, const std::string& name,
                         int32_t* rowsOut = nullptr) {
  pa_spgemm::Rows r{nullptr, nullptr, nullptr};
  std::size_t ptrLen = 0, colLen = 0;
  const std::string ptrName = name + "RowPtr", colName = name + "ColIdx", valueName = name + "Values";
  r.rowPtr = check.Array<int32_t>(v[0], napi_int32_array, nRows < 0 ? 1 : static_cast<std::size_t>(nRows) + 1,
                                  ptrName.c_str(), &ptrLen);
  r.col = check.Array<int32_t>(v[1], napi_int32_array, 0, colName.c_str(), &colLen);
  if (check.failed) return r;
  const int32_t rows = nRows < 0 ? static_cast<int32_t>(ptrLen - 1) : nRows;
  if (rowsOut != nullptr) *rowsOut = rows;
  check.RowPtr(r.rowPtr, rows, colLen, ptrName.c_str());
  if (check.failed) return r;
  r.val = check.Array<double>(v[2], napi_float64_array, r.rowPtr[rows], valueName.c_str());
  if (bound >= 0) check.Ids(r.col, r.rowPtr[rows], bound, colName.c_str());
  return r;
}

// The operands every product call starts with, at v[0..13]: nRows, A's own block (a*), A's ghost
// block (aGhost*), B1 (b1*), B2 (b2*), nOwn. A's own ids index B1's rows, its ghost ids B2's rows
// past B1's; B's ids index nColsB (checked only when `bColumns`: spgemmTerms compares them with
// nOwn and never indexes by them); nOwn is at most nColsB.
struct Product {
  pa_spgemm::Operands o{};
  int32_t nRowsB2 = 0;
  int32_t nOwn = 0;
};

Product ReadProduct(Check& check, const napi_value* v, int32_t nColsB, bool bColumns = true) {
  Product p;
  p.o.nRows = check.Count(v[0], "nRows");
  if (check.failed) return p;
  p.o.b1 = ReadRows(check, v + 7, -1, bColumns ? nColsB : -1, "b1", &p.o.nRowsB1);
  p.o.b2 = ReadRows(check, v + 10, -1, bColumns ? nColsB : -1, "b2", &p.nRowsB2);
  if (check.failed) return p;
  if (p.nRowsB2 < p.o.nRowsB1) {
    check.Fail(false, "B2 has " + std::to_string(p.nRowsB2) + " rows, fewer than B1's " + std::to_string(p.o.nRowsB1));
    return p;
  }
  p.o.aOwn = ReadRows(check, v + 1, p.o.nRows, p.o.nRowsB1, "a");
  p.o.aGhost = ReadRows(check, v + 4, p.o.nRows, p.nRowsB2 - p.o.nRowsB1, "aGhost");
  p.nOwn = check.Count(v[13], "nOwn");
  if (!check.failed && p.nOwn > nColsB) {
    check.Fail(false, "nOwn = " + std::to_string(p.nOwn) + " exceeds the " + std::to_string(nColsB) + " columns of B");
  }
  return p;
}

// An output block (rowPtr, colIdx, values) of spgemmRows / spgemmValues at args v[0..2].
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

// B's column count as the scratch array at v gives it (at most 2^31 - 1).
int32_t ScratchColumns(Check& check, std::size_t length) {
  if (length > 2147483647u) check.Fail(false, "the scratch arrays are longer than 2^31 - 1");
  return static_cast<int32_t>(length);
}

// spgemmTerms(nRows, aRowPtr, aColIdx, aValues, aGhostRowPtr, aGhostColIdx, aGhostValues,
//             b1RowPtr, b1ColIdx, b1Values, b2RowPtr, b2ColIdx, b2Values, nOwn, nColsB, terms)
napi_value SpgemmTerms(napi_env env, napi_callback_info info) {
  Args args(env, info, 16, "spgemmTerms");
  if (!args.ok) return nullptr;
  Check check{env, "spgemmTerms"};
  const int32_t nColsB = check.Count(args.v[14], "nColsB");
  double* terms = check.Array<double>(args.v[15], napi_float64_array, 2, "terms");
  if (check.failed) return nullptr;
  const Product pr = ReadProduct(check, args.v, nColsB, false);
  if (check.failed) return nullptr;
  std::vector<int32_t> length(static_cast<std::size_t>(pr.nRowsB2));
  std::vector<int32_t> ownLength(static_cast<std::size_t>(pr.nRowsB2));
  pa_spgemm::spgemm_terms(pr.o, pr.nRowsB2, pr.nOwn, length.data(), ownLength.data(), terms, terms + 1);
  return nullptr;
}

// spgemmRows(<the 14 operands>, ooRowPtr, ooColIdx, ooValues, ogRowPtr, ogColIdx, ogValues, marker, accumulator)
napi_value SpgemmRows(napi_env env, napi_callback_info info) {
  Args args(env, info, 22, "spgemmRows");
  if (!args.ok) return nullptr;
  Check check{env, "spgemmRows"};
  std::size_t length = 0;
  int32_t* marker = check.Array<int32_t>(args.v[20], napi_int32_array, 0, "marker", &length);
  double* acc = check.Array<double>(args.v[21], napi_float64_array, length, "accumulator");
  const int32_t nColsB = ScratchColumns(check, length);
  if (check.failed) return nullptr;
  const Product pr = ReadProduct(check, args.v, nColsB);
  if (check.failed) return nullptr;
  const OutBlock own = ReadBlock(check, args.v + 14, pr.o.nRows, "ooRowPtr", "ooColIdx", "ooValues");
  const OutBlock ghost = ReadBlock(check, args.v + 17, pr.o.nRows, "ogRowPtr", "ogColIdx", "ogValues");
  if (check.failed) return nullptr;
  const int64_t status = pa_spgemm::spgemm_rows(pr.o, pr.nOwn, own.block, ghost.block, marker, acc, nColsB);
  if (status < 0) {
    check.Fail(false, "row " + std::to_string(-1 - status) + " does not fit in its blocks (room for " +
                          std::to_string(own.block.room) + " own and " + std::to_string(ghost.block.room) +
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

// spgemmValues(<the 14 operands>, ooRowPtr, ooColIdx, ooValues, ogRowPtr, ogColIdx, ogValues, accumulator)
napi_value SpgemmValues(napi_env env, napi_callback_info info) {
  Args args(env, info, 21, "spgemmValues");
  if (!args.ok) return nullptr;
  Check check{env, "spgemmValues"};
  std::size_t length = 0;
  double* acc = check.Array<double>(args.v[20], napi_float64_array, 0, "accumulator", &length);
  const int32_t nColsB = ScratchColumns(check, length);
  if (check.failed) return nullptr;
  const Product pr = ReadProduct(check, args.v, nColsB);
  if (check.failed) return nullptr;
  const OutBlock own = ReadBlock(check, args.v + 14, pr.o.nRows, "ooRowPtr", "ooColIdx", "ooValues");
  const OutBlock ghost = ReadBlock(check, args.v + 17, pr.o.nRows, "ogRowPtr", "ogColIdx", "ogValues");
  if (check.failed) return nullptr;
  if (!CheckBlock(check, own, pr.o.nRows, pr.nOwn, "ooRowPtr", "ooColIdx", "ooValues") ||
      !CheckBlock(check, ghost, pr.o.nRows, nColsB - pr.nOwn, "ogRowPtr", "ogColIdx", "ogValues")) {
    return nullptr;
  }
  pa_spgemm::spgemm_values(pr.o, pr.nOwn, own.block, ghost.block, acc, nColsB);
  return nullptr;
}

// csrTranspose(nRows, nCols, rowPtr, colIdx, values, tRowPtr, tRows, tSource, tValues): values and
// tValues both empty, or holding the block's entries.
napi_value CsrTranspose(napi_env env, napi_callback_info info) {
  Args args(env, info, 9, "csrTranspose");
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
  std::size_t valuesLength = 0, tValuesLength = 0;
  const double* values = check.Array<double>(args.v[4], napi_float64_array, 0, "values", &valuesLength);
  int32_t* tPtr = check.Array<int32_t>(args.v[5], napi_int32_array, static_cast<std::size_t>(nCols) + 1, "tRowPtr");
  int32_t* tRows = check.Array<int32_t>(args.v[6], napi_int32_array, nnz, "tRows");
  int32_t* tSource = check.Array<int32_t>(args.v[7], napi_int32_array, nnz, "tSource");
  double* tValues = check.Array<double>(args.v[8], napi_float64_array, 0, "tValues", &tValuesLength);
  if (check.failed) return nullptr;
  const bool withValues = valuesLength > 0 || tValuesLength > 0;
  if (withValues && (valuesLength < static_cast<std::size_t>(nnz) || tValuesLength < static_cast<std::size_t>(nnz))) {
    check.Fail(false, "values and tValues must both be empty or both hold the " + std::to_string(nnz) + " entries");
    return nullptr;
  }
  pa_spgemm::csr_transpose(nRows, nCols, rowPtr, col, withValues ? values : nullptr, tPtr, tRows, tSource,
                           withValues ? tValues : nullptr);
  return nullptr;
}

// galerkinRows(firstRow, nRows, nFine, nOwn, rRowPtr, rColIdx, rValues, aRowPtr, aColIdx, aValues,
//              aGhostRowPtr, aGhostColIdx, aGhostValues, p1RowPtr, p1ColIdx, p1Values,
//              p2RowPtr, p2ColIdx, p2Values, extraRowPtr, extraColIdx, extraValues, fineMarker,
//              fineAccumulator, fineList, coarseMarker, coarseAccumulator, coarseList,
//              ooRowPtr, ooColIdx, ooValues, ogRowPtr, ogColIdx, ogValues) -> the rows done
// (extraRowPtr empty: no extra terms; rRowPtr empty: R = P1ᵀ, formed a block of rows at a time)
napi_value GalerkinRows(napi_env env, napi_callback_info info) {
  Args args(env, info, 34, "galerkinRows");
  if (!args.ok) return nullptr;
  const napi_value* v = args.v;
  Check check{env, "galerkinRows"};
  const int32_t nRows = check.Count(v[1], "nRows", 2147483646.0);
  const int32_t firstRow = check.Count(v[0], "firstRow", nRows);
  const int32_t nFine = check.Count(v[2], "nFine", 2147483646.0);
  std::size_t fineLength = 0, coarseLength = 0;
  int32_t* fineMarker = check.Array<int32_t>(v[22], napi_int32_array, 0, "fineMarker", &fineLength);
  double* fineAcc = check.Array<double>(v[23], napi_float64_array, fineLength, "fineAccumulator");
  // One entry of slack: the branch-free listing writes past the last listed column.
  int32_t* fineList = check.Array<int32_t>(v[24], napi_int32_array, fineLength + 1, "fineList");
  int32_t* coarseMarker = check.Array<int32_t>(v[25], napi_int32_array, 0, "coarseMarker", &coarseLength);
  double* coarseAcc = check.Array<double>(v[26], napi_float64_array, coarseLength, "coarseAccumulator");
  int32_t* coarseList = check.Array<int32_t>(v[27], napi_int32_array, coarseLength, "coarseList");
  const int32_t nCoarse = ScratchColumns(check, coarseLength);
  const int32_t nOwn = check.Count(v[3], "nOwn", nCoarse);
  if (check.failed) return nullptr;
  int32_t nRowsP2 = 0;
  const pa_spgemm::Rows p2 = ReadRows(check, v + 16, -1, nCoarse, "p2", &nRowsP2);
  if (check.failed) return nullptr;
  if (nRowsP2 < nFine || static_cast<std::size_t>(nRowsP2) > fineLength) {
    check.Fail(false, "p2 has " + std::to_string(nRowsP2) + " rows: needs at least nFine = " + std::to_string(nFine) +
                          " and at most the " + std::to_string(fineLength) + " entries of the fine scratch arrays");
    return nullptr;
  }
  // An empty rRowPtr: R = P1ᵀ, formed inside (P1's ids are then R's rows, below nRows).
  std::size_t rPtrLength = 0;
  check.Array<int32_t>(v[4], napi_int32_array, 0, "rRowPtr", &rPtrLength);
  const bool rOfP1 = !check.failed && rPtrLength == 0;
  const pa_spgemm::Rows r = rOfP1 ? pa_spgemm::Rows{nullptr, nullptr, nullptr} : ReadRows(check, v + 4, nRows, nFine, "r");
  const pa_spgemm::Rows aOwn = ReadRows(check, v + 7, nFine, nFine, "a");
  const pa_spgemm::Rows aGhost = ReadRows(check, v + 10, nFine, nRowsP2 - nFine, "aGhost");
  const pa_spgemm::Rows p1 = ReadRows(check, v + 13, nFine, rOfP1 ? std::min(nRows, nCoarse) : nCoarse, "p1");
  std::size_t extraPtrLength = 0;
  check.Array<int32_t>(v[19], napi_int32_array, 0, "extraRowPtr", &extraPtrLength);
  pa_spgemm::Rows extra{nullptr, nullptr, nullptr};
  if (!check.failed && extraPtrLength > 0) extra = ReadRows(check, v + 19, nRows, nCoarse, "extra");
  const OutBlock own = ReadBlock(check, v + 28, nRows, "ooRowPtr", "ooColIdx", "ooValues");
  const OutBlock ghost = ReadBlock(check, v + 31, nRows, "ogRowPtr", "ogColIdx", "ogValues");
  if (check.failed) return nullptr;
  // The markers hold row ids compared with, never used as indices: not checked. Each block's
  // rowPtr[firstRow] must be a start within its room (the rows before it are the caller's).
  for (const OutBlock* b : {&own, &ghost}) {
    const int32_t start = b->block.rowPtr[firstRow];
    if (start < 0 || start > b->block.room) {
      check.Fail(false, "a block's rowPtr[firstRow] = " + std::to_string(start) + " is outside 0.." +
                            std::to_string(b->block.room));
      return nullptr;
    }
  }
  const int32_t done =
      rOfP1 ? pa_galerkin::galerkin_rows_of_p1(firstRow, nRows, nFine, nOwn, aOwn, aGhost, p1, p2, extra, fineMarker,
                                               fineAcc, fineList, coarseMarker, coarseAcc, coarseList, own.block,
                                               ghost.block)
            : pa_galerkin::galerkin_rows(firstRow, nRows, nFine, nOwn, r, aOwn, aGhost, p1, p2, extra, fineMarker,
                                         fineAcc, fineList, coarseMarker, coarseAcc, coarseList, own.block,
                                         ghost.block);
  napi_value result;
  napi_create_int32(env, done, &result);
  return result;
}

// rankRowEntries(rows, ooRowPtr, ooColIdx, ooValues, ogRowPtr, ogColIdx, ogValues, nOwn, slot,
//                entryRank, listed, values) -> the columns listed
napi_value RankRowEntries(napi_env env, napi_callback_info info) {
  Args args(env, info, 12, "rankRowEntries");
  if (!args.ok) return nullptr;
  Check check{env, "rankRowEntries"};
  std::size_t nRowsLength = 0, slotLength = 0;
  const int32_t* rows = check.Array<int32_t>(args.v[0], napi_int32_array, 0, "rows", &nRowsLength);
  const int32_t nOwn = check.Count(args.v[7], "nOwn");
  int32_t* slot = check.Array<int32_t>(args.v[8], napi_int32_array, static_cast<std::size_t>(nOwn), "slot", &slotLength);
  if (check.failed) return nullptr;
  const int32_t nGhostColumns = static_cast<int32_t>(std::min<std::size_t>(slotLength - static_cast<std::size_t>(nOwn), 2147483647));
  int32_t nBlockRows = 0;
  const pa_spgemm::Rows oo = ReadRows(check, args.v + 1, -1, nOwn, "oo", &nBlockRows);
  const pa_spgemm::Rows og = ReadRows(check, args.v + 4, nBlockRows, nGhostColumns, "og");
  if (check.failed) return nullptr;
  const int32_t nRows = static_cast<int32_t>(std::min<std::size_t>(nRowsLength, 2147483647));
  check.Ids(rows, nRows, nBlockRows, "rows");
  if (check.failed) return nullptr;
  int64_t count = 0;
  for (int32_t t = 0; t < nRows; t++) {
    count += (oo.rowPtr[rows[t] + 1] - oo.rowPtr[rows[t]]) + (og.rowPtr[rows[t] + 1] - og.rowPtr[rows[t]]);
  }
  if (count > 2147483647) {
    check.Fail(false, "the rows have more than 2^31-1 entries");
    return nullptr;
  }
  const std::size_t entries = static_cast<std::size_t>(count);
  int32_t* entryRank = check.Array<int32_t>(args.v[9], napi_int32_array, entries, "entryRank");
  int32_t* listed = check.Array<int32_t>(args.v[10], napi_int32_array, entries, "listed");
  double* values = check.Array<double>(args.v[11], napi_float64_array, entries, "values");
  if (check.failed) return nullptr;
  // slot's values are compared and copied, never followed: any value is safe (−1 is the contract).
  napi_value result;
  napi_create_int32(env, pa_spgemm::rank_row_entries(rows, nRows, oo, og, nOwn, slot, entryRank, listed, values), &result);
  return result;
}

// placeReceivedRows(rowOf, rowPtr, message, entriesAt, valuesAt, finalColumn, colIdx, values)
napi_value PlaceReceivedRows(napi_env env, napi_callback_info info) {
  Args args(env, info, 8, "placeReceivedRows");
  if (!args.ok) return nullptr;
  Check check{env, "placeReceivedRows"};
  std::size_t rowOfLength = 0, ptrLength = 0, messageLength = 0, finalLength = 0, colLength = 0, valueLength = 0;
  const int32_t* rowOf = check.Array<int32_t>(args.v[0], napi_int32_array, 0, "rowOf", &rowOfLength);
  const int32_t* rowPtr = check.Array<int32_t>(args.v[1], napi_int32_array, 1, "rowPtr", &ptrLength);
  const double* message = check.Array<double>(args.v[2], napi_float64_array, 0, "message", &messageLength);
  const int32_t entriesAt = check.Count(args.v[3], "entriesAt");
  const int32_t valuesAt = check.Count(args.v[4], "valuesAt");
  const int32_t* finalColumn = check.Array<int32_t>(args.v[5], napi_int32_array, 0, "finalColumn", &finalLength);
  int32_t* col = check.Array<int32_t>(args.v[6], napi_int32_array, 0, "colIdx", &colLength);
  double* val = check.Array<double>(args.v[7], napi_float64_array, 0, "values", &valueLength);
  if (check.failed) return nullptr;
  const int32_t nTargetRows = static_cast<int32_t>(std::min<std::size_t>(ptrLength - 1, 2147483646));
  const int32_t nRows = static_cast<int32_t>(std::min<std::size_t>(rowOfLength, 2147483647));
  check.Ids(rowOf, nRows, nTargetRows, "rowOf");
  if (check.failed) return nullptr;
  // Only the target rows' pointers are followed: each must be a range within colIdx and values
  // (the other rows are the caller's; a whole pass over them would cost more than the rows).
  const int64_t room = static_cast<int64_t>(std::min(colLength, valueLength));
  int64_t count = 0;
  for (int32_t t = 0; t < nRows; t++) {
    const int32_t r = rowOf[t];
    if (rowPtr[r] < 0 || rowPtr[r] > rowPtr[r + 1] || rowPtr[r + 1] > room) {
      check.Fail(false, "rowPtr's row " + std::to_string(r) + " (" + std::to_string(rowPtr[r]) + ".." +
                            std::to_string(rowPtr[r + 1]) + ") is not a range within 0.." + std::to_string(room));
      return nullptr;
    }
    count += rowPtr[r + 1] - rowPtr[r];
  }
  if (static_cast<int64_t>(entriesAt) + count > static_cast<int64_t>(messageLength) ||
      static_cast<int64_t>(valuesAt) + count > static_cast<int64_t>(messageLength)) {
    check.Fail(false, "message has " + std::to_string(messageLength) + " numbers, fewer than its " + std::to_string(count) +
                          " entries' ranks and values need");
    return nullptr;
  }
  const double* ranks = message + entriesAt;
  for (int64_t e = 0; e < count; e++) {
    const double rank = ranks[e];
    if (!(rank >= 0 && rank < static_cast<double>(finalLength) && std::floor(rank) == rank)) {
      check.Fail(false, "message rank " + std::to_string(e) + " = " + std::to_string(rank) + " is outside 0.." +
                            std::to_string(static_cast<int64_t>(finalLength) - 1));
      return nullptr;
    }
  }
  pa_spgemm::place_received_rows(rowOf, nRows, rowPtr, ranks, message + valuesAt, finalColumn, col, val);
  return nullptr;
}

napi_value Init(napi_env env, napi_value exports) {
  const napi_property_descriptor properties[] = {
      {"spgemmTerms", nullptr, SpgemmTerms, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"spgemmRows", nullptr, SpgemmRows, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"spgemmValues", nullptr, SpgemmValues, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"csrTranspose", nullptr, CsrTranspose, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"galerkinRows", nullptr, GalerkinRows, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"rankRowEntries", nullptr, RankRowEntries, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"placeReceivedRows", nullptr, PlaceReceivedRows, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"cycleRows", nullptr, pa_amg::CycleRows, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"chebyshevStart", nullptr, pa_amg::ChebyshevStart, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"cyclePipeline", nullptr, pa_amg::CyclePipeline, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"smoothedProlongator", nullptr, pa_amg_setup::SmoothedProlongator, nullptr, nullptr, nullptr, napi_enumerable,
       nullptr},
      {"rapRows", nullptr, pa_amg_setup::RapRows, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"rapOfP", nullptr, pa_amg_setup::RapOfP, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"aggregateRows", nullptr, pa_amg_setup::AggregateRows, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"denseLuFactor", nullptr, pa_amg_setup::DenseLuFactor, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"denseLuSolve", nullptr, pa_amg_setup::DenseLuSolve, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"levelDiagonal", nullptr, pa_amg_setup::LevelDiagonal, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"prolongatorGhostBlock", nullptr, pa_amg_setup::ProlongatorGhostBlock, nullptr, nullptr, nullptr, napi_enumerable,
       nullptr},
      {"markUsedColumns", nullptr, pa_amg_setup::MarkUsedColumns, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"renumberColumns", nullptr, pa_amg_setup::RenumberColumns, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"placeExtras", nullptr, pa_amg_setup::PlaceExtras, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"ghostAggregateColumns", nullptr, pa_amg_setup::GhostAggregateColumns, nullptr, nullptr, nullptr, napi_enumerable,
       nullptr},
      {"aggregateWeights", nullptr, pa_amg_setup::AggregateWeights, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"packAggregateRows", nullptr, pa_amg_setup::PackAggregateRows, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"scatterTriplets", nullptr, pa_amg_setup::ScatterTriplets, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"lastNonzeros", nullptr, pa_amg_setup::LastNonzeros, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"placePairs", nullptr, pa_amg_setup::PlacePairs, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
  };
  napi_define_properties(env, exports, sizeof(properties) / sizeof(properties[0]), properties);
  return exports;
}

}  // namespace

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
