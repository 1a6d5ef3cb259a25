import { conformanceSuite } from './harness.js';
import * as cases from './conformance/amg-ghosted-prolongator.js';

conformanceSuite('amg-ghosted-prolongator', cases);
