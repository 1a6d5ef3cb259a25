// Software prefetch of a stream's next cache lines, shared by the addons whose kernels stream a
// matrix beside several vectors (native/banded, native/spgemm). Header-only, included by a
// relative path, as napi-checks.h.
#ifndef PA_NATIVE_COMMON_PREFETCH_H_
#define PA_NATIVE_COMMON_PREFETCH_H_

#include <cstddef>
#include <cstdint>

namespace pa_native {

// Prefetches `lines` cache lines from `bytes` past p. The address is formed as an integer, since it
// may lie past the array's end (never read there: a prefetch does not fault).
inline void prefetch_lines(const void* p, std::size_t bytes, int lines) {
  const std::uintptr_t ahead = reinterpret_cast<std::uintptr_t>(p) + bytes;
  for (int k = 0; k < lines; k++) __builtin_prefetch(reinterpret_cast<const void*>(ahead + 64 * k));
}

}  // namespace pa_native

#endif  // PA_NATIVE_COMMON_PREFETCH_H_
