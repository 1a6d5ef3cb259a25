/**
 * `npm run bench`: our Poisson CG against PETSc (and SciPy), side by side on the same machine in
 * the same run, plus our SpMV against the C SpMV anchor and STREAM for context.
 *
 * Method: `--rounds` rounds (default 3); each round runs every system once per grid size, in an
 * order rotated from round to round, then the SpMV and STREAM programs. Each run is a fresh process
 * (ours under `withThreads` or `mpirun`, PETSc under `mpirun`, as `anchors/README.md` runs them).
 * The table shows medians over rounds, and the ratio to PETSc as the median of the per-round ratios.
 *
 *   node dist/bench/run.js [--sizes 50,100,128] [--rounds 3] [--parts 1,2] [--quick] [--sequential]
 *                          [--anchors ../shared/anchors] [--timeout 600] [--markdown] [--docs]
 *   node dist/bench/run.js --from bench/results/bench-<date>.json [--markdown] [--docs]
 *
 * `--quick` is n = 50, 1 round (a smoke test); `--sequential` adds ours on the Sequential backend;
 * `--markdown` prints the tables as Markdown (for docs/performance.md); `--docs` also writes the plot
 * to docs/solve-time.svg; `--from` re-prints the tables and re-draws the plot of a saved run.
 * Progress goes to stderr, the tables to stdout. Writes bench/results/bench-<date>.json (every
 * sample, the medians, the machine and its load average at start and end) and
 * bench/results/solve-time.svg.
 *
 * @module
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCommandOrExit, type CommandSpec, type FlagSpecs } from '../src/run/cli-args.js';
import { formatTable } from '../src/format/table.js';
import { compileAnchor, defaultAnchorsDir, parseResultLine, repositoryRoot, runCommand, type CompiledAnchor } from './lib/anchors.js';
import { median } from './lib/stats.js';
import { runSpmv, runStream, type SpmvSample, type StreamSample } from './lib/context.js';
import { buildFingerprint, machineInfo, revision, type MachineInfo, type Revision } from './lib/machine.js';
import { describeVcpuProbe, probeVcpus, type VcpuProbe } from './lib/vcpu-probe.js';
import { summarize, type ContextRecord, type SolveRecord } from './lib/summary.js';
import { allSystems, expectedSeconds, threadsBindArgs, parseSolveSample, unavailableSystems, type SolverSystem } from './lib/systems.js';
import { summaryTables } from './lib/tables.js';
import { primeMemory } from './lib/prime-memory.js';
import { PRIME_CAP_MEGABYTES, primeMegabytesFor, type PrimedProgram } from './lib/prime-sizes.js';
import { solveTimeSvg } from './plot.js';

/** Expected seconds of the per-round context measurements (SpMV kernels and C, STREAM 1 and 2 threads). */
const CONTEXT_SECONDS = 15;

/** Everything a run writes to its JSON file. */
interface BenchFile {
  readonly code: 'pa_bench';
  readonly date: string;
  readonly command: string[];
  readonly config: {
    sizes: number[]; rounds: number; parts: number[]; anchors_dir: string; sequential: boolean;
    /**
     * MiB primed before each timed process: from 2026-12-07 08:20 the most (each process gets its
     * program's expected peak, bench/lib/prime-sizes.ts), before that the amount itself (absent in
     * files of earlier runs, which primed none).
     */
    prime_mb?: number;
  };
  readonly machine_start: MachineInfo;
  readonly machine_end: MachineInfo;
  /** {@link probeVcpus} before the first and after the last program (absent in files of runs before 2026-12-07 15:50). */
  readonly vcpus_start?: VcpuProbe | { reason: string };
  readonly vcpus_end?: VcpuProbe | { reason: string };
  readonly revision: Revision;
  /** {@link buildFingerprint} at the start and at the end: they differ when dist/ was rebuilt mid-run. */
  readonly build: { start: string; end: string };
  readonly skipped: Record<string, string>;
  readonly duration_s: number;
  readonly solves: SolveRecord[];
  readonly context: ContextRecord[];
  readonly context_errors: string[];
  /** The FEM assembly runs (absent in files of earlier runs). */
  readonly fem?: FemRecord[];
  readonly summary: ReturnType<typeof summarize>;
}

