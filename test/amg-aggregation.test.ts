import { conformanceSuite } from './harness.js';
import * as cases from './conformance/amg-aggregation.js';

conformanceSuite('amg-aggregation', cases);
