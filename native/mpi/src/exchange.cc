#include "exchange.h"

#include <algorithm>
#include <string>

#include "buffers.h"
#include "state.h"
#include "waiting.h"

namespace pa_mpi {

namespace {

// Copies a neighbour list and its CSR offsets, checking ranks and that every segment fits.
void ReadPlan(const Napi::Value& ranksValue, const Napi::Value& ptrsValue, size_t bufferLength,
              const char* side, std::vector<int>& ranks, std::vector<int>& ptrs) {
  Napi::Env env = ranksValue.Env();
  const std::string op = "createExchange";
  const std::string ranksName = side;
  const std::string ptrsName = ranksName + "Ptrs";
  Buffer r = GetBufferOf(ranksValue, napi_int32_array, op.c_str(), ranksName.c_str());
  Buffer p = GetBufferOf(ptrsValue, napi_int32_array, op.c_str(), ptrsName.c_str());
  if (p.length != r.length + 1) {
    ThrowInvalidArgument(env, op + ": " + ptrsName + " must have " + ranksName + ".length + 1 = " +
                                  std::to_string(r.length + 1) + " entries, got " +
                                  std::to_string(p.length));
  }
  const int32_t* rv = static_cast<const int32_t*>(r.data);
  const int32_t* pv = static_cast<const int32_t*>(p.data);
  const int size = State().size;
  for (size_t k = 0; k < r.length; k++) {
    if (rv[k] < 0 || rv[k] >= size) {
      ThrowInvalidArgument(env, op + ": " + ranksName + "[" + std::to_string(k) + "] = " +
                                    std::to_string(rv[k]) + " is not a rank in 0.." +
                                    std::to_string(size - 1));
    }
  }
  if (pv[0] < 0 || static_cast<size_t>(pv[r.length]) > bufferLength) {
    ThrowInvalidArgument(env, op + ": " + ptrsName + " spans " + std::to_string(pv[0]) + ".." +
                                  std::to_string(pv[r.length]) + ", outside the " + side +
                                  " buffer of " + std::to_string(bufferLength) + " elements");
  }
  for (size_t k = 0; k < r.length; k++) {
    if (pv[k + 1] < pv[k]) {
      ThrowInvalidArgument(env, op + ": " + ptrsName + " must be non-decreasing, but entry " +
                                    std::to_string(k + 1) + " is " + std::to_string(pv[k + 1]) +
                                    " after " + std::to_string(pv[k]));
    }
  }
  ranks.assign(rv, rv + r.length);
  ptrs.assign(pv, pv + p.length);
}

}  // namespace

Napi::Function Exchange::Define(Napi::Env env) {
  return DefineClass(env, "Exchange",
                     {InstanceMethod<&Exchange::Start>("start"),
                      InstanceMethod<&Exchange::Wait>("wait"),
                      InstanceAccessor<&Exchange::IsActive>("active")});
}

Exchange::Exchange(const Napi::CallbackInfo& info) : Napi::ObjectWrap<Exchange>(info) {
  Napi::Env env = info.Env();
  RequireInitialized(env, "createExchange");
  Buffer send = GetBuffer(info[2], "createExchange", "send");
  Buffer recv = GetBuffer(info[5], "createExchange", "recv");
  if (recv.type != send.type) {
    ThrowInvalidArgument(env, std::string("createExchange: send and recv must have the same type, got ") +
                                  TypeName(send.type) + " and " + TypeName(recv.type));
  }
  ReadPlan(info[0], info[1], send.length, "snd", sndRanks_, sndPtrs_);
  ReadPlan(info[3], info[4], recv.length, "rcv", rcvRanks_, rcvPtrs_);
  tag_ = GetInt(info[6], 0, State().tagUpperBound, "createExchange", "tag");
  kind_ = GetInt(info[7], 0, 255, "createExchange", "kind");
  send_ = Napi::Persistent(info[2].As<Napi::Object>());
  recv_ = Napi::Persistent(info[5].As<Napi::Object>());
  sendLength_ = send.length;
  recvLength_ = recv.length;
  elementSize_ = ElementSize(send.type);
  type_ = MpiType(send.type);
  requests_.assign(sndRanks_.size() + rcvRanks_.size(), MPI_REQUEST_NULL);
  peers_ = rcvRanks_;
  peers_.insert(peers_.end(), sndRanks_.begin(), sndRanks_.end());
}

void* Exchange::DataOf(Napi::ObjectReference& ref, size_t length, const char* what) {
  Buffer buffer = GetBuffer(ref.Value(), "exchange start", what);
  if (buffer.length != length) {
    ThrowInvalidArgument(Env(), std::string("exchange start: the ") + what + " buffer had " +
                                    std::to_string(length) + " elements and now has " +
                                    std::to_string(buffer.length) + " (detached?)");
  }
  return buffer.data;
}

Napi::Value Exchange::Start(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  RequireInStep(env, "exchange start");
  if (active_) {
    ThrowInvalidArgument(env, "exchange start: the previous transfer is still in flight (call wait() first)");
  }
  char* send = static_cast<char*>(DataOf(send_, sendLength_, "send"));
  char* recv = static_cast<char*>(DataOf(recv_, recvLength_, "recv"));
  const MPI_Comm comm = State().comm;
  std::fill(requests_.begin(), requests_.end(), MPI_REQUEST_NULL);
  active_ = true;
  Ref();
  const size_t nRcv = rcvRanks_.size();
  for (size_t k = 0; k < nRcv; k++) {
    Check(env, "MPI_Irecv",
          MPI_Irecv(recv + rcvPtrs_[k] * elementSize_, rcvPtrs_[k + 1] - rcvPtrs_[k], type_,
                    rcvRanks_[k], tag_, comm, &requests_[k]));
  }
  for (size_t k = 0; k < sndRanks_.size(); k++) {
    Check(env, "MPI_Isend",
          MPI_Isend(send + sndPtrs_[k] * elementSize_, sndPtrs_[k + 1] - sndPtrs_[k], type_,
                    sndRanks_[k], tag_, comm, &requests_[nRcv + k]));
  }
  return env.Undefined();
}

Napi::Value Exchange::Wait(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!active_) return env.Undefined();
  RequireInStep(env, "exchange wait");
  // On failure or timeout the object stays referenced: MPI may still own its buffers.
  Await(env, "MPI_Testall", kind_, static_cast<int>(requests_.size()), requests_.data(), peers_.data());
  active_ = false;
  Unref();
  return env.Undefined();
}

Napi::Value Exchange::IsActive(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), active_);
}

Napi::Value CreateExchange(const Napi::CallbackInfo& info) {
  std::vector<napi_value> args(info.Length());
  for (size_t i = 0; i < info.Length(); i++) args[i] = info[i];
  return Data(info.Env()).exchangeClass.New(args);
}

}  // namespace pa_mpi
