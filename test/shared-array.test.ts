import { conformanceSuite } from './harness.js';
import * as cases from './conformance/shared-array.js';

conformanceSuite('shared-array', cases);
