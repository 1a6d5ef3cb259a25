// pa_mpi: a thin Node-API binding of the MPI calls the partitioned-arrays MPI backend needs.
// Life cycle here; collectives in collectives.cc; neighbour exchanges in exchange.cc; one-sided
// windows and node-shared memory in windows.cc.
// The TypeScript description of every export is src/backends/mpi/binding.ts.
#include <dlfcn.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <string>

#include "affinity.h"
#include "buffers.h"
#include "collectives.h"
#include "exchange.h"
#include "state.h"
#include "waiting.h"
#include "windows.h"

namespace pa_mpi {

namespace {

const char* ThreadLevelName(int level) {
  switch (level) {
    case MPI_THREAD_SINGLE: return "single";
    case MPI_THREAD_FUNNELED: return "funneled";
    case MPI_THREAD_SERIALIZED: return "serialized";
    case MPI_THREAD_MULTIPLE: return "multiple";
  }
  return "unknown";
}

// Node loads addons with RTLD_LOCAL, which hides libmpi's symbols from the plugins Open MPI
// dlopens during MPI_Init (they then fail to load). Re-opening the already loaded libmpi with
// RTLD_GLOBAL|RTLD_NOLOAD promotes its symbols to global scope; the handle is kept for good.
void ReopenLibmpiGlobal(Napi::Env env) {
  Dl_info where;
  if (dladdr(reinterpret_cast<void*>(&MPI_Init), &where) == 0 || where.dli_fname == nullptr) {
    ThrowMpiState(env, "init", "could not locate the loaded libmpi (dladdr failed)");
  }
  if (dlopen(where.dli_fname, RTLD_NOW | RTLD_GLOBAL | RTLD_NOLOAD) == nullptr) {
    const char* why = dlerror();
    ThrowMpiState(env, "init", std::string("could not re-open ") + where.dli_fname +
                                   " with RTLD_GLOBAL: " + (why == nullptr ? "unknown error" : why));
  }
}

// Number of ranks of `comm` on this node (the ranks that share its memory, hence its cores).
int RanksOnThisNode(Napi::Env env, MPI_Comm comm, int rank) {
  MPI_Comm node = MPI_COMM_NULL;
  Check(env, "MPI_Comm_split_type", MPI_Comm_split_type(comm, MPI_COMM_TYPE_SHARED, rank, MPI_INFO_NULL, &node));
  int size = 0;
  Check(env, "MPI_Comm_size", MPI_Comm_size(node, &size));
  Check(env, "MPI_Comm_free", MPI_Comm_free(&node));
  return size;
}

// init(threadLevel): MPI_Init_thread, then a duplicate of MPI_COMM_WORLD whose errors are
// returned (not fatal), then Open MPI's default one-core binding released (affinity.h). Returns
// { rank, size, threadLevel (the level MPI provides), releasedThreads }.
Napi::Value Init(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  MpiState& mpi = State();
  if (mpi.phase == Phase::Initialized) ThrowMpiState(env, "init", "MPI is already initialized");
  if (mpi.phase == Phase::Finalized) {
    ThrowMpiState(env, "init", "MPI was finalized and cannot be initialized again");
  }
  std::string name = info[0].IsString() ? info[0].As<Napi::String>().Utf8Value() : "";
  int required = name == "single"       ? MPI_THREAD_SINGLE
                 : name == "funneled"   ? MPI_THREAD_FUNNELED
                 : name == "serialized" ? MPI_THREAD_SERIALIZED
                 : name == "multiple"   ? MPI_THREAD_MULTIPLE
                                        : -1;
  if (required < 0) {
    ThrowInvalidArgument(env, "init: threadLevel must be 'single', 'funneled', 'serialized' or 'multiple'");
  }
  int already = 0;
  MPI_Initialized(&already);
  if (already) {
    ThrowMpiState(env, "init", "MPI was initialized outside this addon, which must own its life cycle");
  }
  ReopenLibmpiGlobal(env);
  int provided = MPI_THREAD_SINGLE;
  Check(env, "MPI_Init_thread", MPI_Init_thread(nullptr, nullptr, required, &provided));
  mpi.phase = Phase::Initialized;
  Check(env, "MPI_Comm_set_errhandler", MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN));
  Check(env, "MPI_Comm_dup", MPI_Comm_dup(MPI_COMM_WORLD, &mpi.comm));
  Check(env, "MPI_Comm_set_errhandler", MPI_Comm_set_errhandler(mpi.comm, MPI_ERRORS_RETURN));
  Check(env, "MPI_Comm_dup", MPI_Comm_dup(MPI_COMM_WORLD, &mpi.diagnosisComm));
  Check(env, "MPI_Comm_set_errhandler", MPI_Comm_set_errhandler(mpi.diagnosisComm, MPI_ERRORS_RETURN));
  Check(env, "MPI_Comm_dup", MPI_Comm_dup(MPI_COMM_WORLD, &mpi.headerComm));
  Check(env, "MPI_Comm_set_errhandler", MPI_Comm_set_errhandler(mpi.headerComm, MPI_ERRORS_RETURN));
  Check(env, "MPI_Comm_rank", MPI_Comm_rank(mpi.comm, &mpi.rank));
  Check(env, "MPI_Comm_size", MPI_Comm_size(mpi.comm, &mpi.size));
  int* tagUpperBound = nullptr;
  int found = 0;
  Check(env, "MPI_Comm_get_attr", MPI_Comm_get_attr(MPI_COMM_WORLD, MPI_TAG_UB, &tagUpperBound, &found));
  if (found && tagUpperBound != nullptr) mpi.tagUpperBound = *tagUpperBound;
  int ranksOnNode = RanksOnThisNode(env, mpi.comm, mpi.rank);
  mpi.oversubscribed = ranksOnNode > sysconf(_SC_NPROCESSORS_ONLN);
  // After MPI_Init, so that the threads it started are widened too.
  int released = ReleaseDefaultBinding(ranksOnNode);
  Napi::Object result = Napi::Object::New(env);
  result.Set("rank", mpi.rank);
  result.Set("size", mpi.size);
  result.Set("threadLevel", ThreadLevelName(provided));
  result.Set("releasedThreads", released);
  return result;
}

// finalize(): frees the communicators and calls MPI_Finalize; afterwards every call throws.
// Refused after a timed-out wait: MPI_Finalize would wait for the pending operations forever.
Napi::Value Finalize(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  RequireInStep(env, "finalize");
  MpiState& mpi = State();
  ReleaseDiagnosis(env);
  FreeAllWindows(env);
  Check(env, "MPI_Comm_free", MPI_Comm_free(&mpi.diagnosisComm));
  Check(env, "MPI_Comm_free", MPI_Comm_free(&mpi.headerComm));
  Check(env, "MPI_Comm_free", MPI_Comm_free(&mpi.comm));
  mpi.phase = Phase::Finalized;
  int rc = MPI_Finalize();
  if (rc != MPI_SUCCESS) {
    ThrowMpiState(env, "MPI_Finalize", "failed with error code " + std::to_string(rc));
  }
  return env.Undefined();
}

// abort(code): MPI_Abort on MPI_COMM_WORLD; never returns.
Napi::Value Abort(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int code = GetInt(info[0], 0, 255, "abort", "code");
  RequireInitialized(env, "abort");
  MPI_Abort(MPI_COMM_WORLD, code);
  std::_Exit(code);  // MPI_Abort returned: make sure this rank still ends
}

Napi::Value IsInitialized(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), State().phase == Phase::Initialized);
}

