import { conformanceSuite } from './harness.js';
import * as cases from './conformance/parray.js';

conformanceSuite('parray', cases);
