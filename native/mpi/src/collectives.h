// Blocking collectives on the addon's communicator. Counts are in elements of the buffers' type;
// every argument is validated before the MPI call.
#pragma once

#include <napi.h>

namespace pa_mpi {

Napi::Value Barrier(const Napi::CallbackInfo& info);
Napi::Value Bcast(const Napi::CallbackInfo& info);
Napi::Value Gather(const Napi::CallbackInfo& info);
Napi::Value Allgather(const Napi::CallbackInfo& info);
Napi::Value Scatter(const Napi::CallbackInfo& info);
Napi::Value Gatherv(const Napi::CallbackInfo& info);
Napi::Value Allgatherv(const Napi::CallbackInfo& info);
Napi::Value Scatterv(const Napi::CallbackInfo& info);
Napi::Value Allreduce(const Napi::CallbackInfo& info);

}  // namespace pa_mpi
