/**
 * The native Matrix Market parser and writer (native/textio) against the JavaScript code of
 * src/io/matrix-market.ts BIT FOR BIT: the same values (correctly rounded: 17-digit values,
 * subnormals, overflow to infinity, underflow to zero, -0, the special spellings), the same lines
 * counted, the same first bad line, and byte for byte the same text written. With PA_KERNELS=js or no addon built the native
 * comparisons are one test saying why; with PA_REQUIRE_NATIVE=1 (CI) that test fails.
 */
import { describe, expect, it } from 'vitest';
import { arrayText, coordinateText, parseBytes, parseLines, type MmHeader, type Parsed } from '../src/io/matrix-market.js';
import { chooseTextio, loadTextioBinding, type TextioBinding } from '../src/io/textio-binding.js';
import { BackendUnavailableError } from '../src/errors.js';

const ci = process.env.PA_REQUIRE_NATIVE === '1' || process.env.PA_REQUIRE_NATIVE === 'true';

function header(format: 'array' | 'coordinate', field: 'real' | 'integer' = 'real', m = 1000, n = 1000): MmHeader {
  return { format, field, symmetric: false, m, n, entries: 0, dataAt: 0, dataLine: 3, sizeLine: 2 };
}

/** The bits of every value (so -0, NaN and the last ulp all count). */
function bits(values: Float64Array, count: number): bigint[] {
  return Array.from(new BigUint64Array(Float64Array.from(values.subarray(0, count)).buffer));
}

/** Both parsers on `text`; expects the same lines, entries, bits and bad line, and returns the native result. */
function agree(binding: TextioBinding, text: string, h: MmHeader): Parsed {
  const js = parseLines(text, h);
  const native = parseBytes(new Uint8Array(Buffer.from(text, 'latin1')), h, binding);
  expect({ lines: native.lines, count: native.count, problem: native.problem }, JSON.stringify(text.slice(0, 120))).toEqual({
    lines: js.lines,
    count: js.count,
    problem: js.problem,
  });
  expect(bits(native.V, native.count)).toEqual(bits(js.V, js.count));
  if (h.format === 'coordinate') {
    expect(bits(native.I, native.count)).toEqual(bits(js.I, js.count));
    expect(bits(native.J, native.count)).toEqual(bits(js.J, js.count));
  }
  return native;
}

/** A small deterministic generator (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A float64 of random bits (every exponent, subnormals included), never NaN. */
function randomDouble(next: () => number): number {
  const u = new Uint32Array(2);
  for (;;) {
    u[0] = Math.floor(next() * 2 ** 32);
    u[1] = Math.floor(next() * 2 ** 32);
    const x = new Float64Array(u.buffer)[0];
    if (!Number.isNaN(x)) return x;
  }
}

const TRICKY = [
  '0.9216903898159217', '0.05721816934965318', '1.7976931348623157e308', '1.7976931348623159e308', '1e308', '1e400', '-1e400',
  '4.9e-324', '5e-324', '2.4703282292062327e-324', '2.4703282292062328e-324', '2.2250738585072011e-308', '2.2250738585072014e-308',
  '1e-400', '-1e-400', '-0', '+0', '0', '-0.0e0', '+1.5', '.5', '-.5e-3', '5.', '1.e5', '00012', '1E5', '1e+05', '1e-05',
  '123456789012345678901234567890e-10', '0.1000000000000000055511151231257827021181583404541015625',
  '9007199254740993', '9007199254740992.5', '179769313486231580793728971405303415079934132710037826936173778980444968292764750946649017977587207096330286416692887910946555547851940402630657488671505820681908902000708383676273854845817711531764475730270069855571366959622842914819860834936475292719074168444365510704342711559699508093042880177904174497791.9999999',
  'nan', 'NaN', '-nan', '+NAN', 'inf', 'INF', '-inf', '+Inf', 'infinity', '-Infinity', '+INFINITY',
];
const BAD_REALS = ['1e', '1e+', '1E-', '+', '-', '.', '.e5', '1.2.3', '0x10', '0x1p3', 'nan(1)', 'infinit', 'infinityy', 'inff', '1,5', '1d5', '--1', '+-1', 'e5', '1e5.0', '\xb9', '1\x00', 'NaNa'];