/** One `bench/poisson --fem` run: laplacianFem + psparse on n × n cells. */
interface FemRecord {
  readonly round: number;
  readonly backend: 'threads' | 'mpi';
  readonly np: number;
  readonly cells: number;
  readonly unknowns?: number;
  readonly triplets?: number;
  readonly coo_s?: number;
  readonly psparse_s?: number;
  readonly error?: string;
}

const command = {
  program: 'bench/run',
  usage: [
    'node dist/bench/run.js [--sizes 50,100,128] [--rounds 3] [--parts 1,2] [--quick] [--sequential]',
    '                       [--anchors ../shared/anchors] [--timeout 600] [--prime-mb 3072] [--markdown] [--docs]',
    'node dist/bench/run.js --from bench/results/bench-<date>.json [--markdown] [--docs]',
  ],
  summary: 'Our Poisson CG against PETSc and SciPy, with SpMV and STREAM for context',
  flags: {
    sizes: { kind: 'positive-integer-list', help: 'grid sizes n (n^3 unknowns)', default: [50, 100, 128] },
    rounds: { kind: 'positive-integer', help: 'rounds (medians over rounds)', default: 3 },
    parts: { kind: 'positive-integer-list', help: 'part counts', default: [1, 2] },
    quick: { kind: 'boolean', help: 'n = 50, 1 round (a smoke test)' },
    sequential: { kind: 'boolean', help: 'add ours on the Sequential backend' },
    anchors: { kind: 'string', valueName: 'DIR', help: 'the anchors directory (default ../shared/anchors)' },
    timeout: { kind: 'positive-integer', valueName: 'SECONDS', help: 'limit of one run', default: 600 },
    'prime-mb': {
      kind: 'non-negative-integer', valueName: 'MIB', default: PRIME_CAP_MEGABYTES,
      help: 'at most this much memory a short process writes and frees right before each timed process, ours and the anchors alike, so that each starts in the same state: 1.25 times the program\'s expected peak (0: none; see bench/lib/prime-memory.ts and bench/lib/prime-sizes.ts)',
    },
    markdown: { kind: 'boolean', help: 'print the tables as Markdown' },
    docs: { kind: 'boolean', help: 'also write the plot to docs/solve-time.svg' },
    from: { kind: 'string', valueName: 'FILE', help: 're-print the tables and re-draw the plot of a saved run' },
    'fem-cells': {
      kind: 'non-negative-integer', valueName: 'CELLS', default: 1001,
      help: 'cells per direction of the 2-D FEM assembly timed once per round and part count (0: none)',
    },
  },
  positionals: 'none',
} as const satisfies CommandSpec<FlagSpecs>;

const { flags: args } = parseCommandOrExit(command, process.argv.slice(2));

const log = (line: string): void => void process.stderr.write(`${line}\n`);
const minutes = (seconds: number): string => `${(seconds / 60).toFixed(1)} min`;

function subtitle(file: BenchFile): string {
  const { machine_start: start, machine_end: end, revision: rev } = file;
  const commit = rev.commit === null ? 'no git' : `${rev.commit.slice(0, 8)}${rev.dirty === true ? ' + uncommitted changes' : ''}`;
  return `${file.date.slice(0, 16).replace('T', ' ')} UTC, ${start.cpu_model} (${start.nproc} cores), load ${start.loadavg[0]} → ` +
    `${end.loadavg[0]}, ${file.config.rounds} round(s), ${commit}`;
}

