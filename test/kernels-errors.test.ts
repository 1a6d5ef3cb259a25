/**
 * Bad input to the kernels (the same InvalidArgumentError, word for word, from the JS and the
 * native set, before anything is written; TypeError/RangeError from the raw addon), and the
 * choice of kernels: PA_KERNELS, PA_REQUIRE_NATIVE, and the loader's diagnosis.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BackendUnavailableError, InvalidArgumentError } from '../src/errors.js';
import { jsKernels } from '../src/kernels/js-kernels.js';
import type { KernelSet } from '../src/kernels/kernel-set.js';
import { KERNELS_FIXES, kernelsAddonPaths, loadKernelsBinding, nativeKernelSet } from '../src/kernels/native-kernels.js';
import { kernelKind, kernels, selectKernels } from '../src/kernels/select-kernels.js';

const f64 = (n: number): Float64Array => new Float64Array(n).fill(7);

/** A bad call, the message it must throw, and the array that must stay untouched. */
interface BadCall {
  readonly call: (k: KernelSet) => unknown;
  readonly message: string;
  readonly untouched: Float64Array;
}

function badCalls(): BadCall[] {
  const y = f64(3);
  const x = f64(3);
  const out = f64(1);
  const rowPtr = Int32Array.of(0, 1, 2);
  const colIdx = Int32Array.of(0, 1);
  const values = Float64Array.of(1, 2);
  return [
    { call: (k) => k.dot(-1, x, y), message: 'dot: n must be an integer in 0 .. 2^31-1, got -1', untouched: y },
    { call: (k) => k.sum(1.5, x), message: 'sum: n must be an integer in 0 .. 2^31-1, got 1.5', untouched: x },
    { call: (k) => k.axpy(4, 2, x, y), message: 'axpy: x has length 3, needs at least 4', untouched: y },
    { call: (k) => k.axpy(300, 2, f64(300), y), message: 'axpy: y has length 3, needs at least 300', untouched: y },
    {
      call: (k) => k.axpby(2, 1, [1, 2] as unknown as Float64Array, 1, y),
      message: 'axpby: x must be a Float64Array, got Array',
      untouched: y,
    },
    { call: (k) => k.scale(3, '2' as unknown as number, x), message: 'scale: alpha must be a number, got string', untouched: x },
    {
      call: (k) => k.spmv(3, rowPtr, colIdx, values, x, y),
      message: 'spmv: rowPtr has length 3, needs at least nRows + 1 = 4',
      untouched: y,
    },
    {
      call: (k) => k.spmvAdd(2, Int32Array.of(0, 1, 5), colIdx, values, x, y),
      message: 'spmvAdd: rowPtr[nRows] = 5 must be in 0 .. min(colIdx.length, values.length) = 2',
      untouched: y,
    },
    {
      call: (k) => k.spmv(2, rowPtr, Float64Array.of(0, 1) as unknown as Int32Array, values, x, y),
      message: 'spmv: colIdx must be an Int32Array, got Float64Array',
      untouched: y,
    },
    {
      call: (k) => k.spmvDot(2, rowPtr, colIdx, values, x, y, f64(1), 0),
      message: 'spmvDot: w has length 1, needs at least 2',
      untouched: y,
    },
    {
      call: (k) => k.spmvAddDot(2, rowPtr, colIdx, values, x, f64(1), y, 0),
      message: 'spmvAddDot: y has length 1, needs at least 2',
      untouched: y,
    },
    {
      call: (k) => k.spmvAddDot(2, rowPtr, colIdx, values, x, y, y, '1' as unknown as number),
      message: 'spmvAddDot: init must be a number, got string',
      untouched: y,
    },
    {
      call: (k) => k.cgUpdate(3, 1, x, x, y, f64(2)),
      message: 'cgUpdate: r has length 2, needs at least 3',
      untouched: y,
    },
    {
      call: (k) => k.spmvDotCompact(2, 1, 0, 0, new Uint8Array(3), new Int16Array(0), values, x, y, x, 0),
      message: 'spmvDotCompact: rowBegin must not exceed rowEnd, got 2 > 1',
      untouched: y,
    },
    {
      call: (k) => k.spmvDotCompact(0, 2, 3, 1, new Uint8Array(3), new Int16Array(3), values, x, y, x, 0),
      message: 'spmvDotCompact: entryBegin must not exceed entryEnd, got 3 > 1',
      untouched: y,
    },
    {
      call: (k) => k.spmvDotCompact(0, 3, 0, 2, new Uint8Array(2), new Int16Array(2), values, x, y, x, 0),
      message: 'spmvDotCompact: lengths has length 2, needs at least 3',
      untouched: y,
    },
    {
      call: (k) => k.spmvDotCompact(0, 2, 0, 2, new Uint8Array(2), Int32Array.of(0, 0) as unknown as Int16Array, values, x, y, x, 0),
      message: 'spmvDotCompact: offsets must be an Int16Array, got Int32Array',
      untouched: y,
    },
    {
      call: (k) => k.spmvDotCompact(0, 2, 0, 3, Uint8Array.of(1, 2), new Int16Array(3), values, x, y, x, 0),
      message: 'spmvDotCompact: values has length 2, needs at least 3',
      untouched: y,
    },
    {
      call: (k) => k.spmvDotCompact(0, 3, 0, 2, Uint8Array.of(1, 1, 0), new Int16Array(2), values, x, f64(2), x, 0),
      message: 'spmvDotCompact: y has length 2, needs at least 3',
      untouched: y,
    },
    {
      call: (k) => k.spmvDotCompact(0.5, 1, 0, 1, new Uint8Array(1), new Int16Array(1), values, x, y, x, 0),
      message: 'spmvDotCompact: rowBegin must be an integer in 0 .. 2^31-1, got 0.5',
      untouched: y,
    },
    {
      call: (k) => k.cgResidualJacobi(3, 1, x, y, x, out),
      message: 'cgResidualJacobi: out has length 1, needs at least 2',
      untouched: y,
    },
    {
      call: (k) => k.cgStepJacobi(3, 1, 0.5, x, x, y, f64(2)),
      message: 'cgStepJacobi: x has length 2, needs at least 3',
      untouched: y,
    },
    {
      call: (k) => k.cgStepJacobi(3, 1, 'b' as unknown as number, x, x, y, f64(3)),
      message: 'cgStepJacobi: beta must be a number, got string',
      untouched: y,
    },
    {
      call: (k) => k.cgDirectionJacobi(3, 0.5, x, f64(2), y),
      message: 'cgDirectionJacobi: dinv has length 2, needs at least 3',
      untouched: y,
    },
    {
      call: (k) => k.cgDirectionJacobi(3, undefined as unknown as number, x, x, y),
      message: 'cgDirectionJacobi: beta must be a number, got undefined',
      untouched: y,
    },
  ];
}

