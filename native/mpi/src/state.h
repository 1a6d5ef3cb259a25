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
  // A second duplicate for the diagnosis of a timed-out wait (waiting.cc), so its messages can
  // never be matched by the library's own receives, whatever their tags.
  MPI_Comm diagnosisComm = MPI_COMM_NULL;
  // A third one for the point-to-point rounds of meet() (collectives.cc).
  MPI_Comm headerComm = MPI_COMM_NULL;
  int rank = -1;
  int size = 0;
  int tagUpperBound = 32767;  // the minimum MPI guarantees, replaced by MPI_TAG_UB at init
  double timeoutMs = 60000;   // deadline of every blocking wait (setCollectiveTimeout)
  // Whether this node runs more ranks than it has cores: waits then nap from the start instead of
  // polling (a polling rank would hold a core another rank of the job needs).
  bool oversubscribed = false;
  // Code of what this rank waits in (set by meet() and by exchanges); told to ranks that ask.
  int currentKind = 0;
  // Set when a wait timed out: its requests are still pending, so the ranks are out of step and
  // every later communication (and finalize) is refused.
  bool outOfStep = false;
};

MpiState& State();

// Constructors registered from JS (setErrorClasses) and the Exchange class, per environment.
struct AddonData {
  Napi::FunctionReference mpiError;
  Napi::FunctionReference invalidArgument;
  Napi::FunctionReference timeoutError;  // (report) => Error, see waiting.cc
  Napi::FunctionReference exchangeClass;
  Napi::FunctionReference windowClass;  // RmaWindow, see windows.h
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
// RequireInitialized, and throws when an earlier wait timed out (the ranks are out of step).
void RequireInStep(Napi::Env env, const char* operation);

}  // namespace pa_mpi