/** The FEM table: medians over rounds of laplacianFem and psparse seconds, and psparse's triplets per second. */
function femTable(records: readonly FemRecord[]): string {
  const groups = new Map<string, FemRecord[]>();
  for (const r of records) {
    if (r.error !== undefined) continue;
    const k = `${r.backend}/${r.np}/${r.cells}`;
    groups.set(k, [...(groups.get(k) ?? []), r]);
  }
  const rows = [...groups.values()].map((g) => {
    const psparseS = median(g.map((r) => r.psparse_s as number));
    return [
      `ours ${g[0].backend}`, String(g[0].np), `${g[0].cells}x${g[0].cells}`, String(g[0].unknowns), String(g[0].triplets),
      median(g.map((r) => r.coo_s as number)).toFixed(3), psparseS.toFixed(3), ((g[0].triplets as number) / psparseS / 1e6).toFixed(1),
      String(g.length),
    ];
  });
  return formatTable(
    ['FEM assembly (laplacianFem, 2-D Q1)', 'np', 'cells', 'unknowns', 'triplets', 'laplacianFem s', 'psparse s', 'M triplets/s', 'runs'],
    rows,
    { markdown: args.markdown },
  );
}

async function report(file: BenchFile, root: string): Promise<void> {
  const summary = summarize(file.solves, file.context);
  console.log(summaryTables(summary, args.markdown));
  if (file.vcpus_start !== undefined && file.vcpus_end !== undefined) {
    console.log(`\nvCPU probe (a short pinned memory test per CPU) at the start: ${describeVcpuProbe(file.vcpus_start)}`);
    console.log(`at the end: ${describeVcpuProbe(file.vcpus_end)}`);
  }
  if (file.fem !== undefined && file.fem.length > 0) console.log(`\n${femTable(file.fem)}`);
  const svg = await solveTimeSvg(summary.solves, subtitle(file));
  const resultsDir = join(root, 'bench', 'results');
  mkdirSync(resultsDir, { recursive: true });
  const targets = [join(resultsDir, 'solve-time.svg'), ...(args.docs ? [join(root, 'docs', 'solve-time.svg')] : [])];
  for (const target of targets) writeFileSync(target, svg);
  log(`plot: ${targets.join(', ')}`);
}

/** What a solver system's processes hold, for the size of its priming. */
function primedProgramOf(systemId: string): PrimedProgram {
  if (systemId === 'petsc') return 'petsc-jacobi';
  if (systemId === 'scipy') return 'scipy-cg';
  return 'ours-cg';
}

/** One run of `system` at size `n`; failures are recorded, never thrown, so one bad run costs one sample. */
function solveOnce(system: SolverSystem, n: number, round: number, timeoutSeconds: number): SolveRecord {
  const { file, args: argv } = system.command(n);
  primeMemory(primeMegabytesFor(primedProgramOf(system.id), n ** 3, system.np, args['prime-mb']));
  const run = runCommand(file, argv, timeoutSeconds);
  const base = { round, system: system.id, name: system.name, np: system.np, n, wall_s: run.wallSeconds };
  try {
    if (run.failure !== undefined) throw new Error(run.failure);
    return { ...base, sample: parseSolveSample(run.stdout, `${system.name} np=${system.np}`) };
  } catch (error) {
    return { ...base, error: error instanceof Error ? error.message : String(error) };
  }
}