function expectRejected(k: KernelSet): void {
  for (const { call, message, untouched } of badCalls()) {
    expect(() => call(k)).toThrow(InvalidArgumentError);
    expect(() => call(k)).toThrow(message);
    try {
      call(k);
    } catch (error) {
      expect((error as InvalidArgumentError).message).toBe(message);
      expect((error as InvalidArgumentError).code).toBe('INVALID_ARGUMENT');
    }
    expect(Array.from(untouched).every((v) => v === 7), `${message}: nothing written`).toBe(true);
  }
}

describe('kernel argument checks', () => {
  it('the JS kernels reject bad counts, short arrays and wrong types before writing', () => {
    expectRejected(jsKernels);
  });

  // Registered only when the addon is in use; kernels.test.ts reports (and with PA_REQUIRE_NATIVE=1 fails) otherwise.
  if (kernelKind === 'native') {
    it('the native kernels reject the same calls with the same messages', () => {
      const binding = loadKernelsBinding();
      expectRejected(nativeKernelSet(binding, 0));
      expectRejected(nativeKernelSet(binding));
    });

    it('the raw addon refuses wrong types (TypeError) and short arrays (RangeError) itself', () => {
      const binding = loadKernelsBinding();
      const y = f64(2);
      const cases: [() => unknown, ErrorConstructor, string][] = [
        [() => binding.dot(3, f64(3), y), RangeError, 'dot: y has length 2, needs at least 3'],
        [() => binding.axpy(2, 1, [1, 2] as unknown as Float64Array, y), TypeError, 'axpy: x must be a Float64Array'],
        [
          () => binding.spmv(2, Int32Array.of(0, 1, 9), Int32Array.of(0, 1), f64(2), f64(2), y),
          RangeError,
          'spmv: rowPtr[nRows] must be in 0 .. min(colIdx.length, values.length)',
        ],
        [() => binding.scale(-1, 2, y), RangeError, 'scale: n must be an integer in 0 .. 2^31-1'],
        [() => binding.cgUpdate(2, 'a' as unknown as number, y, y, y, y), TypeError, 'cgUpdate: alpha must be a number'],
        [() => binding.cgDirectionJacobi(2, 1, y, [1, 1] as unknown as Float64Array, f64(2)), TypeError, 'cgDirectionJacobi: dinv must be a Float64Array'],
        [() => binding.cgDirectionJacobi(2, 1, f64(2), f64(2), f64(1)), RangeError, 'cgDirectionJacobi: p has length 1, needs at least 2'],
        [() => binding.cgResidualJacobi(2, 1, y, y, y, f64(1)), RangeError, 'cgResidualJacobi: out has length 1, needs at least 2'],
        [
          () => binding.spmvDotCompact(0, 1, 0, 1, Int8Array.of(1) as unknown as Uint8Array, new Int16Array(1), f64(1), y, y, y, 0),
          TypeError,
          'spmvDotCompact: lengths must be a Uint8Array',
        ],
        [
          () => binding.spmvDotCompact(0, 1, 0, 2, Uint8Array.of(2), new Int16Array(1), f64(2), y, y, y, 0),
          RangeError,
          'spmvDotCompact: offsets has length 1, needs at least 2',
        ],
        [
          () => binding.spmvDotCompact(1, 0, 0, 0, new Uint8Array(1), new Int16Array(0), f64(0), y, y, y, 0),
          RangeError,
          'spmvDotCompact: rowBegin must not exceed rowEnd',
        ],
        [() => binding.cgStepJacobi(2, 1, 1, y, y, y, [0, 0] as unknown as Float64Array), TypeError, 'cgStepJacobi: x must be a Float64Array'],
      ];
      for (const [call, type, message] of cases) {
        expect(call).toThrow(type);
        expect(call).toThrow(message);
      }
      expect(Array.from(y)).toEqual([7, 7]);
    });
  }
});

