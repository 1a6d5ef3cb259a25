// One-sided memory: RMA windows (MPI_Win_allocate) and node-shared memory (MPI_Comm_split_type +
// MPI_Win_allocate_shared). Each window keeps one passive-target epoch open on every rank for its
// whole life (MPI_Win_lock_all with MPI_MODE_NOCHECK), so get/put/accumulate are MPI_Get/MPI_Put/
// MPI_Accumulate followed by MPI_Win_flush (complete at the target on return, the target takes
// no part), and MPI_Win_sync (a memory barrier between the window's copies) is legal at any time.
// The memory is handed to JavaScript as an external ArrayBuffer, detached when the window is
// freed (so a view kept after free reads as empty instead of reading freed memory).
// Creation and free are blocking MPI collectives: the JS side first meets every rank in a header
// collective with a deadline, so no rank enters them alone.
#pragma once

#include <mpi.h>
#include <napi.h>

#include <vector>

namespace pa_mpi {

class RmaWindow : public Napi::ObjectWrap<RmaWindow> {
 public:
  static Napi::Function Define(Napi::Env env);
  // Made by CreateWindow / CreateSharedMemory only (a JS `new` without them throws).
  explicit RmaWindow(const Napi::CallbackInfo& info);
  ~RmaWindow() override;

  // Sets up a window of `length` float64 on this rank; `lengths` (one per rank) bounds the runs.
  void Allocate(Napi::Env env, size_t length, std::vector<double> lengths);
  // Sets up node-shared memory of `length` float64.
  void AllocateShared(Napi::Env env, size_t length);
  // Ends the epoch, detaches the JS memory, frees the window (collective, blocking).
  void Release(Napi::Env env);

 private:
  Napi::Value Get(const Napi::CallbackInfo& info);
  Napi::Value Put(const Napi::CallbackInfo& info);
  Napi::Value Accumulate(const Napi::CallbackInfo& info);
  Napi::Value Sync(const Napi::CallbackInfo& info);
  Napi::Value Free(const Napi::CallbackInfo& info);
  Napi::Value Memory(const Napi::CallbackInfo& info);
  Napi::Value Sharers(const Napi::CallbackInfo& info);

  enum class Op { Get, Put, Accumulate };
  // Checks the arguments (target, runs inside the target's memory, data length), then moves the
  // runs in one MPI call (an hindexed target datatype when there are several) and flushes.
  void Move(const Napi::CallbackInfo& info, Op op, const char* name);
  void RequireAlive(Napi::Env env, const char* operation);
  // Exposes `length` float64 at `base` to JS as this window's memory.
  void Expose(Napi::Env env, void* base, size_t length);

  MPI_Win win_ = MPI_WIN_NULL;
  MPI_Comm nodeComm_ = MPI_COMM_NULL;  // shared memory only
  bool alive_ = false;
  std::vector<double> lengths_;  // float64 values every rank exposes (shared: ranks of the node)
  std::vector<int> sharers_;     // shared memory only: world ranks of the node, ascending
  Napi::Reference<Napi::ArrayBuffer> buffer_;
  Napi::Reference<Napi::Float64Array> memory_;
  std::vector<int> blocks_;       // scratch of Move: run lengths
  std::vector<MPI_Aint> displs_;  // scratch of Move: run offsets in bytes
};

// createWindow(length, lengths): a new RmaWindow (collective, blocking).
Napi::Value CreateWindow(const Napi::CallbackInfo& info);
// createSharedMemory(length): a new RmaWindow over node-shared memory (collective, blocking).
Napi::Value CreateSharedMemory(const Napi::CallbackInfo& info);
// Frees every window still alive, oldest first (collective; finalize calls it).
void FreeAllWindows(Napi::Env env);

}  // namespace pa_mpi
