#include "collectives.h"

#include <cstdint>
#include <string>

#include "buffers.h"
#include "state.h"

namespace pa_mpi {

namespace {

int Root(const Napi::Value& value, const char* op) {
  return GetInt(value, 0, State().size - 1, op, "root");
}

// `other` must have the type of `reference` and `length` elements.
void CheckShape(Napi::Env env, const char* op, const char* what, const Buffer& other,
                const Buffer& reference, size_t length, const char* why) {
  if (other.type != reference.type || other.length != length) {
    ThrowInvalidArgument(env, std::string(op) + ": " + what + " must be " +
                                  WithArticle(reference.type) + " of " + std::to_string(length) +
                                  " elements (" + why + "), got " + Describe(other));
  }
}

// counts[i] elements at displs[i] for each of the `size` ranks, all inside a buffer of `length`.
void CheckLayout(Napi::Env env, const char* op, const Buffer& counts, const Buffer& displs,
                 size_t length) {
  const size_t size = static_cast<size_t>(State().size);
  if (counts.length != size || displs.length != size) {
    ThrowInvalidArgument(env, std::string(op) + ": counts and displs must have one entry per rank (" +
                                  std::to_string(size) + "), got " + std::to_string(counts.length) +
                                  " and " + std::to_string(displs.length));
  }
  const int32_t* c = static_cast<const int32_t*>(counts.data);
  const int32_t* d = static_cast<const int32_t*>(displs.data);
  for (size_t i = 0; i < size; i++) {
    if (c[i] < 0 || d[i] < 0 || static_cast<int64_t>(c[i]) + d[i] > static_cast<int64_t>(length)) {
      ThrowInvalidArgument(env, std::string(op) + ": rank " + std::to_string(i) + "'s block (" +
                                    std::to_string(c[i]) + " elements at " + std::to_string(d[i]) +
                                    ") does not fit in a buffer of " + std::to_string(length) +
                                    " elements");
    }
  }
}

// MPI forbids aliased send and receive buffers (MPI_IN_PLACE aside): reject them up front.
void CheckDisjoint(Napi::Env env, const char* op, const Buffer& send, const Buffer& recv) {
  const char* s = static_cast<const char*>(send.data);
  const char* r = static_cast<const char*>(recv.data);
  const size_t sendBytes = send.length * ElementSize(send.type);
  const size_t recvBytes = recv.length * ElementSize(recv.type);
  if (sendBytes > 0 && recvBytes > 0 && s < r + recvBytes && r < s + sendBytes) {
    ThrowInvalidArgument(env, std::string(op) + ": send and recv must not share memory");
  }
}

}  // namespace

Napi::Value Barrier(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  RequireInitialized(env, "barrier");
  Check(env, "MPI_Barrier", MPI_Barrier(State().comm));
  return env.Undefined();
}

// bcast(buffer, root): root's buffer is copied into every rank's buffer (same type and length).
Napi::Value Bcast(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  RequireInitialized(env, "bcast");
  Buffer buffer = GetBuffer(info[0], "bcast", "buffer");
  int root = Root(info[1], "bcast");
  int count = CountOf(env, buffer.length, "bcast", "buffer");
  Check(env, "MPI_Bcast", MPI_Bcast(buffer.data, count, MpiType(buffer.type), root, State().comm));
  return env.Undefined();
}

// gather(send, recv, root): recv (root only, size × send.length elements) gets every rank's send.
Napi::Value Gather(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  RequireInitialized(env, "gather");
  const MpiState& mpi = State();
  Buffer send = GetBuffer(info[0], "gather", "send");
  int root = Root(info[2], "gather");
  int count = CountOf(env, send.length, "gather", "send");
  void* recvData = nullptr;
  if (mpi.rank == root) {
    Buffer recv = GetBuffer(info[1], "gather", "recv");
    CheckShape(env, "gather", "recv", recv, send, send.length * mpi.size, "size × send.length");
    CheckDisjoint(env, "gather", send, recv);
    recvData = recv.data;
  }
  MPI_Datatype type = MpiType(send.type);
  Check(env, "MPI_Gather",
        MPI_Gather(send.data, count, type, recvData, count, type, root, mpi.comm));
  return env.Undefined();
}

// allgather(send, recv): recv (size × send.length elements) gets every rank's send, in rank order.
Napi::Value Allgather(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  RequireInitialized(env, "allgather");
  const MpiState& mpi = State();
  Buffer send = GetBuffer(info[0], "allgather", "send");
  Buffer recv = GetBuffer(info[1], "allgather", "recv");
  int count = CountOf(env, send.length, "allgather", "send");
  CheckShape(env, "allgather", "recv", recv, send, send.length * mpi.size, "size × send.length");
  CheckDisjoint(env, "allgather", send, recv);
  MPI_Datatype type = MpiType(send.type);
  Check(env, "MPI_Allgather",
        MPI_Allgather(send.data, count, type, recv.data, count, type, mpi.comm));
  return env.Undefined();
}

// scatter(send, recv, root): rank i's recv gets block i of root's send (size × recv.length).
Napi::Value Scatter(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  RequireInitialized(env, "scatter");
  const MpiState& mpi = State();
  Buffer recv = GetBuffer(info[1], "scatter", "recv");
  int root = Root(info[2], "scatter");
  int count = CountOf(env, recv.length, "scatter", "recv");
  void* sendData = nullptr;
  if (mpi.rank == root) {
    Buffer send = GetBuffer(info[0], "scatter", "send");
    CheckShape(env, "scatter", "send", send, recv, recv.length * mpi.size, "size × recv.length");
    CheckDisjoint(env, "scatter", send, recv);
    sendData = send.data;
  }
  MPI_Datatype type = MpiType(recv.type);
  Check(env, "MPI_Scatter",
        MPI_Scatter(sendData, count, type, recv.data, count, type, root, mpi.comm));
  return env.Undefined();
}

// gatherv(send, recv, counts, displs, root): on root, rank i's send lands at recv[displs[i]..].
Napi::Value Gatherv(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  RequireInitialized(env, "gatherv");
  const MpiState& mpi = State();
  Buffer send = GetBuffer(info[0], "gatherv", "send");
  int root = Root(info[4], "gatherv");
  int count = CountOf(env, send.length, "gatherv", "send");
  void* recvData = nullptr;
  const int* counts = nullptr;
  const int* displs = nullptr;
  if (mpi.rank == root) {
    Buffer recv = GetBuffer(info[1], "gatherv", "recv");
    CheckShape(env, "gatherv", "recv", recv, send, recv.length, "the type of send");
    Buffer c = GetBufferOf(info[2], napi_int32_array, "gatherv", "counts");
    Buffer d = GetBufferOf(info[3], napi_int32_array, "gatherv", "displs");
    CheckLayout(env, "gatherv", c, d, recv.length);
    CheckDisjoint(env, "gatherv", send, recv);
    recvData = recv.data;
    counts = static_cast<const int*>(c.data);
    displs = static_cast<const int*>(d.data);
  }
  MPI_Datatype type = MpiType(send.type);
  Check(env, "MPI_Gatherv",
        MPI_Gatherv(send.data, count, type, recvData, counts, displs, type, root, mpi.comm));
  return env.Undefined();
}

// allgatherv(send, recv, counts, displs): every rank gets rank i's send at recv[displs[i]..].
Napi::Value Allgatherv(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  RequireInitialized(env, "allgatherv");
  const MpiState& mpi = State();
  Buffer send = GetBuffer(info[0], "allgatherv", "send");
  Buffer recv = GetBuffer(info[1], "allgatherv", "recv");
  CheckShape(env, "allgatherv", "recv", recv, send, recv.length, "the type of send");
  Buffer c = GetBufferOf(info[2], napi_int32_array, "allgatherv", "counts");
  Buffer d = GetBufferOf(info[3], napi_int32_array, "allgatherv", "displs");
  CheckLayout(env, "allgatherv", c, d, recv.length);
  CheckDisjoint(env, "allgatherv", send, recv);
  int count = CountOf(env, send.length, "allgatherv", "send");
  const int* counts = static_cast<const int*>(c.data);
  if (counts[mpi.rank] != count) {
    ThrowInvalidArgument(env, "allgatherv: counts[" + std::to_string(mpi.rank) + "] is " +
                                  std::to_string(counts[mpi.rank]) + " but this rank sends " +
                                  std::to_string(count) + " elements");
  }
  MPI_Datatype type = MpiType(send.type);
  Check(env, "MPI_Allgatherv",
        MPI_Allgatherv(send.data, count, type, recv.data, counts, static_cast<const int*>(d.data),
                       type, mpi.comm));
  return env.Undefined();
}

// scatterv(send, counts, displs, recv, root): rank i's recv gets counts[i] elements of root's
// send at displs[i]; recv.length must be at least that count (a longer message is MPI_ERR_TRUNCATE).
Napi::Value Scatterv(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  RequireInitialized(env, "scatterv");
  const MpiState& mpi = State();
  Buffer recv = GetBuffer(info[3], "scatterv", "recv");
  int root = Root(info[4], "scatterv");
  int count = CountOf(env, recv.length, "scatterv", "recv");
  const void* sendData = nullptr;
  const int* counts = nullptr;
  const int* displs = nullptr;
  if (mpi.rank == root) {
    Buffer send = GetBuffer(info[0], "scatterv", "send");
    CheckShape(env, "scatterv", "send", send, recv, send.length, "the type of recv");
    Buffer c = GetBufferOf(info[1], napi_int32_array, "scatterv", "counts");
    Buffer d = GetBufferOf(info[2], napi_int32_array, "scatterv", "displs");
    CheckLayout(env, "scatterv", c, d, send.length);
    CheckDisjoint(env, "scatterv", send, recv);
    sendData = send.data;
    counts = static_cast<const int*>(c.data);
    displs = static_cast<const int*>(d.data);
  }
  MPI_Datatype type = MpiType(recv.type);
  Check(env, "MPI_Scatterv",
        MPI_Scatterv(sendData, counts, displs, type, recv.data, count, type, root, mpi.comm));
  return env.Undefined();
}

// allreduce(send, recv, op): element-wise 'sum' | 'min' | 'max' over ranks (Int32 or Float64).
Napi::Value Allreduce(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  RequireInitialized(env, "allreduce");
  Buffer send = GetBuffer(info[0], "allreduce", "send");
  if (send.type == napi_uint8_array) {
    ThrowInvalidArgument(env, "allreduce: send must be an Int32Array or Float64Array, got a Uint8Array");
  }
  Buffer recv = GetBuffer(info[1], "allreduce", "recv");
  CheckShape(env, "allreduce", "recv", recv, send, send.length, "the shape of send");
  CheckDisjoint(env, "allreduce", send, recv);
  std::string name = info[2].IsString() ? info[2].As<Napi::String>().Utf8Value() : "";
  MPI_Op op = name == "sum" ? MPI_SUM : name == "min" ? MPI_MIN : name == "max" ? MPI_MAX : MPI_OP_NULL;
  if (op == MPI_OP_NULL) {
    ThrowInvalidArgument(env, "allreduce: op must be 'sum', 'min' or 'max'");
  }
  int count = CountOf(env, send.length, "allreduce", "send");
  Check(env, "MPI_Allreduce",
        MPI_Allreduce(send.data, recv.data, count, MpiType(send.type), op, State().comm));
  return env.Undefined();
}

}  // namespace pa_mpi
