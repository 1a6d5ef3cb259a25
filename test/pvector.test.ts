import { conformanceSuite } from './harness.js';
import * as cases from './conformance/pvector.js';

conformanceSuite('pvector', cases);
