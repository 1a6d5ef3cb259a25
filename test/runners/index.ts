/** Every backend the conformance suites run on. One line per backend. */
import type { BackendRunner } from './runner.js';
import { sequentialRunner } from './sequential.js';

export const runners: readonly BackendRunner[] = [sequentialRunner];
