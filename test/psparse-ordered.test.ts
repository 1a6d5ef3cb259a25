import { conformanceSuite } from './harness.js';
import * as cases from './conformance/psparse-ordered.js';

conformanceSuite('psparse-ordered', cases);
