#include "state.h"

namespace pa_mpi {

MpiState& State() {
  static MpiState state;
  return state;
}

AddonData& Data(Napi::Env env) { return *env.GetInstanceData<AddonData>(); }

namespace {

[[noreturn]] void ThrowMpiErrorObject(Napi::Env env, const char* operation, int errorClass,
                                      const std::string& errorString) {
  AddonData& data = Data(env);
  if (!data.mpiError.IsEmpty()) {
    Napi::Object error = data.mpiError.New({Napi::String::New(env, operation),
                                            Napi::Number::New(env, errorClass),
                                            Napi::String::New(env, errorString)});
    throw Napi::Error(env, error);
  }
  // Before setErrorClasses() (only the loader runs then): a plain Error with the same fields.
  Napi::Error error = Napi::Error::New(
      env, std::string(operation) + ": " + errorString + " (MPI error class " +
               std::to_string(errorClass) + ")");
  error.Set("code", Napi::String::New(env, "MPI_ERROR"));
  error.Set("errorClass", Napi::Number::New(env, errorClass));
  error.Set("errorString", Napi::String::New(env, errorString));
  throw error;
}

}  // namespace

void ThrowMpiError(Napi::Env env, const char* operation, int code) {
  int errorClass = code;
  if (MPI_Error_class(code, &errorClass) != MPI_SUCCESS) errorClass = code;
  char text[MPI_MAX_ERROR_STRING];
  int length = 0;
  if (MPI_Error_string(code, text, &length) != MPI_SUCCESS) length = 0;
  std::string errorString = length > 0 ? std::string(text, length) : "unknown MPI error";
  ThrowMpiErrorObject(env, operation, errorClass, errorString);
}

void ThrowMpiState(Napi::Env env, const char* operation, const std::string& what) {
  ThrowMpiErrorObject(env, operation, MPI_ERR_OTHER, what);
}

void ThrowInvalidArgument(Napi::Env env, const std::string& message) {
  AddonData& data = Data(env);
  if (!data.invalidArgument.IsEmpty()) {
    throw Napi::Error(env, data.invalidArgument.New({Napi::String::New(env, message)}));
  }
  Napi::Error error = Napi::TypeError::New(env, message);
  error.Set("code", Napi::String::New(env, "INVALID_ARGUMENT"));
  throw error;
}

void RequireInitialized(Napi::Env env, const char* operation) {
  switch (State().phase) {
    case Phase::Initialized:
      return;
    case Phase::Uninitialized:
      ThrowMpiState(env, operation, "MPI is not initialized: call init() first");
    case Phase::Finalized:
      ThrowMpiState(env, operation, "MPI is finalized: no MPI call is allowed after finalize()");
  }
  ThrowMpiState(env, operation, "MPI is in an unknown state");
}

void RequireInStep(Napi::Env env, const char* operation) {
  RequireInitialized(env, operation);
  if (State().outOfStep) {
    ThrowMpiState(env, operation,
                  "an earlier wait timed out and its MPI operations are still pending, so the ranks are out "
                  "of step: end the job (withMpi aborts it)");
  }
}

}  // namespace pa_mpi