Napi::Value IsFinalized(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), State().phase == Phase::Finalized);
}

Napi::Value Rank(const Napi::CallbackInfo& info) {
  RequireInitialized(info.Env(), "rank");
  return Napi::Number::New(info.Env(), State().rank);
}

Napi::Value Size(const Napi::CallbackInfo& info) {
  RequireInitialized(info.Env(), "size");
  return Napi::Number::New(info.Env(), State().size);
}

Napi::Value Wtime(const Napi::CallbackInfo& info) {
  RequireInitialized(info.Env(), "wtime");
  return Napi::Number::New(info.Env(), MPI_Wtime());
}

// setErrorClasses({ MpiError, InvalidArgumentError, timeoutError }): the constructors errors are
// thrown with, and the function that makes the error of a timed-out wait from its report.
Napi::Value SetErrorClasses(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto get = [&](const char* name) {
    return info[0].IsObject() ? info[0].As<Napi::Object>().Get(name) : env.Undefined();
  };
  Napi::Value mpiError = get("MpiError");
  Napi::Value invalid = get("InvalidArgumentError");
  Napi::Value timeout = get("timeoutError");
  if (!mpiError.IsFunction() || !invalid.IsFunction() || !timeout.IsFunction()) {
    throw Napi::TypeError::New(
        env, "setErrorClasses: expected { MpiError, InvalidArgumentError, timeoutError } functions");
  }
  AddonData& data = Data(env);
  data.mpiError = Napi::Persistent(mpiError.As<Napi::Function>());
  data.invalidArgument = Napi::Persistent(invalid.As<Napi::Function>());
  data.timeoutError = Napi::Persistent(timeout.As<Napi::Function>());
  return env.Undefined();
}

