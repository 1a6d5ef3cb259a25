#include "collectives.h"

#include <algorithm>
#include <cstdint>
#include <vector>
#include <string>

#include "buffers.h"
#include "state.h"
#include "waiting.h"

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
  RequireInStep(env, "barrier");
  MPI_Request request;
  Check(env, "MPI_Ibarrier", MPI_Ibarrier(State().comm, &request));
  AwaitCollective(env, "MPI_Ibarrier", &request);
  return env.Undefined();
}

// bcast(buffer, root): root's buffer is copied into every rank's buffer (same type and length).
Napi::Value Bcast(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  RequireInStep(env, "bcast");
  Buffer buffer = GetBuffer(info[0], "bcast", "buffer");
  int root = Root(info[1], "bcast");
  int count = CountOf(env, buffer.length, "bcast", "buffer");
  MPI_Request request;
  Check(env, "MPI_Ibcast", MPI_Ibcast(buffer.data, count, MpiType(buffer.type), root, State().comm, &request));
  AwaitCollective(env, "MPI_Ibcast", &request);
  return env.Undefined();
}

// gather(send, recv, root): recv (root only, size × send.length elements) gets every rank's send.
Napi::Value Gather(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  RequireInStep(env, "gather");
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
  MPI_Request request;
  Check(env, "MPI_Igather", MPI_Igather(send.data, count, type, recvData, count, type, root, mpi.comm, &request));
  AwaitCollective(env, "MPI_Igather", &request);
  return env.Undefined();
}

// allgather(send, recv): recv (size × send.length elements) gets every rank's send, in rank order.
Napi::Value Allgather(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  RequireInStep(env, "allgather");
  const MpiState& mpi = State();
  Buffer send = GetBuffer(info[0], "allgather", "send");
  Buffer recv = GetBuffer(info[1], "allgather", "recv");
  int count = CountOf(env, send.length, "allgather", "send");
  CheckShape(env, "allgather", "recv", recv, send, send.length * mpi.size, "size × send.length");
  CheckDisjoint(env, "allgather", send, recv);
  MPI_Datatype type = MpiType(send.type);
  MPI_Request request;
  Check(env, "MPI_Iallgather", MPI_Iallgather(send.data, count, type, recv.data, count, type, mpi.comm, &request));
  AwaitCollective(env, "MPI_Iallgather", &request);
  return env.Undefined();
}

// scatter(send, recv, root): rank i's recv gets block i of root's send (size × recv.length).
Napi::Value Scatter(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  RequireInStep(env, "scatter");
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
  MPI_Request request;
  Check(env, "MPI_Iscatter", MPI_Iscatter(sendData, count, type, recv.data, count, type, root, mpi.comm, &request));
  AwaitCollective(env, "MPI_Iscatter", &request);
  return env.Undefined();
}

// gatherv(send, recv, counts, displs, root): on root, rank i's send lands at recv[displs[i]..].
Napi::Value Gatherv(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  RequireInStep(env, "gatherv");
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
  MPI_Request request;
  Check(env, "MPI_Igatherv", MPI_Igatherv(send.data, count, type, recvData, counts, displs, type, root, mpi.comm, &request));
  AwaitCollective(env, "MPI_Igatherv", &request);
  return env.Undefined();
}

// allgatherv(send, recv, counts, displs): every rank gets rank i's send at recv[displs[i]..].
Napi::Value Allgatherv(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  RequireInStep(env, "allgatherv");
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
  MPI_Request request;
  Check(env, "MPI_Iallgatherv", MPI_Iallgatherv(send.data, count, type, recv.data, counts, static_cast<const int*>(d.data),
                       type, mpi.comm, &request));
  AwaitCollective(env, "MPI_Iallgatherv", &request);
  return env.Undefined();
}

// scatterv(send, counts, displs, recv, root): rank i's recv gets counts[i] elements of root's
// send at displs[i]; recv.length must be at least that count (a longer message is MPI_ERR_TRUNCATE).
Napi::Value Scatterv(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  RequireInStep(env, "scatterv");
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
  MPI_Request request;
  Check(env, "MPI_Iscatterv", MPI_Iscatterv(sendData, counts, displs, type, recv.data, count, type, root, mpi.comm, &request));
  AwaitCollective(env, "MPI_Iscatterv", &request);
  return env.Undefined();
}

// allreduce(send, recv, op): element-wise 'sum' | 'min' | 'max' over ranks (Int32 or Float64).
Napi::Value Allreduce(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  RequireInStep(env, "allreduce");
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
  MPI_Request request;
  Check(env, "MPI_Iallreduce", MPI_Iallreduce(send.data, recv.data, count, MpiType(send.type), op, State().comm, &request));
  AwaitCollective(env, "MPI_Iallreduce", &request);
  return env.Undefined();
}

}  // namespace pa_mpi

