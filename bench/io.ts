/**
 * Parallel IO benchmark: write and read bandwidth of each format on 1 and 2 parts (Threads
 * backend: one worker thread per part, both writing their own byte ranges of one file), beside
 * the Python tools doing the same (bench/anchors/io_python.py: numpy, h5py, petsc4py, SciPy, one
 * process) and a `dd` sequential write of as many bytes (the flat-file limit).
 *
 * Data: a vector of `--vector-n` (10^7) float64 values (flat binary, HDF5, PETSc binary), the
 * n = `--poisson-n` (100) 3-D Poisson matrix (PETSc binary), and, because SciPy 1.10's Matrix
 * Market writer and reader are slow pure Python, the n = `--mm-n` (50) matrix and a
 * `--mm-vector-n` (10^6) vector for Matrix Market. Files live in a fresh directory under the
 * system's temporary directory (the page cache: nothing calls fsync, on either side). Each
 * operation is timed `--rounds` times per part count (collective: barrier, operation, barrier);
 * every timed call includes opening and closing its files on both sides, and each side writes and
 * reads its own files of the same layout (same bytes for the binary formats).
 *
 * Interleaved: this machine's memory bandwidth drifts by up to 2x between minutes, so the two sides
 * are not timed one after the other. The anchor runs as a server (`--serve`, started by part 0 of
 * each part count's run, its data built once) and every round of ours is followed or preceded
 * (alternately) by one round of the same operation by Python: both sides are timed in the same
 * seconds. Python's figure is its best over the rounds of both part counts' runs (2 x `--rounds`);
 * ours is the best of `--rounds` on each part count. Between rounds, outside the timing, each side
 * releases its previous result (see `timed`). Bandwidth = file size / time.
 *
 * The anchor gives malloc back its defaults after petsc4py has initialized MPI (see `plain_malloc`
 * in io_python.py): MPI's memory hooks otherwise make every numpy or h5py result of that process
 * reuse the previous round's resident heap memory, which no plain numpy user gets and which the
 * library's fresh, zero-filled results cannot.
 *
 * Run: `tsc -p tsconfig.json && node dist/bench/io.js [--rounds 3] [--cases flat,HDF5]` (needs the
 * HDF5 addon, /usr/bin/python3 with numpy, SciPy, h5py and petsc4py). Prints a table, the goal's
 * verdict and `RESULT {json}`; with `PA_IO_BENCH_TRACE=1`, every round's two times on stderr.
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import {
  getAny,
  multicast,
  psparse,
  pvector,
  readBinary,
  readHdf5,
  readMatrixMarket,
  readPetscBinary,
  uniformPartition,
  withThreads,
  writeBinary,
  writeHdf5,
  writeMatrixMarket,
  writePetscBinary,
  type PData,
} from '../src/index.js';
import { laplacianFdm } from '../src/gallery/laplacian-fdm.js';
import { formatTable } from '../src/format/table.js';
import { parseCommandOrExit, type CommandSpec, type FlagSpecs } from '../src/run/cli-args.js';
import { runAsProgram } from './lib/program.js';

const command = {
  program: 'bench/io',
  usage: ['node dist/bench/io.js [--rounds 3] [--vector-n 10000000] [--poisson-n 100] [--mm-n 50] [--mm-vector-n 1000000] [--cases WORDS]'],
  summary: 'Write/read bandwidth of the IO formats on 1 and 2 parts beside numpy, h5py, petsc4py and SciPy',
  flags: {
    rounds: { kind: 'positive-integer', help: 'timed repetitions of each operation per part count (the best is kept)', default: 3 },
    'vector-n': { kind: 'positive-integer', help: 'vector length (flat binary, HDF5, PETSc)', default: 10_000_000 },
    'poisson-n': { kind: 'positive-integer', help: 'Poisson grid size per direction (PETSc binary)', default: 100 },
    'mm-n': { kind: 'positive-integer', help: 'Poisson grid size per direction (Matrix Market)', default: 50 },
    'mm-vector-n': { kind: 'positive-integer', help: 'vector length (Matrix Market)', default: 1_000_000 },
    cases: { kind: 'string', help: 'run only the cases whose name contains one of these comma-separated words (default: all)', valueName: 'WORDS' },
  },
  positionals: 'none',
} as const satisfies CommandSpec<FlagSpecs>;

/** The issue's goal (issue 14): each format's write and read bandwidth against the Python tool's. */
const GOAL_RATIO = 0.8;

