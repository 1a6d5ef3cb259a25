// The AMG set-up's entry points (setup-addon.cc), registered by the sparse-product addon's Init.
#pragma once

#include <node_api.h>

namespace pa_amg_setup {

// smoothedProlongator(nRows, aRowPtr, aColIdx, aValues, aggregateOf, nAggregates, inverse, omega,
//                     size, marker, accumulator, pRowPtr, pColIdx, pValues)
napi_value SmoothedProlongator(napi_env env, napi_callback_info info);

// rapRows(firstRow, nRows, nFine, nCoarse, r*, a*, p*, fineMarker, fineAccumulator, fineList,
//         coarseMarker, coarseAccumulator, coarseList, cRowPtr, cColIdx, cValues) -> the rows done
napi_value RapRows(napi_env env, napi_callback_info info);

// rapOfP(firstRow, nFine, nCoarse, a*, p*, fineMarker, fineAccumulator, fineList, coarseMarker,
//        coarseAccumulator, coarseList, cRowPtr, cColIdx, cValues) -> the rows done
napi_value RapOfP(napi_env env, napi_callback_info info);

// aggregateRows(nRows, aRowPtr, aColIdx, aValues, gRowPtr, gColIdx, ghostOwner, diagonal, theta, root, strong,
//               joined, order, aggregateOf) -> count
napi_value AggregateRows(napi_env env, napi_callback_info info);

// denseLuFactor(n, lu, last, pivot, rows, multipliers, tiny) -> the failed step or -1
napi_value DenseLuFactor(napi_env env, napi_callback_info info);

// denseLuSolve(n, lu, pivot, x)
napi_value DenseLuSolve(napi_env env, napi_callback_info info);

// levelDiagonal(nRows, ooRowPtr, ooColIdx, ooValues, ogRowPtr, ogValues, diagonal, inverse, out)
//   -> the first row with a zero or non-finite diagonal entry, or -1
napi_value LevelDiagonal(napi_env env, napi_callback_info info);

// prolongatorGhostBlock(nRows, ogRowPtr, ogColIdx, ogValues, ghostColumn, ghostP0, nCols, inverse,
//                       omega, marker, accumulator, pRowPtr, pColIdx, pValues) -> the entries written
napi_value ProlongatorGhostBlock(napi_env env, napi_callback_info info);

// markUsedColumns(nnz, colIdx, mark)
napi_value MarkUsedColumns(napi_env env, napi_callback_info info);

// renumberColumns(nRows, rowPtr, colIdx, values, finalOf)
napi_value RenumberColumns(napi_env env, napi_callback_info info);

// placeExtras(nRows, rows, counts, ranks, values, columnOf, fill, extraCol, extraValue)
napi_value PlaceExtras(napi_env env, napi_callback_info info);

// ghostAggregateColumns(nGhost, aggregateGid, nnz, ogColIdx, order, gids, firstGhost, ghostColumn) -> count
napi_value GhostAggregateColumns(napi_env env, napi_callback_info info);

// aggregateWeights(nRows, aggregateOf, nAggregates, weight)
napi_value AggregateWeights(napi_env env, napi_callback_info info);

// packAggregateRows(nRows, rows, aggregateOf, weight, firstGid, out)
napi_value PackAggregateRows(napi_env env, napi_callback_info info);

// scatterTriplets(n, localOf, triplets, lu, largest) -> the new largest |entry|
napi_value ScatterTriplets(napi_env env, napi_callback_info info);

// lastNonzeros(n, lu, last)
napi_value LastNonzeros(napi_env env, napi_callback_info info);

// placePairs(nItems, lids, offset, message, first, second)
napi_value PlacePairs(napi_env env, napi_callback_info info);

}  // namespace pa_amg_setup
