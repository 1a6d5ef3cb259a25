import { conformanceSuite } from './harness.js';
import * as cases from './conformance/cg.js';

conformanceSuite('cg', cases);