/** One FEM assembly run; failures are recorded, never thrown. */
function femOnce(root: string, backend: 'threads' | 'mpi', np: number, cells: number, round: number, timeoutSeconds: number): FemRecord {
  const ours = join(root, 'dist', 'bench', 'poisson.js');
  const program = ['--backend', backend, '--fem', '--n', String(cells)];
  primeMemory(primeMegabytesFor('ours-fem', cells * cells, np, args['prime-mb']));
  const run = backend === 'threads'
    ? runCommand(process.execPath, [ours, ...program, '--np', String(np), ...threadsBindArgs(np)], timeoutSeconds)
    : runCommand('mpirun', ['--oversubscribe', '-n', String(np), process.execPath, ours, ...program], timeoutSeconds);
  const base = { round, backend, np, cells };
  try {
    if (run.failure !== undefined) throw new Error(run.failure);
    const r = parseResultLine(run.stdout, `bench/poisson --fem ${backend} np=${np}`);
    return { ...base, unknowns: Number(r.unknowns), triplets: Number(r.triplets), coo_s: Number(r.coo_s), psparse_s: Number(r.psparse_s) };
  } catch (error) {
    return { ...base, error: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * Compiles STREAM, and checks that bench/spmv can compile the C SpMV: what cannot run is logged (one
 * line each) and added to `skipped`.
 */
function streamProgram(anchorsDir: string, skipped: Record<string, string>): CompiledAnchor | undefined {
  const skip = (what: string, key: string, reason: string): undefined => {
    skipped[key] = reason;
    log(`skipped ${what}: ${reason}`);
    return undefined;
  };
  const gcc = runCommand('gcc', ['--version'], 60).failure;
  if (gcc !== undefined) {
    skip('C SpMV', 'c-spmv', `gcc does not run (${gcc}): apt-get install -y gcc`);
    return skip('STREAM', 'stream', `gcc does not run (${gcc}): apt-get install -y gcc`);
  }
  if (!existsSync(join(anchorsDir, 'spmv.c'))) skip('C SpMV', 'c-spmv', `spmv.c not in ${anchorsDir} (pass --anchors <dir>)`);
  const stream = compileAnchor(anchorsDir, 'stream.c');
  return 'reason' in stream ? skip('STREAM', 'stream', stream.reason) : stream;
}

async function measure(root: string): Promise<BenchFile> {
  const sizes = args.quick ? [50] : [...args.sizes];
  const rounds = args.quick ? 1 : args.rounds;
  const parts = [...args.parts];
  const timeout = args.timeout;
  const anchorsDir = args.anchors ?? defaultAnchorsDir();
  const date = new Date().toISOString();
  const machineStart = machineInfo();
  const revisionStart = revision(root);
  const buildStart = buildFingerprint(root);
  log(`bench: ${machineStart.cpu_model}, ${machineStart.nproc} cores, node ${machineStart.node}, load average ${machineStart.loadavg.join(' ')}`);
  const vcpusStart = probeVcpus();
  log(`vCPU probe: ${describeVcpuProbe(vcpusStart)}`);
  if (!existsSync(anchorsDir)) log(`anchors directory ${anchorsDir} not found: only ours runs (pass --anchors <dir>)`);

  const paths = { root, anchorsDir };
  const unavailable = unavailableSystems(paths);
  const candidates = allSystems(paths, parts, args.sequential);
  const skipped: Record<string, string> = {};
  for (const [id, reason] of unavailable) {
    const name = candidates.find((s) => s.id === id)?.name;
    if (name === undefined) continue;
    skipped[id] = reason;
    log(`skipped ${name}: ${reason}`);
  }
  const systems = candidates.filter((s) => !unavailable.has(s.id));
  const stream = streamProgram(anchorsDir, skipped);

  const perRound = sizes.reduce((t, n) => t + systems.reduce((s, system) => s + expectedSeconds(system, n), 0), CONTEXT_SECONDS);
  log(`plan: ${rounds} round(s) x (${systems.length} systems x n = ${sizes.join(', ')} + SpMV/STREAM context): ` +
    `estimated ${minutes(rounds * perRound)} on a quiet machine, up to twice that when other work loads the cores`);
  log(args['prime-mb'] > 0 ? `memory: each timed process primed with 1.25 times its program's expected peak, at most ${args['prime-mb']} MiB (--prime-mb 0: none)` : 'memory: not primed (--prime-mb 0)');

  const solves: SolveRecord[] = [];
  const context: ContextRecord[] = [];
  const contextErrors: string[] = [];
  const fem: FemRecord[] = [];
  const t0 = Date.now();
  for (let round = 0; round < rounds; round++) {
    const order = systems.map((_, i) => systems[(i + round) % systems.length]);
    for (const n of sizes) {
      for (const system of order) {
        const record = solveOnce(system, n, round, timeout);
        solves.push(record);
        const what = `[round ${round + 1}/${rounds}] ${system.name} np=${system.np} n=${n}`;
        if (record.sample === undefined) log(`${what}: FAILED ${record.error ?? ''}`);
        else log(`${what}: solve ${record.sample.solve_s.toFixed(3)} s, ${record.sample.iterations} iterations (process ${record.wall_s.toFixed(1)} s)`);
      }
    }
    let spmv: SpmvSample | undefined;
    try {
      spmv = runSpmv(root, anchorsDir, timeout);
    } catch (error) {
      contextErrors.push(`round ${round + 1}: ${error instanceof Error ? error.message : String(error)}`);
    }
    const streamSamples: StreamSample[] = [];
    if (stream !== undefined) {
      for (const threads of [1, 2]) {
        try {
          streamSamples.push(runStream(stream.binary, threads, timeout));
        } catch (error) {
          contextErrors.push(`round ${round + 1}: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
    }
    context.push({ round, ...(spmv === undefined ? {} : { spmv }), stream: streamSamples });
    const cells = args.quick ? 0 : args['fem-cells'];
    for (const np of cells > 0 ? parts : []) {
      for (const backend of ['threads', 'mpi'] as const) {
        if (backend === 'mpi' && unavailable.has('ours-mpi')) continue;
        const record = femOnce(root, backend, np, cells, round, timeout);
        fem.push(record);
        log(`[round ${round + 1}/${rounds}] FEM ${backend} np=${np}: ${record.error ?? `psparse ${record.psparse_s?.toFixed(3)} s`}`);
      }
    }
    const elapsed = (Date.now() - t0) / 1e3;
    log(`[round ${round + 1}/${rounds}] done after ${minutes(elapsed)}; about ${minutes((elapsed / (round + 1)) * (rounds - round - 1))} to go`);
  }
  stream?.remove();
  for (const error of contextErrors) log(`context measurement failed: ${error}`);
  const vcpusEnd = probeVcpus();
  log(`vCPU probe: ${describeVcpuProbe(vcpusEnd)}`);
  const buildEnd = buildFingerprint(root);
  if (buildEnd !== buildStart) log(`WARNING: dist/ or native/ was rebuilt during the run (${buildStart} -> ${buildEnd}): the samples mix two builds`);
  return {
    code: 'pa_bench',
    date,
    command: process.argv.slice(1),
    config: { sizes, rounds, parts, anchors_dir: anchorsDir, sequential: args.sequential, prime_mb: args['prime-mb'] },
    machine_start: machineStart,
    machine_end: machineInfo(),
    vcpus_start: vcpusStart,
    vcpus_end: vcpusEnd,
    revision: revisionStart,
    build: { start: buildStart, end: buildEnd },
    skipped,
    duration_s: (Date.now() - t0) / 1e3,
    solves,
    context,
    context_errors: contextErrors,
    fem,
    summary: summarize(solves, context),
  };
}

async function main(): Promise<void> {
  const root = repositoryRoot();
  if (args.from !== undefined) {
    await report(JSON.parse(readFileSync(args.from, 'utf8')) as BenchFile, root);
    return;
  }
  const file = await measure(root);
  const resultsDir = join(root, 'bench', 'results');
  mkdirSync(resultsDir, { recursive: true });
  const json = join(resultsDir, `bench-${file.date.slice(0, 19).replace(/:/g, '-')}.json`);
  writeFileSync(json, `${JSON.stringify(file, null, 1)}\n`);
  log(`finished in ${minutes(file.duration_s)}; load average ${file.machine_end.loadavg.join(' ')}; results: ${json}`);
  await report(file, root);
}

try {
  await main();
} catch (error) {
  console.error(`bench: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
