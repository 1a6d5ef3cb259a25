// Process-wide MPI state, per-environment addon data and the error helpers shared by every
// binding function. Every MPI call of the addon goes through Check(), so a failure becomes a JS
// exception (MpiError) instead of aborting the process.
#pragma once

#include <mpi.h>
#include <napi.h>

#include <string>

namespace pa_mpi {

enum class Phase { Uninitialized, Initialized, Finalized };

// MPI can be initialized once per process, so this state is process-wide.
struct MpiState {
  Phase phase = Phase::Uninitialized;
  MPI_Comm comm = MPI_COMM_NULL;  // duplicate of MPI_COMM_WORLD, errors returned, not fatal
  int rank = -1;
  int size = 0;
  int tagUpperBound = 32767;  // the minimum MPI guarantees, replaced by MPI_TAG_UB at init
};

MpiState& State();

// Constructors registered from JS (setErrorClasses) and the Exchange class, per environment.
struct AddonData {
  Napi::FunctionReference mpiError;
  Napi::FunctionReference invalidArgument;
  Napi::FunctionReference exchangeClass;
};

AddonData& Data(Napi::Env env);

// Throws MpiError(operation, error class of `code`, MPI_Error_string(code)).
[[noreturn]] void ThrowMpiError(Napi::Env env, const char* operation, int code);
// Throws MpiError(operation, MPI_ERR_OTHER, what) for misuse of the MPI life cycle.
[[noreturn]] void ThrowMpiState(Napi::Env env, const char* operation, const std::string& what);
// Throws InvalidArgumentError(message).
[[noreturn]] void ThrowInvalidArgument(Napi::Env env, const std::string& message);

inline void Check(Napi::Env env, const char* operation, int rc) {
  if (rc != MPI_SUCCESS) ThrowMpiError(env, operation, rc);
}

// Throws unless MPI is initialized and not yet finalized.
void RequireInitialized(Napi::Env env, const char* operation);

}  // namespace pa_mpi