describe('selectKernels', () => {
  const fakeNative: KernelSet = { ...jsKernels, kind: 'native' };
  const unavailable = (): KernelSet => {
    throw new BackendUnavailableError('The native kernels are unavailable', ['/x/pa_kernels.node: not built (no such file)'], KERNELS_FIXES);
  };

  it('PA_KERNELS=js gives the JS kernels without trying the addon', () => {
    expect(selectKernels({ PA_KERNELS: 'js', PA_REQUIRE_NATIVE: '1' }, () => expect.fail('must not load'))).toBe(jsKernels);
  });

  it('prefers the addon when it loads, with or without PA_KERNELS=native', () => {
    expect(selectKernels({}, () => fakeNative)).toBe(fakeNative);
    expect(selectKernels({ PA_KERNELS: 'native' }, () => fakeNative)).toBe(fakeNative);
  });

  it('falls back to JS, visibly through kind, when the addon is missing and PA_REQUIRE_NATIVE is not set (CI=true included)', () => {
    expect(selectKernels({}, unavailable).kind).toBe('js');
    expect(selectKernels({ PA_REQUIRE_NATIVE: '0', PA_KERNELS: '' }, unavailable).kind).toBe('js');
    // A downstream project's CI has CI=true and maybe no compiler: importing the library must work.
    const downstreamCi = { CI: 'true', PA_KERNELS: '' };
    expect(selectKernels(downstreamCi, unavailable).kind).toBe('js');
  });

  it('throws when the addon is missing and PA_KERNELS=native or PA_REQUIRE_NATIVE requires it', () => {
    const reasonsAndFixes =
      ':\n  - /x/pa_kernels.node: not built (no such file)\nTo fix this:\n' +
      '  1. install a C++ compiler: apt-get install -y g++\n  2. build the addon: npm run build:native\n' +
      '  3. or use the JavaScript kernels on purpose: PA_KERNELS=js';
    expect(() => selectKernels({ PA_KERNELS: 'native' }, unavailable)).toThrow(BackendUnavailableError);
    expect(() => selectKernels({ PA_KERNELS: 'native' }, unavailable)).toThrow(
      `The native kernels are unavailable and PA_KERNELS=native requires them${reasonsAndFixes}`,
    );
    expect(() => selectKernels({ PA_REQUIRE_NATIVE: '1' }, unavailable)).toThrow(
      `The native kernels are unavailable and PA_REQUIRE_NATIVE=1 requires them (set PA_KERNELS=js to test the JavaScript kernels)${reasonsAndFixes}`,
    );
  });

  it('rejects an unknown PA_KERNELS value', () => {
    expect(() => selectKernels({ PA_KERNELS: 'fast' }, () => fakeNative)).toThrow(
      new InvalidArgumentError("PA_KERNELS must be 'js', 'native' or unset, got 'fast'"),
    );
  });

  it('the process-wide choice follows PA_KERNELS and says which it is', () => {
    expect(kernelKind).toBe(kernels.kind);
    if (process.env.PA_KERNELS === 'js') expect(kernelKind).toBe('js');
    if (process.env.PA_KERNELS === 'native') expect(kernelKind).toBe('native');
  });
});

