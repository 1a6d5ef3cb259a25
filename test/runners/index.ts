/** Every backend the conformance suites run on. One line per backend. */
import type { BackendRunner } from './runner.js';
import { sequentialRunner } from './sequential.js';
import { threadsRunner } from './threads.js';
import { mpiRunners } from './mpi.js';

export const runners: readonly BackendRunner[] = [sequentialRunner, threadsRunner, ...mpiRunners];