interface Timing {
  readonly case: string;
  readonly write_s: number;
  readonly read_s: number;
  readonly bytes: number;
}

/** What one part count's run measured: ours and, in the same minutes, Python's. */
interface RunTimings {
  readonly ours: Timing[];
  readonly python: Timing[];
}

/** Configuration handed to the worker threads through the environment. */
interface Config {
  readonly dir: string;
  readonly rounds: number;
  readonly vectorN: number;
  readonly poissonN: number;
  readonly mmN: number;
  readonly mmVectorN: number;
  /** Words naming the cases to run (all when empty). */
  readonly cases: string[];
}

function config(): Config {
  return JSON.parse(process.env.PA_IO_BENCH ?? '{}') as Config;
}

// The garbage collector, callable without `node --expose-gc` (see `timed`).
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

/**
 * One collective timing of `f` in seconds (part-local; part 0's figure is reported). Afterwards,
 * outside the timing, the result is dropped, collected and its memory given back to the system, as
 * CPython frees the array `np.fromfile` or h5py returned as soon as the timed call returns.
 * Collecting is not enough: the library's large arrays live in memory mapped by a native addon,
 * unmapped by a finalizer that Node runs only when the thread's event loop next turns; a loop of
 * synchronous rounds never lets it, so every read would fill fresh memory while the previous
 * results are still mapped, which on this virtual machine costs 100-300 ms of page zeroing per
 * 80 MB instead of 10 ms (measured), on our side only. Hence the `await` of one turn.
 */
async function timed(ranks: PData<number>, f: () => unknown): Promise<number> {
  const backend = ranks.backend;
  backend.barrier();
  const start = backend.wtime();
  f();
  backend.barrier();
  const seconds = backend.wtime() - start;
  collectGarbage();
  await new Promise((resolve) => setTimeout(resolve, 0));
  return seconds;
}

/** bench/anchors/io_python.py in `--serve` mode: one timed operation of one case per request. */
class PythonAnchor {
  private readonly lines: AsyncIterator<string>;

  private constructor(
    private readonly child: ChildProcessWithoutNullStreams,
    private readonly cases: string[],
  ) {
    this.lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  }

