/**
 * The rules of the collectives, shown by breaking them: every part calls every collective, in the
 * same order, and never from per-part code (`map`, `pmap`, `mapMain`). Each misuse below is caught
 * and its message printed by part 0; a reduction after each one shows the parts are still in step.
 * See docs/guide-collectives.md.
 *
 *   node dist/examples/collective-rules.js [--np 3] [--backend sequential|threads]
 *   mpirun -n 3 node dist/examples/collective-rules.js --backend mpi
 *
 * @module
 */
import {
  gather,
  mapMain,
  reduction,
  PartitionedArraysError,
  type PData,
} from '../src/index.js';
import { type CommandSpec, type FlagSpecs } from '../src/run/cli-args.js';
import { runExample } from './lib/run-example.js';

const command = {
  program: 'collective-rules',
  usage: [
    'node dist/examples/collective-rules.js [--np 3] [--backend sequential|threads]',
    'mpirun -n NP node dist/examples/collective-rules.js --backend mpi',
  ],
  summary: 'the collectives refusing misuse, on every backend',
  flags: {
    np: { kind: 'positive-integer', help: 'number of parts (under mpirun, the job size)', default: 3 },
    backend: { kind: 'choice', choices: ['sequential', 'threads', 'mpi'], help: 'where the parts live', default: 'sequential' },
  },
  positionals: 'none',
} as const satisfies CommandSpec<FlagSpecs>;

const add = (a: number, b: number): number => a + b;

/** The typed error `f` throws on this process, or `undefined` when it returns. */
function attempt(f: () => unknown): PartitionedArraysError | undefined {
  try {
    f();
  } catch (error) {
    if (error instanceof PartitionedArraysError) return error;
    throw error;
  }
  return undefined;
}

/** The driver: every part runs it; part 0 prints. */
export default function collectiveRules(ranks: PData<number>): void {
  const isMain = ranks.partIds.includes(0);
  const print = (line: string): void => {
    if (isMain) console.log(line);
  };
  const inStep = (): number => {
    const total = reduction(add, ranks, { destination: 'all', init: 0 });
    return total.localItems[0];
  };
  print(`backend ${ranks.backend.kind}, ${ranks.np} parts`);

  // Right: every part calls the reduction, outside per-part code.
  print(`1. reduction of the part ids to every part: ${inStep()}`);

  // Wrong: mapMain runs its function on part 0 alone, so part 0 would enter gather by itself.
  const inMapMain = attempt(() => mapMain(ranks, () => gather(ranks, { destination: 'all' })));
  if (isMain) print(`2. gather inside mapMain: ${inMapMain?.name}: ${inMapMain?.message}`);
  print(`   still in step: ${inStep()}`);

  // Wrong: map runs its function once per part, so the reduction would be entered np times.
  const inMap = attempt(() => ranks.map(() => reduction(add, ranks, { init: 0 })));
  print(`3. reduction inside map: ${inMap?.name}: ${inMap?.message}`);
  print(`   still in step: ${inStep()}`);

  // Wrong: the parts call the same collective with different roots. On Sequential one call serves
  // every part, so the parts cannot disagree; on Threads and MPI every part is told at once.
  const destination = ranks.partIds[0] === 0 ? 0 : 'all';
  const roots = attempt(() => gather(ranks, { destination }));
  print(`4. gather to part 0 on part 0, to 'all' elsewhere: ${roots === undefined ? 'no error (one call serves every part)' : `${roots.name}: ${roots.message}`}`);
  print(`   still in step: ${inStep()}`);
}

await runExample(import.meta.url, command, collectiveRules);
