// The spinning wait of a shared array's barrier (src/shared/node-barrier.ts describes the
// protocol: a count of arrivals above two give-up bits in one int32 that every part of the node
// maps). Native so that the wait can yield the core between polls: a part that spins in
// JavaScript holds its core for the whole budget, and when other programs keep the cores busy the
// part being waited for may be the one that needs it (it then reaches the barrier late, and the
// spinning part runs out its budget anyway). sched_yield costs nothing when nobody else wants the
// core, so on a quiet machine this is a plain spin, and under load it gives the core away at each
// poll instead of sleeping (a sleeping part wakes 50 to 100 µs after the last arrival in a
// virtual machine, more under load).
#pragma once

#include <sched.h>

#include <algorithm>
#include <chrono>
#include <cstdint>

namespace pa_banded {

// How SpinWait ended: another part set the give-up bit, the count was reached, or this call set
// the bit when its budget ran out.
enum class SpinResult : int { kSawGiveUp = 0, kReached = 1, kGaveUp = 2 };

// Count bits of the word (above the two give-up bits).
constexpr std::int32_t kGiveUpBits = 3;

inline bool Reached(std::int32_t word, std::int32_t target) {
  // Modulo 2^32, the count and the target are never 2^31 apart.
  return static_cast<std::int32_t>(static_cast<std::uint32_t>(word & ~kGiveUpBits) - static_cast<std::uint32_t>(target)) >= 0;
}

// Polls *word until its count reaches target (kReached) or `bit` is set in it (kSawGiveUp). Polls
// back to back for the first kPurePollMs (a part up to that late is seen within a poll: a yield
// may hand the core to another runnable thread for its whole time slice, and even an idle yield
// costs 1.5 µs here), then yields the core between polls. When spinMs have passed, sets `bit` by
// a compare-and-swap on a word still short of the count (so the bit is set before completion or
// never) and returns kGaveUp; a lost swap means the word changed, and it is looked at again.
inline SpinResult SpinWait(std::int32_t* word, std::int32_t target, std::int32_t bit, double spinMs) {
  using Clock = std::chrono::steady_clock;
  // Above the 50 to 100 µs a part takes to wake from a sleep, the usual reason for it to be late.
  constexpr double kPurePollMs = 0.1;
  const auto start = Clock::now();
  const auto pureUntil = start + std::chrono::duration<double, std::milli>(std::min(spinMs, kPurePollMs));
  const auto until = start + std::chrono::duration<double, std::milli>(spinMs);
  bool yielding = false;
  for (unsigned i = 1;; i++) {
    std::int32_t seen = __atomic_load_n(word, __ATOMIC_SEQ_CST);
    if ((seen & bit) != 0) return SpinResult::kSawGiveUp;
    if (Reached(seen, target)) return SpinResult::kReached;
    if (yielding || (i & 15) == 0) {
      const auto now = Clock::now();
      if (now > until &&
          __atomic_compare_exchange_n(word, &seen, seen | bit, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) {
        return SpinResult::kGaveUp;
      }
      yielding = now > pureUntil;
    }
    // No pause instruction between polls: in a virtual machine a loop of pauses makes the
    // hypervisor take the core away (pause-loop exiting), which delayed every barrier by tens of
    // µs when tried here.
    if (yielding) sched_yield();
  }
}

}  // namespace pa_banded
