#include "windows.h"

#include <algorithm>
#include <climits>
#include <cmath>
#include <string>

#include "buffers.h"
#include "state.h"

namespace pa_mpi {

namespace {

// Windows alive in this process, oldest first (FreeAllWindows frees them in that order, which is
// the same on every rank because creation is collective).
std::vector<RmaWindow*>& Live() {
  static std::vector<RmaWindow*> live;
  return live;
}

// Set while CreateWindow / CreateSharedMemory construct the object, so `new` from JS is refused.
bool constructing = false;

// A new RmaWindow object (the C++ constructor runs inside).
Napi::Object NewWindow(Napi::Env env) {
  constructing = true;
  try {
    Napi::Object object = Data(env).windowClass.New({});
    constructing = false;
    return object;
  } catch (...) {
    constructing = false;
    throw;
  }
}

size_t GetLength(const Napi::Value& value, const char* op) {
  double x = value.IsNumber() ? value.As<Napi::Number>().DoubleValue() : NAN;
  if (!std::isfinite(x) || x < 0 || std::floor(x) != x || x > 9007199254740991.0) {
    ThrowInvalidArgument(value.Env(), std::string(op) + ": length must be a non-negative safe integer");
  }
  if (x * 8 > static_cast<double>(PTRDIFF_MAX)) {
    ThrowInvalidArgument(value.Env(), std::string(op) + ": length does not fit in memory");
  }
  return static_cast<size_t>(x);
}

}  // namespace

Napi::Function RmaWindow::Define(Napi::Env env) {
  return DefineClass(env, "RmaWindow",
                     {InstanceMethod<&RmaWindow::Get>("get"),
                      InstanceMethod<&RmaWindow::Put>("put"),
                      InstanceMethod<&RmaWindow::Accumulate>("accumulate"),
                      InstanceMethod<&RmaWindow::Sync>("sync"),
                      InstanceMethod<&RmaWindow::Free>("free"),
                      InstanceAccessor<&RmaWindow::Memory>("memory"),
                      InstanceAccessor<&RmaWindow::Sharers>("sharers")});
}

RmaWindow::RmaWindow(const Napi::CallbackInfo& info) : Napi::ObjectWrap<RmaWindow>(info) {
  if (!constructing) {
    ThrowInvalidArgument(info.Env(), "RmaWindow: made by createWindow or createSharedMemory only");
  }
}

RmaWindow::~RmaWindow() {
  // Freeing is collective, so it cannot happen here, during garbage collection on one rank only.
  // The backend keeps every window it made reachable until it frees it, so this runs for freed
  // windows; one made directly through the addon and dropped alive is left to MPI_Finalize.
  auto& live = Live();
  live.erase(std::remove(live.begin(), live.end(), this), live.end());
}

void RmaWindow::Expose(Napi::Env env, void* base, size_t length) {
  Napi::ArrayBuffer buffer = length == 0 || base == nullptr
                                 ? Napi::ArrayBuffer::New(env, 0)
                                 : Napi::ArrayBuffer::New(env, base, length * sizeof(double));
  Napi::Float64Array memory = Napi::Float64Array::New(env, length == 0 || base == nullptr ? 0 : length, buffer, 0);
  buffer_ = Napi::Persistent(buffer);
  memory_ = Napi::Persistent(memory);
}

void RmaWindow::Allocate(Napi::Env env, size_t length, std::vector<double> lengths) {
  const MpiState& mpi = State();
  void* base = nullptr;
  MPI_Info info;
  Check(env, "MPI_Info_create", MPI_Info_create(&info));
  // Accumulates need no ordering among themselves: lets the implementation pick a faster path.
  int rc = MPI_Info_set(info, "accumulate_ordering", "none");
  if (rc == MPI_SUCCESS) rc = MPI_Win_allocate(static_cast<MPI_Aint>(length * sizeof(double)), sizeof(double), info, mpi.comm,
                            &base, &win_);
  MPI_Info_free(&info);
  Check(env, "MPI_Win_allocate", rc);
  alive_ = true;
  Live().push_back(this);
  Check(env, "MPI_Win_set_errhandler", MPI_Win_set_errhandler(win_, MPI_ERRORS_RETURN));
  Check(env, "MPI_Win_lock_all", MPI_Win_lock_all(MPI_MODE_NOCHECK, win_));
  std::fill_n(static_cast<double*>(base), length, 0.0);
  lengths_ = std::move(lengths);
  Expose(env, base, length);
}

void RmaWindow::AllocateShared(Napi::Env env, size_t length) {
  const MpiState& mpi = State();
  Check(env, "MPI_Comm_split_type",
        MPI_Comm_split_type(mpi.comm, MPI_COMM_TYPE_SHARED, mpi.rank, MPI_INFO_NULL, &nodeComm_));
  Check(env, "MPI_Comm_set_errhandler", MPI_Comm_set_errhandler(nodeComm_, MPI_ERRORS_RETURN));
  int nodeRank = 0, nodeSize = 1;
  Check(env, "MPI_Comm_rank", MPI_Comm_rank(nodeComm_, &nodeRank));
  Check(env, "MPI_Comm_size", MPI_Comm_size(nodeComm_, &nodeSize));
  void* mine = nullptr;
  const MPI_Aint bytes = nodeRank == 0 ? static_cast<MPI_Aint>(length * sizeof(double)) : 0;
  Check(env, "MPI_Win_allocate_shared",
        MPI_Win_allocate_shared(bytes, sizeof(double), MPI_INFO_NULL, nodeComm_, &mine, &win_));
  alive_ = true;
  Live().push_back(this);
  Check(env, "MPI_Win_set_errhandler", MPI_Win_set_errhandler(win_, MPI_ERRORS_RETURN));
  MPI_Aint size = 0;
  int unit = 0;
  void* base = nullptr;
  Check(env, "MPI_Win_shared_query", MPI_Win_shared_query(win_, 0, &size, &unit, &base));
  Check(env, "MPI_Win_lock_all", MPI_Win_lock_all(MPI_MODE_NOCHECK, win_));
  if (nodeRank == 0) std::fill_n(static_cast<double*>(base), length, 0.0);
  // The zeros above are visible to every rank of the node once its creator is known to be done:
  // the JS side's barrier after creation (a sync, a header collective, a sync) orders them.
  MPI_Group node, world;
  Check(env, "MPI_Comm_group", MPI_Comm_group(nodeComm_, &node));
  Check(env, "MPI_Comm_group", MPI_Comm_group(mpi.comm, &world));
  std::vector<int> nodeRanks(nodeSize);
  for (int i = 0; i < nodeSize; i++) nodeRanks[i] = i;
  sharers_.assign(nodeSize, 0);
  int rc = MPI_Group_translate_ranks(node, nodeSize, nodeRanks.data(), world, sharers_.data());
  MPI_Group_free(&node);
  MPI_Group_free(&world);
  Check(env, "MPI_Group_translate_ranks", rc);
  std::sort(sharers_.begin(), sharers_.end());
  Expose(env, base, length);
}

void RmaWindow::RequireAlive(Napi::Env env, const char* operation) {
  RequireInStep(env, operation);
  if (!alive_) ThrowInvalidArgument(env, std::string(operation) + ": the window was freed");
}

void RmaWindow::Move(const Napi::CallbackInfo& info, Op op, const char* name) {
  Napi::Env env = info.Env();
  RequireAlive(env, name);
  if (nodeComm_ != MPI_COMM_NULL) {
    ThrowInvalidArgument(env, std::string(name) + ": shared memory is read and written directly, not through one-sided calls");
  }
  const int size = State().size;
  int target = GetInt(info[0], 0, size - 1, name, "target");
  Buffer starts = GetBufferOf(info[1], napi_float64_array, name, "starts");
  Buffer counts = GetBufferOf(info[2], napi_float64_array, name, "counts");
  Buffer data = GetBufferOf(info[3], napi_float64_array, name, "data");
  if (starts.length != counts.length) ThrowInvalidArgument(env, std::string(name) + ": starts and counts differ in length");
  const double* s = static_cast<const double*>(starts.data);
  const double* c = static_cast<const double*>(counts.data);
  const double limit = lengths_[static_cast<size_t>(target)];
  blocks_.clear();
  displs_.clear();
  double total = 0;
  for (size_t k = 0; k < starts.length; k++) {
    if (!(s[k] >= 0) || !(c[k] >= 0) || std::floor(s[k]) != s[k] || std::floor(c[k]) != c[k] ||
        s[k] + c[k] > limit || c[k] > INT_MAX) {
      ThrowInvalidArgument(env, std::string(name) + ": run " + std::to_string(k) +
                                    " is not inside the target's memory (or longer than 2^31-1)");
    }
    total += c[k];
    if (c[k] == 0) continue;
    blocks_.push_back(static_cast<int>(c[k]));
    displs_.push_back(static_cast<MPI_Aint>(s[k]) * static_cast<MPI_Aint>(sizeof(double)));
  }
  if (total != static_cast<double>(data.length)) {
    ThrowInvalidArgument(env, std::string(name) + ": data length differs from the runs' total");
  }
  if (blocks_.empty()) return;
  int count = CountOf(env, data.length, name, "data");
  MPI_Aint disp = 0;
  MPI_Datatype targetType = MPI_DOUBLE;
  int targetCount = count;
  bool derived = blocks_.size() > 1;
  if (derived) {
    Check(env, "MPI_Type_create_hindexed",
          MPI_Type_create_hindexed(static_cast<int>(blocks_.size()), blocks_.data(), displs_.data(), MPI_DOUBLE,
                                   &targetType));
    int rc = MPI_Type_commit(&targetType);
    if (rc != MPI_SUCCESS) {
      MPI_Type_free(&targetType);
      ThrowMpiError(env, "MPI_Type_commit", rc);
    }
    targetCount = 1;
  } else {
    disp = displs_[0] / static_cast<MPI_Aint>(sizeof(double));  // in units of disp_unit (8 bytes)
  }
  int rc = MPI_SUCCESS;
  const char* call = "MPI_Get";
  switch (op) {
    case Op::Get:
      rc = MPI_Get(data.data, count, MPI_DOUBLE, target, disp, targetCount, targetType, win_);
      break;
    case Op::Put:
      call = "MPI_Put";
      rc = MPI_Put(data.data, count, MPI_DOUBLE, target, disp, targetCount, targetType, win_);
      break;
    case Op::Accumulate:
      call = "MPI_Accumulate";
      rc = MPI_Accumulate(data.data, count, MPI_DOUBLE, target, disp, targetCount, targetType, MPI_SUM, win_);
      break;
  }
  if (rc == MPI_SUCCESS) {
    call = "MPI_Win_flush";
    rc = MPI_Win_flush(target, win_);
  }
  if (derived) MPI_Type_free(&targetType);
  Check(env, call, rc);
}

// get(target, starts, counts, out): the runs of target's memory into out (Float64Arrays).
Napi::Value RmaWindow::Get(const Napi::CallbackInfo& info) {
  Move(info, Op::Get, "Window.get");
  return info.Env().Undefined();
}

// put(target, starts, counts, values): values into the runs of target's memory.
Napi::Value RmaWindow::Put(const Napi::CallbackInfo& info) {
  Move(info, Op::Put, "Window.put");
  return info.Env().Undefined();
}

// accumulate(target, starts, counts, values): element-wise MPI_SUM into the runs.
Napi::Value RmaWindow::Accumulate(const Napi::CallbackInfo& info) {
  Move(info, Op::Accumulate, "Window.accumulate");
  return info.Env().Undefined();
}

// sync(): MPI_Win_sync, a memory barrier between this rank's view and the window's memory.
Napi::Value RmaWindow::Sync(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  RequireAlive(env, "Window.sync");
  Check(env, "MPI_Win_sync", MPI_Win_sync(win_));
  return env.Undefined();
}

// free(): ends the epoch, detaches the JS memory and frees the window (collective, blocking).
Napi::Value RmaWindow::Free(const Napi::CallbackInfo& info) {
  Release(info.Env());
  return info.Env().Undefined();
}

void RmaWindow::Release(Napi::Env env) {
  RequireAlive(env, "Window.free");
  alive_ = false;
  auto& live = Live();
  live.erase(std::remove(live.begin(), live.end(), this), live.end());
  if (!buffer_.IsEmpty()) {
    Napi::ArrayBuffer buffer = buffer_.Value();
    if (buffer.ByteLength() > 0) buffer.Detach();
  }
  Check(env, "MPI_Win_unlock_all", MPI_Win_unlock_all(win_));
  Check(env, "MPI_Win_free", MPI_Win_free(&win_));
  if (nodeComm_ != MPI_COMM_NULL) Check(env, "MPI_Comm_free", MPI_Comm_free(&nodeComm_));
}

Napi::Value RmaWindow::Memory(const Napi::CallbackInfo& info) {
  return memory_.IsEmpty() ? info.Env().Undefined() : memory_.Value();
}

Napi::Value RmaWindow::Sharers(const Napi::CallbackInfo& info) {
  Napi::Int32Array out = Napi::Int32Array::New(info.Env(), sharers_.size());
  std::copy(sharers_.begin(), sharers_.end(), out.Data());
  return out;
}

Napi::Value CreateWindow(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  RequireInStep(env, "createWindow");
  size_t length = GetLength(info[0], "createWindow");
  Buffer lengths = GetBufferOf(info[1], napi_float64_array, "createWindow", "lengths");
  if (lengths.length != static_cast<size_t>(State().size)) {
    ThrowInvalidArgument(env, "createWindow: lengths must have one entry per rank");
  }
  const double* l = static_cast<const double*>(lengths.data);
  Napi::Object object = NewWindow(env);
  RmaWindow::Unwrap(object)->Allocate(env, length, std::vector<double>(l, l + lengths.length));
  return object;
}

Napi::Value CreateSharedMemory(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  RequireInStep(env, "createSharedMemory");
  size_t length = GetLength(info[0], "createSharedMemory");
  Napi::Object object = NewWindow(env);
  RmaWindow::Unwrap(object)->AllocateShared(env, length);
  return object;
}

void FreeAllWindows(Napi::Env env) {
  auto live = Live();  // a copy: Release edits the list
  for (RmaWindow* window : live) window->Release(env);
}

}  // namespace pa_mpi
