#!/usr/bin/env node
// Builds every native addon under native/ whose prerequisites are present (run by `npm install`
// and `npm run build:native`). A missing prerequisite is never an install failure: it prints one
// line saying which feature is unavailable and how to enable it, and the JS fallback is used.
// With PA_REQUIRE_NATIVE=1 (this repository's CI sets it) a missing prerequisite or a failed build
// exits 1, so CI never silently skips. `CI=true` alone does not: a downstream project's CI must be
// able to install the package on a machine without a compiler.
//
// Adding an addon = one entry in ADDONS: its directory (holding binding.gyp), what it enables,
// a check of its prerequisites, and the fix to print when they are missing.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const required = process.env.PA_REQUIRE_NATIVE === '1' || process.env.PA_REQUIRE_NATIVE === 'true';
// Installed as a dependency, the package's own npm scripts cannot be run from the user's project,
// so the fix names the package's CLI command, which runs this script; in a clone of the
// repository it is an npm script.
const rebuild =
  basename(dirname(root)) === 'node_modules' ? 'run `npx partitioned-arrays build` in your project' : 'run `npm run build:native`';

/** Path of an executable named `name` on PATH, or undefined. */
function onPath(name) {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    try {
      accessSync(join(dir, name), constants.X_OK);
      return join(dir, name);
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

const ADDONS = [
  {
    dir: 'native/kernels',
    feature: 'the native kernels (SpMV, dot, axpy, fused CG updates)',
    missing: () =>
      onPath('g++') === undefined && onPath('c++') === undefined ? 'no C++ compiler (g++ or c++) was found on PATH' : undefined,
    fix: `install a C++ compiler (apt-get install -y g++), then ${rebuild}`,
  },
  {
    dir: 'native/mpi',
    feature: 'the MPI backend',
    missing: () => (onPath('mpicc') === undefined ? 'mpicc was not found on PATH' : undefined),
    fix: `install Open MPI (apt-get install -y openmpi-bin libopenmpi-dev), then ${rebuild}`,
  },
  {
    dir: 'native/blas',
    feature: 'the OpenBLAS dense routines (ddot, daxpy, dgemv)',
    missing: () => {
      if (onPath('g++') === undefined && onPath('c++') === undefined) return 'no C++ compiler (g++ or c++) was found on PATH';
      if (['/usr/include/x86_64-linux-gnu/cblas.h', '/usr/include/cblas.h'].some((header) => existsSync(header))) return undefined;
      if (spawnSync('pkg-config', ['--exists', 'openblas']).status === 0) return undefined;
      return 'OpenBLAS was not found (no cblas.h in /usr/include/x86_64-linux-gnu or /usr/include, and `pkg-config --exists openblas` failed)';
    },
    fix: `install OpenBLAS (apt-get install -y libopenblas-dev), then ${rebuild}`,
  },
  {
    dir: 'native/hdf5',
    feature: 'HDF5 files (writeHdf5, readHdf5)',
    missing: () => {
      if (onPath('g++') === undefined && onPath('c++') === undefined) return 'no C++ compiler (g++ or c++) was found on PATH';
      if (spawnSync('pkg-config', ['--exists', 'hdf5']).status === 0 || existsSync('/usr/include/hdf5/serial/hdf5.h')) return undefined;
      return 'the HDF5 library was not found (`pkg-config --exists hdf5` failed and there is no /usr/include/hdf5/serial/hdf5.h)';
    },
    fix: `install the HDF5 library (apt-get install -y libhdf5-dev pkg-config), then ${rebuild}`,
  },
  {
    dir: 'native/banded',
    feature: 'the native banded block-banded matvec (mulInto)',
    missing: () =>
      onPath('g++') === undefined && onPath('c++') === undefined ? 'no C++ compiler (g++ or c++) was found on PATH' : undefined,
    fix: `install a C++ compiler (apt-get install -y g++), then ${rebuild}`,
  },
  {
    dir: 'native/spgemm',
    feature: 'the native sparse matrix products (matmul, transpose, rap, AMG set-up)',
    missing: () =>
      onPath('g++') === undefined && onPath('c++') === undefined ? 'no C++ compiler (g++ or c++) was found on PATH' : undefined,
    fix: `install a C++ compiler (apt-get install -y g++), then ${rebuild}`,
  },
  {
    dir: 'native/ilu',
    feature: 'the native ILU(0) and GMRES Gram-Schmidt kernels',
    missing: () =>
      onPath('g++') === undefined && onPath('c++') === undefined ? 'no C++ compiler (g++ or c++) was found on PATH' : undefined,
    fix: `install a C++ compiler (apt-get install -y g++), then ${rebuild}`,
  },
  {
    dir: 'native/textio',
    feature: 'the native Matrix Market parser (readMatrixMarket)',
    missing: () =>
      onPath('g++') === undefined && onPath('c++') === undefined ? 'no C++ compiler (g++ or c++) was found on PATH' : undefined,
    fix: `install a C++ compiler (apt-get install -y g++), then ${rebuild}`,
  },
];

/** node-gyp's entry script: npm's own copy (no download), or one on PATH. */
function findNodeGyp() {
  const candidates = [
    process.env.npm_config_node_gyp,
    join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
    onPath('node-gyp'),
  ];
  return candidates.find((file) => file !== undefined && file !== '' && existsSync(file));
}

/** Why no addon can be built at all on this machine (toolchain shared by every addon), if so. */
function toolchainProblem() {
  const nodedir = dirname(dirname(process.execPath));
  if (!existsSync(join(nodedir, 'include', 'node', 'node_api.h'))) {
    return { problem: `Node's headers were not found in ${join(nodedir, 'include', 'node')}` };
  }
  try {
    createRequire(join(root, 'package.json')).resolve('node-addon-api');
  } catch {
    return { problem: 'the node-addon-api package is not installed (run `npm install`)' };
  }
  const nodeGyp = findNodeGyp();
  if (nodeGyp === undefined) return { problem: 'node-gyp was not found (it ships with npm)' };
  return { nodedir, nodeGyp };
}

function build(addon, toolchain) {
  const args = [toolchain.nodeGyp, 'rebuild', `--nodedir=${toolchain.nodedir}`, `--directory=${join(root, addon.dir)}`];
  const result = spawnSync(process.execPath, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (result.status === 0) return undefined;
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim().split('\n').slice(-25).join('\n');
  return `${output}\nnode-gyp exited with ${result.status ?? result.signal ?? result.error?.message}`;
}

let failed = false;
const toolchain = toolchainProblem();
for (const addon of ADDONS) {
  if (!existsSync(join(root, addon.dir, 'binding.gyp'))) continue;
  const missing = addon.missing() ?? toolchain.problem;
  if (missing !== undefined) {
    console.log(`partitioned-arrays: ${addon.feature} is unavailable (${missing}); to enable it, ${addon.fix}.`);
    failed ||= required;
    continue;
  }
  const error = build(addon, toolchain);
  if (error === undefined) {
    console.log(`partitioned-arrays: built ${addon.dir} (${addon.feature}).`);
  } else {
    console.error(error);
    console.log(`partitioned-arrays: ${addon.feature} is unavailable (the build of ${addon.dir} failed, see above); fix the error, then ${rebuild}.`);
    failed ||= required;
  }
}
if (failed) {
  console.error('partitioned-arrays: PA_REQUIRE_NATIVE is set, so a missing or failed native build is an error.');
  process.exit(1);
}