const loaded = ((): { binding: TextioBinding } | { reason: string } => {
  try {
    return { binding: loadTextioBinding() };
  } catch (error) {
    return { reason: error instanceof Error ? error.message : String(error) };
  }
})();

describe('choosing the parser', () => {
  it('PA_KERNELS=js takes the JavaScript parser; a required addon that cannot load is an error', () => {
    expect(chooseTextio({ PA_KERNELS: 'js' })).toBeNull();
    const missing = (): TextioBinding => {
      throw new BackendUnavailableError('no addon', ['not built'], ['build it']);
    };
    expect(chooseTextio({}, missing)).toBeNull();
    expect(() => chooseTextio({ PA_REQUIRE_NATIVE: '1' }, missing)).toThrow(/requires the native Matrix Market reader and writer/);
    expect(() => chooseTextio({ PA_KERNELS: 'native' }, missing)).toThrow(BackendUnavailableError);
  });
});

if ('reason' in loaded) {
  it(`native Matrix Market parser ${ci ? 'is required (PA_REQUIRE_NATIVE)' : 'left out'}: ${loaded.reason.split('\n')[0]}`, () => {
    expect(ci, loaded.reason).toBe(false);
  });
} else {
  const { binding } = loaded;
  describe('the native Matrix Market parser gives the bits and lines of the JavaScript one', () => {
    it('array lines: tricky values, blank and padded lines, CRLF and a last line without a newline', () => {
      const h = header('array');
      const parsed = agree(binding, TRICKY.map((t, k) => (k % 3 === 0 ? ` \t${t}\xa0\r\n` : k % 3 === 1 ? `${t}\n\n` : `${t}\f\v\n`)).join(''), h);
      expect(parsed.count).toBe(TRICKY.length);
      // the value is the one Number gives, bit for bit (NaN aside: JavaScript has one NaN)
      expect(Object.is(parsed.V[TRICKY.indexOf('-1e-400')], -0)).toBe(true);
      expect(parsed.V[TRICKY.indexOf('1.7976931348623159e308')]).toBe(Infinity);
      expect(parsed.V[TRICKY.indexOf('2.4703282292062328e-324')]).toBe(5e-324);
      agree(binding, TRICKY.join('\n'), h);
      agree(binding, '', h);
      agree(binding, '\n\n  \n', h);
    });

    it('array lines: 20000 random doubles of every exponent, in the shortest, 17-digit and exponent spellings', () => {
      const next = rng(7);
      const lines: string[] = [];
      for (let k = 0; k < 20000; k++) {
        const x = randomDouble(next);
        lines.push(k % 3 === 0 ? String(x) : k % 3 === 1 ? x.toPrecision(17) : x.toExponential(20));
      }
      const parsed = agree(binding, `${lines.join('\n')}\n`, header('array'));
      expect(parsed.count).toBe(20000);
    });

    it('the first bad line of an array file, with its line number and message, for every malformed token', () => {
      for (const bad of BAD_REALS) {
        const parsed = agree(binding, `1\n\n2.5\n${bad}\n3\n`, header('array'));
        expect(parsed.problem?.line).toBe(4);
        expect(parsed.count).toBe(2);
      }
      expect(agree(binding, '1 2\n', header('array')).problem?.message).toMatch(/is not one value/);
      // integer arrays take integers only
      for (const text of ['12\n-3\n+4\n007\n', '1.5\n', '1e3\n', 'nan\n', '99999999999999999999999\n']) agree(binding, text, header('array', 'integer'));
    });

    it('coordinate lines: ids in range, finite values, and every kind of bad line', () => {
      const h = header('coordinate', 'real', 3, 4);
      const good = agree(binding, '1 1 1.5\n 3\t4  -2e-3 \r\n\n2 2 1e400\n+1 +2 .5\n', h);
      expect(good.count).toBe(4);
      for (const bad of ['0 1 1', '4 1 1', '1 5 1', '1 0 1', '1.0 1 1', '1 1 nan', '1 1 inf', '1 1', '1 1 1 1', '1 1 1e', 'a 1 1', '1 -1 1', '99999999999999999999 1 1']) {
        const parsed = agree(binding, `1 1 1\n${bad}\n2 2 2\n`, h);
        expect(parsed.problem?.line).toBe(2);
      }
      const integer = header('coordinate', 'integer', 3, 3);
      agree(binding, '1 1 5\n2 2 -7\n3 3 +0\n', integer);
      expect(agree(binding, '1 1 5\n2 2 1.5\n', integer).problem?.line).toBe(2);
      const next = rng(11);
      const lines = Array.from({ length: 5000 }, () => `${1 + Math.floor(next() * 3)} ${1 + Math.floor(next() * 4)} ${randomDouble(next)}`);
      expect(agree(binding, lines.join('\n'), h).count).toBe(5000);
    });

    it('writes the text String(x) gives: random doubles of every exponent, round numbers, specials, coordinate rows', () => {
      const next = rng(3);
      const special = [0, -0, 1, -1, 1e21, 1e20, 123456789012345680000, 1e-6, 1e-7, 1.5e-7, 0.000001234, 5e-324, -5e-324, 1.7976931348623157e308, 2 ** 53, 0.1, 100, 1e300, NaN, Infinity, -Infinity];
      const values = Float64Array.from({ length: 50000 }, (_, k) => (k < special.length ? special[k] : k % 2 === 0 ? randomDouble(next) : (next() - 0.5) * 10 ** Math.floor(next() * 40 - 20)));
      const native = arrayText(values, binding);
      const js = arrayText(values, null);
      expect(Buffer.from(native.bytes).toString('latin1')).toBe(Buffer.from(js.bytes).toString('latin1'));
      const rowPtr = Float64Array.from([0, 3, 3, 5]);
      const block = { first: 41, count: 3, rowPtr, cols: Float64Array.from([0, 41, 9e15, 2, 43]), values: Float64Array.from([1.5, -0, 1e-300, NaN, 7]) };
      for (const symmetric of [false, true]) {
        const a = coordinateText(block, symmetric, binding);
        const b = coordinateText(block, symmetric, null);
        expect(a.entries).toBe(b.entries);
        expect(Buffer.from(a.bytes).toString('latin1')).toBe(Buffer.from(b.bytes).toString('latin1'));
      }
      expect(() => binding.formatCoordinate(0, Float64Array.from([0, 3]), new Float64Array(2), new Float64Array(2), false, new Uint8Array(200))).toThrow(RangeError);
      expect(() => binding.formatCoordinate(0, Float64Array.from([0, 1]), Float64Array.from([-1]), new Float64Array(1), false, new Uint8Array(200))).toThrow(RangeError);
      expect(() => binding.formatArray(new Float64Array(4), new Uint8Array(99))).toThrow(RangeError);
    });

    it('output arrays must hold one value per line; bytes must be a Uint8Array', () => {
      expect(() => binding.parseArray(new Uint8Array(Buffer.from('1\n2\n3\n')), false, new Float64Array(2))).toThrow(RangeError);
      expect(() => binding.parseArray(new Float64Array(2) as unknown as Uint8Array, false, new Float64Array(2))).toThrow(TypeError);
      expect(() => binding.parseCoordinate(new Uint8Array(Buffer.from('1 1 1\n')), false, 1, 1, new Float64Array(1), new Float64Array(0), new Float64Array(1))).toThrow(RangeError);
    });
  });
}