  /** Starts the anchor on this run's data; resolves once it has built it. */
  static async start(c: Config): Promise<PythonAnchor> {
    const child = spawn(
      '/usr/bin/python3',
      [
        fileURLToPath(new URL('../../bench/anchors/io_python.py', import.meta.url)),
        '--serve', `--dir=${c.dir}`, `--vector-n=${c.vectorN}`, `--poisson-n=${c.poissonN}`, `--mm-n=${c.mmN}`, `--mm-vector-n=${c.mmVectorN}`,
      ],
      { env: { ...process.env, PYTHONPATH: '/usr/lib/petscdir/petsc3.18/x86_64-linux-gnu-real/lib/python3/dist-packages', OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1' } },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const anchor = new PythonAnchor(child, []);
    const ready = await anchor.lines.next();
    if (ready.done === true) throw new Error(`io_python.py --serve ended before it was ready:\n${stderr}`);
    anchor.cases.push(...(JSON.parse(ready.value) as { ready: string[] }).ready);
    child.on('exit', (code) => {
      if (code !== 0) console.error(`io_python.py --serve exited with ${code}:\n${stderr}`);
    });
    return anchor;
  }

  /** Python's time in seconds of one `op` of the case named `name`, and its file's size. */
  async time(name: string, op: 'write' | 'read'): Promise<{ seconds: number; bytes: number }> {
    const index = this.cases.indexOf(name);
    if (index < 0) throw new Error(`io_python.py has no case named '${name}'`);
    this.child.stdin.write(`${index} ${op}\n`);
    const answer = await this.lines.next();
    if (answer.done === true) throw new Error(`io_python.py --serve ended during '${name}' ${op}`);
    return JSON.parse(answer.value) as { seconds: number; bytes: number };
  }

  close(): void {
    this.child.stdin.end();
  }
}

/** The worker's driver: every format written and read back on this run's parts, beside Python's rounds. */
export default async function main(ranks: PData<number>): Promise<RunTimings> {
  const c = config();
  // part 0 drives the anchor; it builds its data while this side builds its own
  const starting = ranks.localItems[0] === 0 ? PythonAnchor.start(c) : undefined;
  const ours: Timing[] = [];
  const python: Timing[] = [];
  const file = (name: string): string => join(c.dir, `np${ranks.np}-${name}`);
  const random = (g: number): number => Math.sin(12.9898 * g) * 43758.5453 - Math.floor(Math.sin(12.9898 * g) * 43758.5453);
  const v = pvector(uniformPartition(ranks, c.vectorN), (ids) => Array.from(ids.localToGlobal, random));
  const poisson = (n: number) => {
    const { I, J, V, rows, cols } = laplacianFdm(ranks, [n, n, n], [1, 1, ranks.np]);
    return psparse(I, J, V, rows, cols, { reuse: false }).wait();
  };
  const A = poisson(c.poissonN);
  const M = poisson(c.mmN);
  const mv = pvector(uniformPartition(ranks, c.mmVectorN), (ids) => Array.from(ids.localToGlobal, random));
  const anchor = await starting;
  // One round of Python's, its time on part 0 (NaN elsewhere); the other parts wait at the barrier.
  const pythonRound = async (name: string, op: 'write' | 'read'): Promise<{ seconds: number; bytes: number }> => {
    const answer = anchor === undefined ? { seconds: NaN, bytes: NaN } : await anchor.time(name, op);
    ranks.backend.barrier();
    return answer;
  };
  const record = async (name: string, path: string, write: () => void, read: () => unknown): Promise<void> => {
    if (c.cases.length > 0 && !c.cases.some((word) => name.includes(word))) return;
    const best = { write: Infinity, read: Infinity, pythonWrite: Infinity, pythonRead: Infinity, pythonBytes: 0 };
    for (const op of ['write', 'read'] as const) {
      for (let r = 0; r < c.rounds; r++) {
        // which side goes first alternates, so that neither always follows the other's memory traffic
        const pythonFirst = r % 2 === 1;
        const theirs = pythonFirst ? await pythonRound(name, op) : undefined;
        const seconds = await timed(ranks, op === 'write' ? write : read);
        const answer = theirs ?? (await pythonRound(name, op));
        if (process.env.PA_IO_BENCH_TRACE === '1' && ranks.localItems[0] === 0) console.error(`np${ranks.np} ${name} ${op} r${r} ours ${(seconds * 1e3).toFixed(1)} ms python ${(answer.seconds * 1e3).toFixed(1)} ms`);
        if (op === 'write') {
          best.write = Math.min(best.write, seconds);
          best.pythonWrite = Math.min(best.pythonWrite, answer.seconds);
        } else {
          best.read = Math.min(best.read, seconds);
          best.pythonRead = Math.min(best.pythonRead, answer.seconds);
        }
        best.pythonBytes = answer.bytes;
      }
    }
    ours.push({ case: name, write_s: best.write, read_s: best.read, bytes: statSync(path).size });
    python.push({ case: name, write_s: best.pythonWrite, read_s: best.pythonRead, bytes: best.pythonBytes });
  };
  await record('vector flat binary', file('v.f64'), () => writeBinary(file('v.f64'), v), () => readBinary(file('v.f64'), ranks));
  await record('vector HDF5', file('v.h5'), () => writeHdf5(file('v.h5'), 'v', v), () => readHdf5(file('v.h5'), 'v', ranks));
  await record('vector PETSc binary', file('v.petsc'), () => writePetscBinary(file('v.petsc'), v), () => readPetscBinary(file('v.petsc'), ranks));
  await record(`Poisson n=${c.poissonN} PETSc binary`, file('A.petsc'), () => writePetscBinary(file('A.petsc'), A), () => readPetscBinary(file('A.petsc'), ranks));
  await record(`Poisson n=${c.mmN} Matrix Market`, file('A.mtx'), () => writeMatrixMarket(file('A.mtx'), M), () => readMatrixMarket(file('A.mtx'), ranks));
  await record(`vector n=${c.mmVectorN} Matrix Market`, file('v.mtx'), () => writeMatrixMarket(file('v.mtx'), mv), () => readMatrixMarket(file('v.mtx'), ranks));
  anchor?.close();
  // every part returns part 0's figures
  return getAny(multicast(ranks.map(() => ({ ours, python })), { source: 0 }));
}

/** Seconds of `dd` writing `bytes` zero bytes to a file in 1 MiB blocks (best of `rounds`). */
function ddSeconds(dir: string, bytes: number, rounds: number): number {
  let fastest = Infinity;
  for (let r = 0; r < rounds; r++) {
    const start = performance.now();
    const run = spawnSync('dd', ['if=/dev/zero', `of=${join(dir, 'dd.bin')}`, 'bs=1M', `count=${Math.ceil(bytes / 2 ** 20)}`], { encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`dd failed: ${run.stderr}`);
    fastest = Math.min(fastest, (performance.now() - start) / 1000);
  }
  return fastest;
}

async function run(): Promise<void> {
  const { flags } = parseCommandOrExit(command, process.argv.slice(2));
  const dir = mkdtempSync(join(tmpdir(), 'pa-io-bench-'));
  const c: Config = { dir, rounds: flags.rounds, vectorN: flags['vector-n'], poissonN: flags['poisson-n'], mmN: flags['mm-n'], mmVectorN: flags['mm-vector-n'],
    cases: (flags.cases ?? '').split(',').filter((word) => word !== '') };
  process.env.PA_IO_BENCH = JSON.stringify(c);
  try {
    const runs = new Map<number, RunTimings>();
    for (const np of [1, 2]) runs.set(np, (await withThreads<RunTimings>(np, import.meta.url))[0]);
    const runOf = (np: number): RunTimings => runs.get(np) as RunTimings;
    const dd = ddSeconds(dir, c.vectorN * 8, c.rounds);
    const mbps = (bytes: number, s: number): number => bytes / s / 1e6;
    const rows: string[][] = [];
    const result: Record<string, unknown>[] = [];
    const missed: string[] = [];
    for (const { case: name } of runOf(1).ours) {
      const [one, two] = [1, 2].map((np) => runOf(np).ours.find((t) => t.case === name) as Timing);
      const pythons = [1, 2].map((np) => runOf(np).python.find((t) => t.case === name) as Timing);
      const w = [one, two].map((t) => mbps(t.bytes, t.write_s));
      const r = [one, two].map((t) => mbps(t.bytes, t.read_s));
      const pw = mbps(pythons[0].bytes, Math.min(...pythons.map((t) => t.write_s)));
      const pr = mbps(pythons[0].bytes, Math.min(...pythons.map((t) => t.read_s)));
      const writeRatio = Math.max(...w) / pw;
      const readRatio = Math.max(...r) / pr;
      if (writeRatio < GOAL_RATIO) missed.push(`${name} write ${writeRatio.toFixed(2)}`);
      if (readRatio < GOAL_RATIO) missed.push(`${name} read ${readRatio.toFixed(2)}`);
      rows.push([name, (one.bytes / 1e6).toFixed(1), w[0].toFixed(0), w[1].toFixed(0), pw.toFixed(0), writeRatio.toFixed(2),
        r[0].toFixed(0), r[1].toFixed(0), pr.toFixed(0), readRatio.toFixed(2)]);
      result.push({
        case: name, bytes: one.bytes, python_bytes: pythons[0].bytes,
        write_MBps: { np1: w[0], np2: w[1], python: pw }, read_MBps: { np1: r[0], np2: r[1], python: pr },
        write_ratio: writeRatio, read_ratio: readRatio,
      });
    }
    console.log(`IO bandwidth (MB/s; ours best of ${c.rounds} per part count, Python best of ${2 * c.rounds}, rounds alternating in the same minutes; ratio = best of np 1 and 2 / Python) — dd of ${(c.vectorN * 8 / 1e6).toFixed(0)} MB: ${mbps(c.vectorN * 8, dd).toFixed(0)} MB/s`);
    console.log(formatTable(['case', 'MB', 'write np1', 'write np2', 'write py', 'ratio', 'read np1', 'read np2', 'read py', 'ratio'], rows));
    console.log(`goal (issue 14): every format's write and read ratio >= ${GOAL_RATIO}: ${missed.length === 0 ? 'met' : `missed by ${missed.join(', ')}`}`);
    console.log(`RESULT ${JSON.stringify({ code: 'pa_io', dd_write_MBps: mbps(c.vectorN * 8, dd), goal_ratio: GOAL_RATIO, goal_met: missed.length === 0, results: result })}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await runAsProgram(import.meta.url, 'bench/io', run);
