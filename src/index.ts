/**
 * partitioned-arrays: partitioned (distributed) linear algebra for Node.js.
 *
 * The exports below read as a table of contents, from running a program to solving a system.
 * @module
 */

// Errors
export {
  PartitionedArraysError,
  InvalidArgumentError,
  DimensionMismatchError,
  PartitionMismatchError,
  IndexOutOfRangeError,
  NonFiniteValueError,
  PartFailedError,
  WorkerError,
  CollectiveTimeoutError,
  MpiError,
  BackendUnavailableError,
  FileFormatError,
  TaskFailedError,
  SingularMatrixError,
  ERROR_CLASSES,
} from './errors.js';
export type { ErrorCode, ErrorOrigin } from './errors.js';

// Running a program on a backend
export type { Backend, BackendKind, Channel, ChannelOptions, ChannelPlan } from './backends/backend.js';
export { Pending } from './backends/pending.js';
export { SequentialBackend } from './backends/sequential.js';
export { withSequential } from './run/with-sequential.js';
export { ThreadsBackend } from './backends/threads/threads-backend.js';
export { withThreads, MAX_THREADS_PARTS } from './run/with-threads.js';
export type { ThreadsOptions } from './run/with-threads.js';
export type { BindTo } from './backends/threads/cpu-binding.js';
export { MpiBackend } from './backends/mpi/mpi-backend.js';
export { withMpi } from './run/with-mpi.js';
export type { WithMpiOptions } from './run/with-mpi.js';
export type { MpiBackendOptions } from './backends/mpi/mpi-backend.js';
export { loadMpiBinding } from './backends/mpi/load-binding.js';
export type { MpiBinding, MpiExchange, MpiBuffer, MpiThreadLevel, MpiInitInfo, MpiTimeoutReport } from './backends/mpi/binding.js';
export type { Window, SharedMemory } from './backends/backend.js';
export type { MpiWindow } from './backends/mpi/binding.js';

// PData: one item per part, and the collectives
export { PData, pmap } from './pdata/pdata.js';
export { getAny, mapMain, gather, scatter, multicast, reduction, scan } from './pdata/primitives.js';
export type { Destination } from './pdata/primitives.js';
export { ExchangeGraph, exchangeGraph, exchange, exchangeDiscovering } from './pdata/exchange.js';
export type { DiscoveredExchange } from './pdata/exchange.js';

// Index partitions
export { LocalIndices } from './partitions/local-indices.js';
export { OwnRange, OwnBox, OwnList } from './partitions/own-ids.js';
export type { OwnIds } from './partitions/own-ids.js';
export { PRange } from './partitions/prange.js';
export type { OwnerFunction } from './partitions/prange.js';
export { uniformPartition, variablePartition, partitionFromOwners } from './partitions/partitions.js';
export type { UniformPartitionOptions } from './partitions/partitions.js';
export { findOwner, unionGhost } from './partitions/find-owner.js';

// PVector
export { PVector, pzeros, pfill, pvector, consistent, assemble } from './vectors/pvector.js';
export { dot, axpy, scale, copyInto } from './vectors/vector-ops.js';
export { norm, sum } from './parray/sum-norm.js';
export { pvectorFromCoo } from './vectors/pvector-from-coo.js';

// PSparseMatrix
export type { CsrMatrix } from './kernels/csr.js';
export { PSparseMatrix, spmv, mul, centralize } from './sparse/psparse-matrix.js';
export { psparse, psparseRefill } from './sparse/psparse.js';
export type { PSparseOptions } from './sparse/psparse.js';
export type { PSparseAssembly, PartAssembly } from './sparse/psparse-assembly.js';
export { matmul, planMatmul } from './sparse/matmul.js';
export type { ProductPlan } from './sparse/matmul.js';
export { transpose, planTranspose } from './sparse/transpose.js';
export { rap, planRap } from './sparse/rap.js';

// Dense level-1/2 BLAS (OpenBLAS when built, else JavaScript)
export { blas, jsBlas, openBlas, denseMatVec, loadBlasBinding, selectBlas, OPENBLAS_MIN_WORK } from './dense/blas.js';
export type { DenseBlas, BlasBinding, BlasLayout, BlasTranspose, BlasKind, BlasEnvironment, GemvColumnsPath } from './dense/blas.js';
export { pinOpenBlasToOneThread } from './dense/openblas-threads.js';

// Kernels (the hot loops behind PVector, PSparseMatrix and CG)
export { kernels, kernelKind } from './kernels/select-kernels.js';
export type { KernelSet, KernelKind } from './kernels/kernel-set.js';
export { largeArrays } from './kernels/large-arrays.js';
export type { LargeArrays, HugePageStatus } from './kernels/large-arrays.js';