describe('loadKernelsBinding', () => {
  const madeDirs: string[] = [];
  afterAll(() => madeDirs.forEach((made) => rmSync(made, { recursive: true, force: true })));
  const tempDir = (): string => {
    const made = mkdtempSync(join(tmpdir(), 'pa-kernels-loader-'));
    madeDirs.push(made);
    return made;
  };

  it('looks for the release build, then the debug build, under native/kernels', () => {
    const [release, debug] = kernelsAddonPaths();
    expect(release.endsWith(join('native', 'kernels', 'build', 'Release', 'pa_kernels.node'))).toBe(true);
    expect(debug.endsWith(join('native', 'kernels', 'build', 'Debug', 'pa_kernels.node'))).toBe(true);
    expect(kernelsAddonPaths()).toHaveLength(2);
  });

  it('lists every reason and the fixes when nothing loads', () => {
    const dir = tempDir();
    const [broken, other] = [join(dir, 'broken.node'), join(dir, 'other.node')];
    writeFileSync(broken, '');
    writeFileSync(other, '');
    const missing = '/nonexistent/build/Release/pa_kernels.node';
    const load = (path: string): unknown => {
      if (path === broken) throw new Error('invalid ELF header\nRequire stack: ...');
      return { spmv: () => undefined, dot: () => 0 };
    };
    let caught: unknown;
    try {
      loadKernelsBinding([missing, broken, other], load);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(BackendUnavailableError);
    const error = caught as BackendUnavailableError;
    expect(error.code).toBe('BACKEND_UNAVAILABLE');
    expect(error.reasons).toEqual([
      `${missing}: not built (no such file)`,
      `${broken}: failed to load: invalid ELF header`,
      `${other}: not the kernels addon (missing spmvAdd, spmvDot, spmvAddDot, spmvDotCompact, sum, axpy, axpby, scale, cgUpdate, cgResidualJacobi, cgDirectionJacobi, cgStepJacobi)`,
    ]);
    expect(error.fixes).toEqual(KERNELS_FIXES);
    expect(error.message.startsWith('The native kernels are unavailable:\n')).toBe(true);
  });

  it('returns the first module that has every kernel', () => {
    const dir = tempDir();
    const file = join(dir, 'ok.node');
    writeFileSync(file, '');
    const fake = { ...jsKernels };
    expect(loadKernelsBinding([file], () => fake)).toBe(fake);
  });
});
