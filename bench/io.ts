/**
 * Parallel IO benchmark: write and read bandwidth of each format on 1 and 2 parts (Threads
 * backend: one worker thread per part, both writing their own byte ranges of one file), beside
 * the Python tools doing the same in the same run (bench/anchors/io_python.py: numpy, h5py,
 * petsc4py, SciPy, one process) and a `dd` sequential write of as many bytes (the flat-file limit).
 *
 * Data: a vector of `--vector-n` (10^7) float64 values (flat binary, HDF5, PETSc binary), the
 * n = `--poisson-n` (100) 3-D Poisson matrix (PETSc binary), and, because SciPy 1.10's Matrix
 * Market writer and reader are slow pure Python, the n = `--mm-n` (50) matrix and a
 * `--mm-vector-n` (10^6) vector for Matrix Market. Files live in a fresh directory under the
 * system's temporary directory (the page cache: nothing calls fsync, on either side). Each
 * operation is timed `--rounds` times (collective: barrier, operation, barrier); the best time is
 * kept on both sides; every timed call includes opening and closing its files on both sides, and
 * each side writes and reads its own files of the same layout (same bytes for the binary formats).
 * Between rounds, outside the timing, each side releases the previous result (see `best`).
 * Bandwidth = file size / time.
 *
 * Run: `tsc -p tsconfig.json && node dist/bench/io.js [--rounds 3]` (needs the HDF5 addon,
 * /usr/bin/python3 with numpy, SciPy, h5py and petsc4py). Prints a table and `RESULT {json}`.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
  usage: ['node dist/bench/io.js [--rounds 3] [--vector-n 10000000] [--poisson-n 100] [--mm-n 50] [--mm-vector-n 1000000]'],
  summary: 'Write/read bandwidth of the IO formats on 1 and 2 parts beside numpy, h5py, petsc4py and SciPy',
  flags: {
    rounds: { kind: 'positive-integer', help: 'timed repetitions of each operation (the best is kept)', default: 3 },
    'vector-n': { kind: 'positive-integer', help: 'vector length (flat binary, HDF5, PETSc)', default: 10_000_000 },
    'poisson-n': { kind: 'positive-integer', help: 'Poisson grid size per direction (PETSc binary)', default: 100 },
    'mm-n': { kind: 'positive-integer', help: 'Poisson grid size per direction (Matrix Market)', default: 50 },
    'mm-vector-n': { kind: 'positive-integer', help: 'vector length (Matrix Market)', default: 1_000_000 },
  },
  positionals: 'none',
} as const satisfies CommandSpec<FlagSpecs>;

interface Timing {
  readonly case: string;
  readonly write_s: number;
  readonly read_s: number;
  readonly bytes: number;
}

/** Configuration handed to the worker threads through the environment. */
interface Config {
  readonly dir: string;
  readonly rounds: number;
  readonly vectorN: number;
  readonly poissonN: number;
  readonly mmN: number;
  readonly mmVectorN: number;
}

function config(): Config {
  return JSON.parse(process.env.PA_IO_BENCH ?? '{}') as Config;
}

// The garbage collector, callable without `node --expose-gc` (see `best`).
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

/**
 * The best of `rounds` collective timings of `f` (every part gets part 0's figure). Between rounds,
 * outside the timing, the previous round's result is dropped, collected and its memory given back
 * to the system, as CPython frees the array `np.fromfile` or h5py returned as soon as the timed
 * call returns. Collecting is not enough: the library's large arrays live in memory mapped by a
 * native addon, unmapped by a finalizer that Node runs only when the thread's event loop next
 * turns; a loop of synchronous rounds never lets it, so every read would fill fresh memory while
 * the previous results are still mapped, which on this virtual machine costs 100-300 ms of page
 * zeroing per 80 MB instead of 10 ms (measured), on our side only. Hence the `await` of one turn.
 */
