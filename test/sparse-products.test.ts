import { conformanceSuite } from './harness.js';
import * as cases from './conformance/sparse-products.js';

conformanceSuite('sparse-products', cases);
