// Collectives on the addon's communicator: each posts the nonblocking MPI collective and completes
// it with Await (waiting.h), so it blocks until done or until the deadline. Counts are in elements
// of the buffers' type; every argument is validated before the MPI call.
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
Napi::Value Meet(const Napi::CallbackInfo& info);
Napi::Value Alltoall(const Napi::CallbackInfo& info);
Napi::Value Alltoallv(const Napi::CallbackInfo& info);

}  // namespace pa_mpi