// setCollectiveTimeout(ms): the deadline of every later blocking wait, in milliseconds (> 0).
Napi::Value SetCollectiveTimeout(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  double ms = info[0].IsNumber() ? info[0].As<Napi::Number>().DoubleValue() : NAN;
  if (!(ms > 0) || !std::isfinite(ms)) {
    ThrowInvalidArgument(env, "setCollectiveTimeout: ms must be a positive finite number of milliseconds, got " +
                                  (info[0].IsNumber() ? info[0].ToString().Utf8Value() : std::string("a non-number")));
  }
  State().timeoutMs = ms;
  return env.Undefined();
}

template <Napi::Value (*F)(const Napi::CallbackInfo&)>
void Export(Napi::Env env, Napi::Object exports, const char* name) {
  exports.Set(name, Napi::Function::New<F>(env, name));
}

Napi::Object InitModule(Napi::Env env, Napi::Object exports) {
  AddonData* data = new AddonData();
  env.SetInstanceData(data);
  data->exchangeClass = Napi::Persistent(Exchange::Define(env));
  data->windowClass = Napi::Persistent(RmaWindow::Define(env));
  Export<SetErrorClasses>(env, exports, "setErrorClasses");
  Export<Init>(env, exports, "init");
  Export<Finalize>(env, exports, "finalize");
  Export<Abort>(env, exports, "abort");
  Export<IsInitialized>(env, exports, "isInitialized");
  Export<IsFinalized>(env, exports, "isFinalized");
  Export<Rank>(env, exports, "rank");
  Export<Size>(env, exports, "size");
  Export<Wtime>(env, exports, "wtime");
  Export<SetCollectiveTimeout>(env, exports, "setCollectiveTimeout");
  Export<Barrier>(env, exports, "barrier");
  Export<Bcast>(env, exports, "bcast");
  Export<Gather>(env, exports, "gather");
  Export<Allgather>(env, exports, "allgather");
  Export<Scatter>(env, exports, "scatter");
  Export<Gatherv>(env, exports, "gatherv");
  Export<Allgatherv>(env, exports, "allgatherv");
  Export<Scatterv>(env, exports, "scatterv");
  Export<Allreduce>(env, exports, "allreduce");
  Export<Meet>(env, exports, "meet");
  Export<Alltoall>(env, exports, "alltoall");
  Export<Alltoallv>(env, exports, "alltoallv");
  Export<CreateExchange>(env, exports, "createExchange");
  Export<CreateWindow>(env, exports, "createWindow");
  Export<CreateSharedMemory>(env, exports, "createSharedMemory");
  return exports;
}

}  // namespace

}  // namespace pa_mpi

static Napi::Object InitAddon(Napi::Env env, Napi::Object exports) {
  return pa_mpi::InitModule(env, exports);
}

NODE_API_MODULE(pa_mpi, InitAddon)
