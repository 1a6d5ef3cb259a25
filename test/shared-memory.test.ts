import { conformanceSuite } from './harness.js';
import * as cases from './conformance/shared-memory.js';

conformanceSuite('shared-memory', cases);