namespace pa_mpi {

// meet(header, all): the header collective of MpiBackend. `all` (size × header.length float64)
// receives every rank's header in rank order; header[0] is the kind code this rank now waits in
// (what it tells ranks that time out and ask).
//
// It runs twice per CG iteration, so it is a dissemination allgather (Bruck) over Isend/Irecv on
// a communicator of its own rather than MPI_Iallgather: with Open MPI 4.1 on 2 ranks the point-to-
// point rounds cost what a blocking MPI_Allgather costs (0.2 µs), libnbc's Iallgather about 0.35 µs
// and much more under load. Round k (distance d = 2^k) sends the blocks gathered so far to rank
// - d and receives as many from rank + d; messages of round k carry tag k, so no round can match
// another's message. Every rank leaves only after every rank entered (a barrier).
Napi::Value Meet(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  RequireInStep(env, "meet");
  const MpiState& mpi = State();
  Buffer header = GetBufferOf(info[0], napi_float64_array, "meet", "header");
  Buffer all = GetBufferOf(info[1], napi_float64_array, "meet", "all");
  if (header.length == 0) ThrowInvalidArgument(env, "meet: header must not be empty");
  CheckShape(env, "meet", "all", all, header, header.length * mpi.size, "size × header.length");
  CheckDisjoint(env, "meet", header, all);
  CountOf(env, header.length * mpi.size, "meet", "all");
  const int words = static_cast<int>(header.length);
  const double* mine = static_cast<const double*>(header.data);
  double* out = static_cast<double*>(all.data);
  State().currentKind = static_cast<int>(mine[0]);
  // blocks[i] = header of rank (rank + i) % size; kept across calls, so no allocation once grown.
  static std::vector<double> blocks;
  blocks.resize(all.length);
  std::copy(mine, mine + words, blocks.begin());
  MPI_Request requests[2];
  for (int distance = 1, round = 0; distance < mpi.size; distance <<= 1, round++) {
    const int count = std::min(distance, mpi.size - distance) * words;
    const int to = (mpi.rank - distance + mpi.size) % mpi.size;
    const int from = (mpi.rank + distance) % mpi.size;
    Check(env, "MPI_Irecv", MPI_Irecv(blocks.data() + static_cast<size_t>(distance) * words, count,
                                      MPI_DOUBLE, from, round, mpi.headerComm, &requests[0]));
    Check(env, "MPI_Isend",
          MPI_Isend(blocks.data(), count, MPI_DOUBLE, to, round, mpi.headerComm, &requests[1]));
    Await(env, "meet", mpi.currentKind, 2, requests, nullptr);
  }
  for (int i = 0; i < mpi.size; i++) {
    const double* block = blocks.data() + static_cast<size_t>(i) * words;
    std::copy(block, block + words, out + static_cast<size_t>((mpi.rank + i) % mpi.size) * words);
  }
  return env.Undefined();
}

// alltoall(send, recv): Int32Arrays of one entry per rank; recv[i] gets rank i's send[this rank].
Napi::Value Alltoall(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  RequireInStep(env, "alltoall");
  const MpiState& mpi = State();
  Buffer send = GetBufferOf(info[0], napi_int32_array, "alltoall", "send");
  Buffer recv = GetBufferOf(info[1], napi_int32_array, "alltoall", "recv");
  const size_t size = static_cast<size_t>(mpi.size);
  CheckShape(env, "alltoall", "send", send, send, size, "one entry per rank");
  CheckShape(env, "alltoall", "recv", recv, send, size, "one entry per rank");
  CheckDisjoint(env, "alltoall", send, recv);
  MPI_Request request;
  Check(env, "MPI_Ialltoall",
        MPI_Ialltoall(send.data, 1, MPI_INT, recv.data, 1, MPI_INT, mpi.comm, &request));
  AwaitCollective(env, "MPI_Ialltoall", &request);
  return env.Undefined();
}

// alltoallv(send, sendCounts, sendDispls, recv, recvCounts, recvDispls): block i of send goes to
// rank i; block i of recv comes from rank i. Counts must match the senders' (MPI_ERR_TRUNCATE else).
Napi::Value Alltoallv(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  RequireInStep(env, "alltoallv");
  const MpiState& mpi = State();
  Buffer send = GetBuffer(info[0], "alltoallv", "send");
  Buffer sc = GetBufferOf(info[1], napi_int32_array, "alltoallv", "sendCounts");
  Buffer sd = GetBufferOf(info[2], napi_int32_array, "alltoallv", "sendDispls");
  Buffer recv = GetBuffer(info[3], "alltoallv", "recv");
  Buffer rc = GetBufferOf(info[4], napi_int32_array, "alltoallv", "recvCounts");
  Buffer rd = GetBufferOf(info[5], napi_int32_array, "alltoallv", "recvDispls");
  CheckShape(env, "alltoallv", "recv", recv, send, recv.length, "the type of send");
  CheckLayout(env, "alltoallv", sc, sd, send.length);
  CheckLayout(env, "alltoallv", rc, rd, recv.length);
  CheckDisjoint(env, "alltoallv", send, recv);
  MPI_Datatype type = MpiType(send.type);
  MPI_Request request;
  Check(env, "MPI_Ialltoallv",
        MPI_Ialltoallv(send.data, static_cast<const int*>(sc.data), static_cast<const int*>(sd.data), type,
                       recv.data, static_cast<const int*>(rc.data), static_cast<const int*>(rd.data), type,
                       mpi.comm, &request));
  AwaitCollective(env, "MPI_Ialltoallv", &request);
  return env.Undefined();
}

}  // namespace pa_mpi