async function best(ranks: PData<number>, rounds: number, f: () => unknown): Promise<number> {
  const backend = ranks.backend;
  let fastest = Infinity;
  for (let r = 0; r < rounds; r++) {
    backend.barrier();
    const start = backend.wtime();
    f();
    backend.barrier();
    fastest = Math.min(fastest, backend.wtime() - start);
    collectGarbage();
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  return getAny(multicast(ranks.map(() => fastest), { source: 0 }));
}

/** The worker's driver: every format written and read back on this run's parts. */
export default async function main(ranks: PData<number>): Promise<Timing[]> {
  const c = config();
  const out: Timing[] = [];
  const record = async (name: string, path: string, write: () => void, read: () => unknown): Promise<void> => {
    const write_s = await best(ranks, c.rounds, write);
    const read_s = await best(ranks, c.rounds, read);
    out.push({ case: name, write_s, read_s, bytes: statSync(path).size });
  };
  const file = (name: string): string => join(c.dir, `np${ranks.np}-${name}`);
  const random = (g: number): number => Math.sin(12.9898 * g) * 43758.5453 - Math.floor(Math.sin(12.9898 * g) * 43758.5453);
  const v = pvector(uniformPartition(ranks, c.vectorN), (ids) => Array.from(ids.localToGlobal, random));
  await record('vector flat binary', file('v.f64'), () => writeBinary(file('v.f64'), v), () => readBinary(file('v.f64'), ranks));
  await record('vector HDF5', file('v.h5'), () => writeHdf5(file('v.h5'), 'v', v), () => readHdf5(file('v.h5'), 'v', ranks));
  await record('vector PETSc binary', file('v.petsc'), () => writePetscBinary(file('v.petsc'), v), () => readPetscBinary(file('v.petsc'), ranks));
  const poisson = (n: number) => {
    const { I, J, V, rows, cols } = laplacianFdm(ranks, [n, n, n], [1, 1, ranks.np]);
    return psparse(I, J, V, rows, cols, { reuse: false }).wait();
  };
  const A = poisson(c.poissonN);
  await record(`Poisson n=${c.poissonN} PETSc binary`, file('A.petsc'), () => writePetscBinary(file('A.petsc'), A), () => readPetscBinary(file('A.petsc'), ranks));
  const M = poisson(c.mmN);
  await record(`Poisson n=${c.mmN} Matrix Market`, file('A.mtx'), () => writeMatrixMarket(file('A.mtx'), M), () => readMatrixMarket(file('A.mtx'), ranks));
  const mv = pvector(uniformPartition(ranks, c.mmVectorN), (ids) => Array.from(ids.localToGlobal, random));
  await record(`vector n=${c.mmVectorN} Matrix Market`, file('v.mtx'), () => writeMatrixMarket(file('v.mtx'), mv), () => readMatrixMarket(file('v.mtx'), ranks));
  return out;
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
  const c: Config = { dir, rounds: flags.rounds, vectorN: flags['vector-n'], poissonN: flags['poisson-n'], mmN: flags['mm-n'], mmVectorN: flags['mm-vector-n'] };
  process.env.PA_IO_BENCH = JSON.stringify(c);
  try {
    const ours = new Map<number, Timing[]>();
    for (const np of [1, 2]) ours.set(np, (await withThreads<Timing[]>(np, import.meta.url))[0]);
    const anchor = spawnSync(
      '/usr/bin/python3',
      [
        fileURLToPath(new URL('../../bench/anchors/io_python.py', import.meta.url)),
        `--dir=${dir}`, `--rounds=${c.rounds}`, `--vector-n=${c.vectorN}`, `--poisson-n=${c.poissonN}`, `--mm-n=${c.mmN}`, `--mm-vector-n=${c.mmVectorN}`,
      ],
      { encoding: 'utf8', env: { ...process.env, PYTHONPATH: '/usr/lib/petscdir/petsc3.18/x86_64-linux-gnu-real/lib/python3/dist-packages', OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1' } },
    );
    if (anchor.status !== 0) throw new Error(`io_python.py failed:\n${anchor.stderr}`);
    const python = (JSON.parse(/RESULT (.*)/.exec(anchor.stdout)?.[1] ?? '{}') as { results: Timing[] }).results;
    const dd = ddSeconds(dir, c.vectorN * 8, c.rounds);
    const mbps = (bytes: number, s: number): number => bytes / s / 1e6;
    const rows: string[][] = [];
    const result: Record<string, unknown>[] = [];
    for (const theirs of python) {
      const [one, two] = [1, 2].map((np) => ours.get(np)?.find((t) => t.case === theirs.case) as Timing);
      const w = [one, two].map((t) => mbps(t.bytes, t.write_s));
      const r = [one, two].map((t) => mbps(t.bytes, t.read_s));
      const pw = mbps(theirs.bytes, theirs.write_s);
      const pr = mbps(theirs.bytes, theirs.read_s);
      rows.push([theirs.case, (one.bytes / 1e6).toFixed(1), w[0].toFixed(0), w[1].toFixed(0), pw.toFixed(0), (Math.max(...w) / pw).toFixed(2),
        r[0].toFixed(0), r[1].toFixed(0), pr.toFixed(0), (Math.max(...r) / pr).toFixed(2)]);
      result.push({ case: theirs.case, bytes: one.bytes, python_bytes: theirs.bytes, write_MBps: { np1: w[0], np2: w[1], python: pw }, read_MBps: { np1: r[0], np2: r[1], python: pr } });
    }
    console.log(`IO bandwidth (MB/s, best of ${c.rounds}; ratio = best of np 1 and 2 / Python) — dd of ${(c.vectorN * 8 / 1e6).toFixed(0)} MB: ${mbps(c.vectorN * 8, dd).toFixed(0)} MB/s`);
    console.log(formatTable(['case', 'MB', 'write np1', 'write np2', 'write py', 'ratio', 'read np1', 'read np2', 'read py', 'ratio'], rows));
    console.log(`RESULT ${JSON.stringify({ code: 'pa_io', dd_write_MBps: mbps(c.vectorN * 8, dd), results: result })}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await runAsProgram(import.meta.url, 'bench/io', run);
