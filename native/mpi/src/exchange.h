// A reusable neighbour exchange: per-neighbour segments of one flat send buffer go to other ranks,
// segments of one flat receive buffer come from them. The neighbour lists and offsets are copied
// and validated once; the request arrays are allocated once; start() posts every MPI_Irecv, then
// every MPI_Isend, and wait() completes them all (a test loop with the addon's deadline, waiting.h). While a transfer is in flight the object keeps
// itself (and so its buffers) alive, so garbage collection can never free memory MPI writes to.
#pragma once

#include <mpi.h>
#include <napi.h>

#include <vector>

namespace pa_mpi {

class Exchange : public Napi::ObjectWrap<Exchange> {
 public:
  static Napi::Function Define(Napi::Env env);
  // new Exchange(snd, sndPtrs, send, rcv, rcvPtrs, recv, tag, kind)
  explicit Exchange(const Napi::CallbackInfo& info);

 private:
  Napi::Value Start(const Napi::CallbackInfo& info);
  Napi::Value Wait(const Napi::CallbackInfo& info);
  Napi::Value IsActive(const Napi::CallbackInfo& info);
  // The buffer's data pointer now (it must still have the length it had at construction).
  void* DataOf(Napi::ObjectReference& ref, size_t length, const char* what);

  std::vector<int> sndRanks_, sndPtrs_, rcvRanks_, rcvPtrs_;
  Napi::ObjectReference send_, recv_;
  size_t sendLength_ = 0, recvLength_ = 0, elementSize_ = 1;
  MPI_Datatype type_ = MPI_BYTE;
  int tag_ = 0;
  int kind_ = 0;  // what a rank waiting in wait() tells the ranks that time out and ask
  bool active_ = false;
  std::vector<MPI_Request> requests_;
  std::vector<int> peers_;  // the rank of each request: receives first, then sends
};

// createExchange(snd, sndPtrs, send, rcv, rcvPtrs, recv, tag, kind): a new Exchange.
Napi::Value CreateExchange(const Napi::CallbackInfo& info);

}  // namespace pa_mpi