// Parallel IO and interop
export { writeMatrixMarket, readMatrixMarket } from './io/matrix-market.js';
export type { MatrixMarketWriteOptions } from './io/matrix-market.js';
export { writePetscBinary, readPetscBinary } from './io/petsc-binary.js';
export { writeHdf5, readHdf5 } from './io/hdf5.js';
export type { Hdf5WriteOptions } from './io/hdf5.js';
export { writeBinary, readBinary } from './io/flat-binary.js';
export { writeVtk } from './io/vtk.js';
export type { VtkGrid } from './io/vtk.js';
export type { ReadOptions } from './io/read-options.js';

// Shared arrays across parts
export { SharedArray, sharedArray, sharedBarrier } from './shared/shared-array.js';
export type { HasSharedStorage } from './shared/shared-array.js';
export {
  BandedBlockBandedMatrix,
  bandedBlockBanded,
  uniformBandedBlockBanded,
  populate,
  mulInto,
  toDense,
} from './shared/banded-block-banded.js';
export type { BandedBlockBandedOptions, UniformBandedBlockBandedOptions, MulIntoOptions } from './shared/banded-block-banded.js';

// Dense distributed arrays (PArray)
export { PArray, parray, forLocalPart } from './parray/parray.js';
export type { PArrayOptions, OneSidedOptions } from './parray/parray.js';
export type { Distribution } from './parray/distribution.js';
export type { BlockRanges } from './parray/block-plan.js';
export { defaultGrid } from './parray/layout.js';
export { GhostedBlock } from './parray/ghosted.js';
export { mapArray, reduceArray } from './parray/elementwise.js';
export type { ReduceOptions } from './parray/elementwise.js';
export { redistribute, slice, repartition, toPVector, fromPVector } from './parray/redistribute.js';
export type { RedistributeOptions } from './parray/redistribute.js';
export { matvec, matvecInto } from './parray/matvec.js';

// Solvers
export { amg, AmgPreconditioner } from './solvers/amg/amg.js';
export type { AmgOptions, AmgLevelInfo, AmgSmootherName, AmgSpectralEstimate } from './solvers/amg/amg.js';
export { cg, CgSolver } from './solvers/cg.js';
export type { CgSolveVectors } from './solvers/cg.js';
export type { CgOptions, CgSolverOptions, CgNormType, CgResult, CgReason, CgIterationInfo } from './solvers/cg-options.js';
export type { CgMonitorOptions } from './solvers/monitor.js';
export { jacobi } from './solvers/preconditioners.js';
export type { Preconditioner } from './solvers/preconditioners.js';
export type { KrylovSolverOptions, PreconditionerName } from './solvers/cg-options.js';
export { gmres, GmresSolver } from './solvers/gmres.js';
export { bicgstab, BicgstabSolver } from './solvers/bicgstab.js';
export type {
  GmresOptions,
  GmresSolverOptions,
  BicgstabOptions,
  BicgstabSolverOptions,
  KrylovSolveVectors,
} from './solvers/krylov-options.js';
export { ssor, SsorPreconditioner } from './solvers/ssor.js';
export type { SsorOptions } from './solvers/ssor.js';
export { ilu0, Ilu0Preconditioner } from './solvers/ilu0.js';

// Gallery and timing
export { laplacianFdm } from './gallery/laplacian-fdm.js';
export type {
  LaplacianProblem,
  LaplacianProblemWithRhs,
  LaplacianOptions,
  BoundaryRhs,
  DirichletFunction,
} from './gallery/laplacian-fdm.js';
export { laplacianFem } from './gallery/laplacian-fem.js';
export { convectionDiffusion } from './gallery/convection-diffusion.js';
export type { ConvectionDiffusionOptions } from './gallery/convection-diffusion.js';
export { PTimer } from './pdata/ptimer.js';
export type { SectionStatistics } from './pdata/ptimer.js';
export { formatTable } from './format/table.js';
export type { TableOptions } from './format/table.js';
export { formatScientific } from './format/scientific.js';

// Task farms and interactive clusters
export { workerPool, WorkerPool, MAX_POOL_SIZE } from './pool/worker-pool.js';
export type { WorkerPoolOptions, MapOptions } from './pool/worker-pool.js';
export type { ProgressCallback } from './pool/progress.js';
export { cluster, Cluster } from './cluster/cluster.js';
export type { ClusterOptions } from './cluster/cluster.js';
export { engineState } from './cluster/engine-state.js';
