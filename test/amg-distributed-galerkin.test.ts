import { conformanceSuite } from './harness.js';
import * as cases from './conformance/amg-distributed-galerkin.js';

conformanceSuite('amg-distributed-galerkin', cases);
