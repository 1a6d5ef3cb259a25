import { conformanceSuite } from './harness.js';
import * as cases from './conformance/item-copies.js';

conformanceSuite('item-copies', cases);
