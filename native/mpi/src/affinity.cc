// See affinity.h.
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "affinity.h"

#include <dirent.h>
#include <sched.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>

namespace pa_mpi {

namespace {

// Open MPI 4 marks a rank its launcher bound (orte_bound_at_launch) and names the binding policy
// only when the user gave one.
bool BoundByDefault() {
  const char* bound = std::getenv("OMPI_MCA_orte_bound_at_launch");
  if (bound == nullptr || std::strcmp(bound, "1") != 0) return false;
  return std::getenv("OMPI_MCA_hwloc_base_binding_policy") == nullptr;
}

}  // namespace

int ReleaseDefaultBinding(int ranksOnNode) {
  if (!BoundByDefault()) return 0;
  cpu_set_t launcher;
  cpu_set_t mine;
  if (sched_getaffinity(getppid(), sizeof launcher, &launcher) != 0) return 0;
  if (sched_getaffinity(0, sizeof mine, &mine) != 0) return 0;
  // With a rank on every core there is no idle core for the helpers to go to.
  if (CPU_EQUAL(&launcher, &mine) || CPU_COUNT(&launcher) <= ranksOnNode) return 0;
  DIR* tasks = opendir("/proc/self/task");
  if (tasks == nullptr) return 0;
  // The calling thread (the rank's main thread, which runs the parts) keeps its core: two ranks'
  // main threads left free to move were measured to share one core for long stretches.
  const long self = static_cast<long>(gettid());
  int widened = 0;
  while (const dirent* entry = readdir(tasks)) {
    char* end = nullptr;
    long tid = std::strtol(entry->d_name, &end, 10);
    if (end == entry->d_name || *end != '\0' || tid == self) continue;  // ".", ".." and this thread
    if (sched_setaffinity(static_cast<pid_t>(tid), sizeof launcher, &launcher) == 0) ++widened;
  }
  closedir(tasks);
  return widened;
}

}  // namespace pa_mpi
