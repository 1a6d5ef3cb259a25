// Transparent huge pages for the large arrays the hot loops stream (matrix blocks, vectors).
// With 4 KiB pages every stream of a pass misses the TLB every 4 KiB, and in a virtual machine a
// miss is a two-dimensional page walk. Measured on the reference machine (2-core KVM guest, THP
// in "madvise" mode), both layouts interleaved in one process: a C harness of the 2-thread CG
// iteration at n=100 took 5 % less time per iteration with 2 MiB pages at the median of 14 runs
// (from 3 % more to 11 % less); the library's CG took 3-7 % less on 2 MPI ranks and 11-13 % less
// on one, and no less on the Threads backend. Advice changes where memory lives, never what it
// holds, so results keep their bits.
#ifndef PA_KERNELS_PAGES_H_
#define PA_KERNELS_PAGES_H_

#include <sys/mman.h>

#include <cerrno>
#include <cstdio>
#include <cstddef>
#include <cstdint>

namespace pa_kernels {

// Linux's synchronous collapse (5.19+ headers define it; the value is part of the kernel ABI).
#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE 25
#endif

// Bytes from `address` up to the next multiple of `pageBytes` (a power of two): 0 when aligned.
inline std::size_t HugePageOffset(std::uintptr_t address, std::size_t pageBytes) {
  return static_cast<std::size_t>((pageBytes - (address & (pageBytes - 1))) & (pageBytes - 1));
}

// What AdviseHugePages did.
struct Advice {
  int error;               // errno of madvise(MADV_HUGEPAGE), 0 on success
  std::size_t advised;     // bytes in whole huge pages inside [data, data + bytes)
  bool collapsed;          // whether madvise(MADV_COLLAPSE) succeeded on them
};

// Asks the kernel to back the whole `pageBytes` pages inside [data, data + bytes) with huge pages:
// MADV_HUGEPAGE, so that pages touched later are huge, then MADV_COLLAPSE, so that pages already
// touched (memory recycled by malloc) are collapsed now. A failed collapse is not an error: it is
// missing before Linux 6.1 and may fail for want of free huge pages; the advice still applies.
inline Advice AdviseHugePages(void* data, std::size_t bytes, std::size_t pageBytes) {
  const std::uintptr_t begin = reinterpret_cast<std::uintptr_t>(data);
  const std::uintptr_t start = begin + HugePageOffset(begin, pageBytes);
  const std::uintptr_t end = (begin + bytes) & ~(static_cast<std::uintptr_t>(pageBytes) - 1);
  if (end <= start) return Advice{0, 0, false};
  void* first = reinterpret_cast<void*>(start);
  const std::size_t length = end - start;
  if (madvise(first, length, MADV_HUGEPAGE) != 0) return Advice{errno, 0, false};
  const bool collapsed = madvise(first, length, MADV_COLLAPSE) == 0;
  return Advice{0, length, collapsed};
}

// Fresh memory for `bytes` bytes starting on a `pageBytes` boundary, advised onto huge pages
// before anything touches it, so that its first writes fault huge pages (about 0.06 ms per MiB
// on the reference machine's VM, against 5 ms per MiB for 4 KiB pages). Memory from malloc
// cannot promise that: a calloc served from the heap zeroes its pages first, faulting them as
// 4 KiB pages. Returns nullptr when the mapping fails; `*mapped` is the length to unmap.
inline void* MapHugePages(std::size_t bytes, std::size_t pageBytes, std::size_t* mapped) {
  const std::size_t length = (bytes + 4095) & ~static_cast<std::size_t>(4095);
  const std::size_t span = length + pageBytes;
  void* raw = mmap(nullptr, span, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (raw == MAP_FAILED) return nullptr;
  const std::uintptr_t begin = reinterpret_cast<std::uintptr_t>(raw);
  const std::size_t head = HugePageOffset(begin, pageBytes);
  if (head > 0) munmap(raw, head);
  if (span - head - length > 0) munmap(reinterpret_cast<void*>(begin + head + length), span - head - length);
  void* data = reinterpret_cast<void*>(begin + head);
  const std::size_t whole = length & ~(pageBytes - 1);
  if (whole > 0) madvise(data, whole, MADV_HUGEPAGE);  // advice only: refused, the memory still works
  *mapped = length;
  return data;
}

// The file offset of `address` inside its mapping, from /proc/self/maps; false when no mapping
// holds it or the line cannot be read.
inline bool MappingOffset(std::uintptr_t address, std::uint64_t* offset) {
  std::FILE* maps = std::fopen("/proc/self/maps", "r");
  if (maps == nullptr) return false;
  char line[512];
  bool found = false;
  while (!found && std::fgets(line, sizeof line, maps) != nullptr) {
    unsigned long long low = 0, high = 0, fileOffset = 0;
    if (std::sscanf(line, "%llx-%llx %*s %llx", &low, &high, &fileOffset) == 3 && address >= low && address < high) {
      *offset = fileOffset + (address - low);
      found = true;
    }
  }
  std::fclose(maps);
  return found;
}

// What CollapseSharedPages did: errno of the step that failed (0: none), and the bytes collapsed.
struct Collapse {
  int error;
  std::size_t collapsed;
};

// Puts the shared memory (MAP_SHARED: an MPI-3 window's segment, a file in /dev/shm) under
// [data, data + bytes) on huge pages, whatever /sys/kernel/mm/transparent_hugepage/shmem_enabled
// says (short of `deny`): MADV_COLLAPSE turns the file's pages, which must have been written
// already, into huge pages. It refuses a mapping whose addresses are not congruent to its file
// offsets modulo a huge page (Open MPI's are not), so the call is made on a second mapping of the
// same pages (mremap with old size 0) placed at a congruent address, then unmapped: the original
// mappings keep mapping 4 KiB at a time, now into physically contiguous huge pages. Only the huge
// pages of the file wholly inside the range are collapsed.
inline Collapse CollapseSharedPages(void* data, std::size_t bytes, std::size_t pageBytes) {
  const std::uintptr_t begin = reinterpret_cast<std::uintptr_t>(data) & ~static_cast<std::uintptr_t>(4095);
  const std::uintptr_t end = (reinterpret_cast<std::uintptr_t>(data) + bytes + 4095) & ~static_cast<std::uintptr_t>(4095);
  if (end <= begin) return Collapse{0, 0};
  const std::size_t length = end - begin;
  std::uint64_t fileOffset = 0;
  if (!MappingOffset(begin, &fileOffset)) return Collapse{ENOENT, 0};
  // Whole huge pages of the file inside the range: none, nothing to do.
  const std::uint64_t firstPage = (fileOffset + pageBytes - 1) & ~static_cast<std::uint64_t>(pageBytes - 1);
  const std::uint64_t endPage = (fileOffset + length) & ~static_cast<std::uint64_t>(pageBytes - 1);
  if (endPage <= firstPage) return Collapse{0, 0};
  const std::size_t reserved = length + 2 * pageBytes;
  void* reservation = mmap(nullptr, reserved, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (reservation == MAP_FAILED) return Collapse{errno, 0};
  const std::uintptr_t base = reinterpret_cast<std::uintptr_t>(reservation);
  const std::uintptr_t at = base + HugePageOffset(base, pageBytes) + static_cast<std::uintptr_t>(fileOffset & (pageBytes - 1));
  void* copy = mremap(reinterpret_cast<void*>(begin), 0, length, MREMAP_MAYMOVE | MREMAP_FIXED, reinterpret_cast<void*>(at));
  Collapse out{0, 0};
  if (copy == MAP_FAILED) {
    out.error = errno;  // EINVAL for private memory: it has no second mapping
  } else {
    void* first = reinterpret_cast<void*>(at + (firstPage - fileOffset));
    const std::size_t span = static_cast<std::size_t>(endPage - firstPage);
    if (madvise(first, span, MADV_COLLAPSE) == 0) out.collapsed = span;
    else out.error = errno;
  }
  munmap(reservation, reserved);
  return out;
}

}  // namespace pa_kernels

#endif  // PA_KERNELS_PAGES_H_
