import { conformanceSuite } from './harness.js';
import * as cases from './conformance/primitives.js';

conformanceSuite('primitives', cases);
