// How the addon waits: every MPI operation is nonblocking and completed by a test loop with a
// deadline (setCollectiveTimeout) that polls for a short adaptive budget, then naps between tests
// (waiting.cc), so a rank never blocks forever on a rank that is busy, gone
// elsewhere or returned. On expiry the ranks that can be reached are asked what they wait in, and
// the registered timeout factory turns the answers into a JS error (CollectiveTimeoutError).
#pragma once

#include <mpi.h>
#include <napi.h>

namespace pa_mpi {

// Completes `count` requests while answering the questions of ranks that timed out. `kind` is
// what this rank waits in (told to those ranks). `peers[i]` is the rank of point-to-point request
// i, or `peers` is null for a collective. Throws MpiError when MPI fails, and the timeout error
// (after which the addon refuses every communication) when the deadline passes.
void Await(Napi::Env env, const char* operation, int kind, int count, MPI_Request* requests,
           const int* peers);

// Await for one collective request, on behalf of the kind set by the last meet().
void AwaitCollective(Napi::Env env, const char* operation, MPI_Request* request);

// Frees what the diagnosis keeps (reply requests) before MPI_Finalize.
void ReleaseDiagnosis(Napi::Env env);

}  // namespace pa_mpi
