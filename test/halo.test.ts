import { conformanceSuite } from './harness.js';
import * as cases from './conformance/halo.js';

conformanceSuite('halo', cases);
