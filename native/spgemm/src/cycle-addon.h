// The AMG V-cycle's entry point (cycle-addon.cc), registered by the sparse-product addon's Init.
#pragma once

#include <node_api.h>

namespace pa_amg {

// cycleRows(mode, phase, nRows, rowPtr, colIdx, values, u, ghostRowPtr, partial, v0, v1, v2, v3, v4, alpha, beta)
napi_value CycleRows(napi_env env, napi_callback_info info);

// chebyshevStart(n, b, inverse, theta, r, d, x)
napi_value ChebyshevStart(napi_env env, napi_callback_info info);

// cyclePipeline(nRows, bandwidth, aRowPtr, aColIdx, aValues, pRowPtr, pColIdx, pValues, pCols, modes, scalars,
//               vectors): the pipelined pass of cycle.h's cycle_pipeline
napi_value CyclePipeline(napi_env env, napi_callback_info info);

}  // namespace pa_amg
