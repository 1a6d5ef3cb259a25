import { conformanceSuite } from './harness.js';
import * as cases from './conformance/misuse.js';

conformanceSuite('misuse', cases);
