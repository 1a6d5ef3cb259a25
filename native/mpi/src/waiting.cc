#include "waiting.h"

#include <sched.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <vector>

#include "state.h"

namespace pa_mpi {

namespace {

using Clock = std::chrono::steady_clock;

// Tags on the diagnosis communicator: a question carries the asker's kind, the reply the kind of
// what the replying rank waits in.
constexpr int kQuestionTag = 1;
constexpr int kReplyTag = 2;
// The clock is read, and questions answered, once per this many polls: a collective that
// completes within a few polls (the common case) pays for neither.
constexpr unsigned kPollsPerCheck = 32;
// The spin budget: a wait polls for up to the budget, then naps between polls, so that a rank
// that waits long (for a rank in a garbage collection, or descheduled by other work on the
// machine) gives its core back. The budget adapts like an adaptive mutex: it doubles (up to the
// maximum) after a wait that a spin of the maximum would have caught, and halves (down to the
// minimum, which still catches a rank a few µs behind) after a longer one. The maximum is well
// above a nap as the kernel delivers it on a loaded machine (20 µs asked, 50-150 µs taken), so
// that a rank whose partner naps spins through the nap. Ranks that outnumber the node's cores
// never spin.
constexpr double kMaxSpinMs = 1.0;
constexpr double kMinSpinMs = 0.01;
// One nap: short, so that a rank is back to polling soon after its partner arrives (the kernel
// adds its timer slack, about 50 µs, to it).
constexpr long kNapNs = 20000;
// How long a rank that timed out waits for the replies of the others. Ranks that wait answer
// within a few polls; the ones that do not answer are running (or stuck) outside the library.
constexpr double kReplyWindowMs = 200;

// One reply in flight per asking rank: its value must stay put until MPI has sent it.
struct Replies {
  std::vector<int> values;
  std::vector<MPI_Request> requests;
};

Replies& PendingReplies() {
  static Replies replies;
  return replies;
}

// Receives every question waiting for this rank and answers it with what this rank waits in.
void AnswerQuestions(Napi::Env env, int kind) {
  MpiState& mpi = State();
  Replies& replies = PendingReplies();
  if (replies.values.empty()) {
    replies.values.assign(mpi.size, 0);
    replies.requests.assign(mpi.size, MPI_REQUEST_NULL);
  }
  for (;;) {
    int flag = 0;
    MPI_Status status;
    Check(env, "MPI_Iprobe", MPI_Iprobe(MPI_ANY_SOURCE, kQuestionTag, mpi.diagnosisComm, &flag, &status));
    if (!flag) return;
    const int asker = status.MPI_SOURCE;
    int theirs = 0;
    Check(env, "MPI_Recv",
          MPI_Recv(&theirs, 1, MPI_INT, asker, kQuestionTag, mpi.diagnosisComm, MPI_STATUS_IGNORE));
    int sent = 1;
    Check(env, "MPI_Test", MPI_Test(&replies.requests[asker], &sent, MPI_STATUS_IGNORE));
    if (!sent) continue;  // that rank already has an answer on its way
    replies.values[asker] = kind;
    Check(env, "MPI_Isend", MPI_Isend(&replies.values[asker], 1, MPI_INT, asker, kReplyTag,
                                      mpi.diagnosisComm, &replies.requests[asker]));
  }
}

Napi::Int32Array ToInt32Array(Napi::Env env, const std::vector<int>& values) {
  Napi::Int32Array array = Napi::Int32Array::New(env, values.size());
  std::copy(values.begin(), values.end(), array.Data());
  return array;
}

// Asks every other rank what it waits in, collects the replies that come within the reply window,
// and throws the registered timeout error. The requests stay pending: the ranks are out of step.
[[noreturn]] void ThrowTimeout(Napi::Env env, const char* operation, int kind, int count,
                               MPI_Request* requests, const int* peers) {
  MpiState& mpi = State();
  mpi.outOfStep = true;
  std::vector<int> states(mpi.size, -1);
  states[mpi.rank] = kind;
  static int question = 0;
  question = kind;
  std::vector<MPI_Request> questions;
  for (int q = 0; q < mpi.size; q++) {
    if (q == mpi.rank) continue;
    MPI_Request request;
    Check(env, "MPI_Isend", MPI_Isend(&question, 1, MPI_INT, q, kQuestionTag, mpi.diagnosisComm, &request));
    questions.push_back(request);
  }
  const auto until = Clock::now() + std::chrono::duration<double, std::milli>(kReplyWindowMs);
  int replies = 0;
  while (replies < mpi.size - 1 && Clock::now() < until) {
    AnswerQuestions(env, kind);  // another rank may have timed out too and wait for our reply
    int flag = 0;
    MPI_Status status;
    Check(env, "MPI_Iprobe", MPI_Iprobe(MPI_ANY_SOURCE, kReplyTag, mpi.diagnosisComm, &flag, &status));
    if (!flag) {
      sched_yield();
      continue;
    }
    int theirs = 0;
    Check(env, "MPI_Recv", MPI_Recv(&theirs, 1, MPI_INT, status.MPI_SOURCE, kReplyTag,
                                    mpi.diagnosisComm, MPI_STATUS_IGNORE));
    if (states[status.MPI_SOURCE] == -1) replies++;
    states[status.MPI_SOURCE] = theirs;
  }
  // Unchecked from here on: the timeout is the error to report, and the job is about to end.
  for (MPI_Request& request : questions) MPI_Request_free(&request);
  Napi::Value pending = env.Null();
  if (peers != nullptr) {
    std::vector<int> waiting;
    for (int i = 0; i < count; i++) {
      int done = 1;
      if (requests[i] != MPI_REQUEST_NULL) MPI_Test(&requests[i], &done, MPI_STATUS_IGNORE);
      if (!done) waiting.push_back(peers[i]);
    }
    std::sort(waiting.begin(), waiting.end());
    waiting.erase(std::unique(waiting.begin(), waiting.end()), waiting.end());
    pending = ToInt32Array(env, waiting);
  }
  Napi::Object report = Napi::Object::New(env);
  report.Set("operation", operation);
  report.Set("kind", kind);
  report.Set("timeoutMs", mpi.timeoutMs);
  report.Set("rank", mpi.rank);
  report.Set("pending", pending);
  report.Set("states", ToInt32Array(env, states));
  AddonData& data = Data(env);
  if (!data.timeoutError.IsEmpty()) {
    Napi::Value error = data.timeoutError.Call({report});
    throw Napi::Error(env, error);
  }
  Napi::Error error = Napi::Error::New(env, std::string(operation) + ": did not complete within " +
                                                std::to_string(mpi.timeoutMs) + " ms");
  error.Set("code", Napi::String::New(env, "COLLECTIVE_TIMEOUT"));
  error.Set("report", report);
  throw error;
}

// MPI_Testall, with MPI_ERR_IN_STATUS turned into the failing request's error.
bool TestAll(Napi::Env env, const char* operation, int count, MPI_Request* requests,
             std::vector<MPI_Status>& statuses) {
  int done = 0;
  if (count == 1) {
    Check(env, operation, MPI_Test(requests, &done, MPI_STATUS_IGNORE));
    return done != 0;
  }
  statuses.resize(count);
  int rc = MPI_Testall(count, requests, &done, statuses.data());
  if (rc == MPI_ERR_IN_STATUS) {
    for (const MPI_Status& status : statuses) {
      if (status.MPI_ERROR != MPI_SUCCESS && status.MPI_ERROR != MPI_ERR_PENDING) {
        ThrowMpiError(env, operation, status.MPI_ERROR);
      }
    }
  }
  Check(env, operation, rc);
  return done != 0;
}

}  // namespace

void Await(Napi::Env env, const char* operation, int kind, int count, MPI_Request* requests,
           const int* peers) {
  static std::vector<MPI_Status> statuses;
  static double spinMs = kMaxSpinMs;
  if (count == 0 || TestAll(env, operation, count, requests, statuses)) return;
  MpiState& mpi = State();
  mpi.currentKind = kind;
  const auto start = Clock::now();
  const auto deadline = start + std::chrono::duration<double, std::milli>(mpi.timeoutMs);
  const auto spinUntil = start + std::chrono::duration<double, std::milli>(mpi.oversubscribed ? 0.0 : spinMs);
  for (unsigned polls = 1;; polls++) {
    if (TestAll(env, operation, count, requests, statuses)) {
      spinMs = std::min(2 * spinMs, kMaxSpinMs);
      return;
    }
    if (polls % kPollsPerCheck != 0) continue;
    AnswerQuestions(env, kind);
    const auto now = Clock::now();
    if (now >= deadline) ThrowTimeout(env, operation, kind, count, requests, peers);
    if (now >= spinUntil) break;
  }
  const timespec nap{0, kNapNs};
  for (;;) {
    nanosleep(&nap, nullptr);
    if (TestAll(env, operation, count, requests, statuses)) break;
    AnswerQuestions(env, kind);
    if (Clock::now() >= deadline) ThrowTimeout(env, operation, kind, count, requests, peers);
  }
  // Judged by the whole wait, not by whether the spin caught it: a collective completes only while
  // both ranks test it, so once the budget is short each wait outlasts it by the partner's nap,
  // and a budget that grew only after a successful spin would never recover (two ranks napping in
  // turn: ~175 µs per allgatherFloat64 in a loop of them on 2 ranks, against ~1 µs).
  const double waitedMs = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
  spinMs = waitedMs <= kMaxSpinMs ? std::min(2 * spinMs, kMaxSpinMs) : std::max(spinMs / 2, kMinSpinMs);
}

void AwaitCollective(Napi::Env env, const char* operation, MPI_Request* request) {
  Await(env, operation, State().currentKind, 1, request, nullptr);
}

void ReleaseDiagnosis(Napi::Env env) {
  Replies& replies = PendingReplies();
  for (MPI_Request& request : replies.requests) {
    if (request != MPI_REQUEST_NULL) Check(env, "MPI_Request_free", MPI_Request_free(&request));
  }
}

}  // namespace pa_mpi
