// Open MPI binds every rank to one core by default (two ranks or fewer per node). A Node rank is
// not one thread: V8's garbage collector and compiler threads and MPI's own threads inherit the
// rank's mask, so they take turns with the rank's main thread on its one core while another core
// of the node may sit idle. ReleaseDefaultBinding gives every thread but the calling (main) one
// its launcher's CPUs back, only when the binding is Open MPI's default (a binding the user asked
// for, mpirun --bind-to ..., sets OMPI_MCA_hwloc_base_binding_policy and is kept) and the node
// has more CPUs than ranks. The main thread keeps its core: with two ranks on two cores left free
// to move (mpirun --bind-to none), their CG solve at n = 30 took 180-200 ms instead of 16-52 ms.
#pragma once

namespace pa_mpi {

// Widens the CPU mask of every thread of this process but the calling one to the mask of its
// parent (the launcher) when Open MPI bound the rank by default and the launcher's CPUs outnumber
// `ranksOnNode`; returns the number of threads widened (0 when the binding is kept, there is
// none, or the system refuses: a best effort, never throws).
int ReleaseDefaultBinding(int ranksOnNode);

}  // namespace pa_mpi
