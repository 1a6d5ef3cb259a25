import { conformanceSuite } from './harness.js';
import * as cases from './conformance/partitions.js';

conformanceSuite('partitions', cases);
