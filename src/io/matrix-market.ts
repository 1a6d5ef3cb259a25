/**
 * Matrix Market text files (the format of SciPy's `mmread`/`mmwrite` and of the SuiteSparse
 * collection): `coordinate real|integer general|symmetric` for sparse matrices, `array real
 * general` (one column) for vectors.
 *
 * Writing: each part formats its own rows (in file order, see `layout.ts`), one gather of the byte
 * lengths gives each part its offset, and each part writes its text there; part 0 writes the
 * banner and size line. Reading: the data lines are split among the parts by byte ranges (part p
 * takes the lines that start in its range), each part parses its lines, one gather of line counts
 * gives the global line numbers (for errors and, for arrays, each value's index), and the entries
 * then go to the parts that own their rows (the exchange of `psparse`, or of `layout.ts` for
 * vectors). No part reads or holds more than its share of the file.
 *
 * @module
 */
import { checkOptions, describeValue, expectInstance } from '../argument-checks.js';
import { FileFormatError, InvalidArgumentError } from '../errors.js';
import { PData, pmap } from '../pdata/pdata.js';
import { gather, getAny } from '../pdata/primitives.js';
import { PSparseMatrix } from '../sparse/psparse-matrix.js';
import { largeArrays } from '../kernels/large-arrays.js';
import { PVector } from '../vectors/pvector.js';
import { fileSize, readAt, writeAt } from './byte-io.js';
import { together, writeFileCollectively } from './collective.js';
import { partOffsets } from './counts.js';
import { matrixBlocks, matrixFromTriplets, readCols, readPlan, vectorBlocks, vectorFromRuns, type MatrixBlock } from './layout.js';
import { checkPath, withFile, type ReadOptions } from './read-options.js';
import { ARRAY_LINE_BYTES, COORDINATE_LINE_BYTES, textioBinding, type TextioBinding, type TextParseResult } from './textio-binding.js';

/**
 * Options of {@link writeMatrixMarket}.
 * @group Parallel IO and interop
 */
export interface MatrixMarketWriteOptions {
  /**
   * `'symmetric'` writes only the entries on and below the diagonal, with the `symmetric` banner
   * (the caller states that the matrix is symmetric: it is not checked). Default `'general'`.
   * Matrices only.
   */
  symmetry?: 'general' | 'symmetric';
  /** A comment line (without the leading `%`) written after the banner. */
  comment?: string;
}

/** A value as Matrix Market text: the shortest decimal that reads back to the same float64. */
export function formatValue(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  return String(x);
}

/** A part's text: its lines as bytes, and how many entries they hold. */
export interface PartText {
  readonly bytes: Uint8Array;
  readonly entries: number;
}

/** A vector's lines: by `binding` (default: the text addon when it is in use), else by {@link formatValue}. */
export function arrayText(values: Float64Array, binding: TextioBinding | null = textioBinding()): PartText {
  if (binding === null) return { bytes: Buffer.from(Array.from(values, (v) => `${formatValue(v)}\n`).join(''), 'latin1'), entries: values.length };
  const out = largeArrays.uint8(ARRAY_LINE_BYTES * values.length);
  return { bytes: out.subarray(0, binding.formatArray(values, out)), entries: values.length };
}

/** A matrix block's lines: by `binding` (default: the text addon when it is in use), else by {@link matrixText}. */
export function coordinateText(block: MatrixBlock, symmetric: boolean, binding: TextioBinding | null = textioBinding()): PartText {
  if (binding === null) {
    const { text, entries } = matrixText(block, symmetric);
    return { bytes: Buffer.from(text, 'latin1'), entries };
  }
  const out = largeArrays.uint8(COORDINATE_LINE_BYTES * block.values.length);
  const [written, entries] = binding.formatCoordinate(block.first, block.rowPtr, block.cols, block.values, symmetric, out);
  return { bytes: out.subarray(0, written), entries };
}

function matrixText(block: MatrixBlock, symmetric: boolean): { text: string; entries: number } {
  const parts: string[] = [];
  let entries = 0;
  for (let i = 0; i < block.count; i++) {
    const row = block.first + i;
    const rowLabel = `${row + 1} `;
    for (let e = block.rowPtr[i]; e < block.rowPtr[i + 1]; e++) {
      const col = block.cols[e];
      if (symmetric && col > row) continue;
      parts.push(`${rowLabel}${col + 1} ${formatValue(block.values[e])}\n`);
      entries++;
    }
  }
  return { text: parts.join(''), entries };
}

/**
 * Writes a distributed sparse matrix (coordinate format, 1-based ids, rows in order, ascending
 * columns within a row) or vector (array format, one column) as a Matrix Market file that SciPy's
 * `scipy.io.mmread` reads. Collective: each part formats and writes its own rows at its offset of
 * one file (one gather of byte lengths, no gather of the data). Values are written as the shortest
 * decimal that reads back to the same float64 (`nan`, `inf`, `-inf` for the special values).
 * Written to a temporary name renamed once every part is done.
 *
 * @throws InvalidArgumentError when `path` is not a non-empty string, `x` is neither a
 * PSparseMatrix nor a PVector, or the options are not the documented ones (symmetry of a vector,
 * a comment with a line break); PartFailedError when the file cannot be written (nothing is left
 * at `path`).
 * @example
 * ```ts
 * writeMatrixMarket('A.mtx', A);                              // scipy.io.mmread('A.mtx')
 * writeMatrixMarket('A.mtx', A, { symmetry: 'symmetric' });   // lower triangle only
 * ```
 * @group Parallel IO and interop
 */
export function writeMatrixMarket(path: string, x: PSparseMatrix | PVector, opts?: MatrixMarketWriteOptions): void {
  checkPath(path, 'writeMatrixMarket');
  const { symmetry, comment } = checkOptions(opts, ['symmetry', 'comment'], 'writeMatrixMarket');
  if (symmetry !== undefined && symmetry !== 'general' && symmetry !== 'symmetric') {
    throw new InvalidArgumentError(`writeMatrixMarket: symmetry must be 'general' or 'symmetric', got ${describeValue(symmetry)}`);
  }
  if (comment !== undefined && (typeof comment !== 'string' || /[\r\n]/.test(comment))) {
    throw new InvalidArgumentError(`writeMatrixMarket: comment must be a string of one line, got ${describeValue(comment)}`);
  }
  const commentLine = comment === undefined ? '' : `%${comment}\n`;
  let texts: PData<PartText>;
  let header: (entries: number) => string;
  if (x instanceof PVector) {
    if (symmetry === 'symmetric') throw new InvalidArgumentError('writeMatrixMarket: a vector cannot be written as symmetric');
    texts = vectorBlocks(x).map((block) => arrayText(block.values));
    header = () => `%%MatrixMarket matrix array real general\n${commentLine}${x.rows.n} 1\n`;
  } else if (x instanceof PSparseMatrix) {
    const symmetric = symmetry === 'symmetric';
    if (symmetric && x.rows.n !== x.cols.n) {
      throw new InvalidArgumentError(`writeMatrixMarket: a ${x.rows.n}×${x.cols.n} matrix cannot be symmetric`);
    }
    texts = matrixBlocks(x).map((block) => coordinateText(block, symmetric));
    header = (entries) =>
      `%%MatrixMarket matrix coordinate real ${symmetric ? 'symmetric' : 'general'}\n${commentLine}${x.rows.n} ${x.cols.n} ${entries}\n`;
  } else {
    throw new InvalidArgumentError(`writeMatrixMarket: x must be a PSparseMatrix or a PVector, got ${describeValue(x)}`);
  }
  const bytes = texts.map((t) => t.bytes);
  const entries = partOffsets(texts.map((t) => t.entries)).total;
  const headerBytes = Buffer.from(header(entries), 'latin1');
  const { before, total } = partOffsets(bytes.map((b) => b.length));
  writeFileCollectively(
    pmap((b: Uint8Array, at: number) => ({ b, at }), bytes, before),
    path,
    headerBytes.length + total,
    (fd, { b, at }, p) => {
      if (p === 0) writeAt(fd, headerBytes, 0);
      writeAt(fd, b, headerBytes.length + at);
    },
  );
}

/** What the banner and size line say. */
export interface MmHeader {
  readonly format: 'coordinate' | 'array';
  readonly field: 'real' | 'integer';
  readonly symmetric: boolean;
  readonly m: number;
  readonly n: number;
  /** Stored entries (coordinate) or values (array). */
  readonly entries: number;
  /** Byte offset of the first data line, and its 1-based line number. */
  readonly dataAt: number;
  readonly dataLine: number;
  /** Line of the size line (where a wrong entry count is reported). */
  readonly sizeLine: number;
}

const INTEGER = /^[+-]?\d+$/;
const REAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
/** The byte that ends a line. */
const NEWLINE = 0x0a;
const SPECIAL: Record<string, number> = { nan: NaN, '+nan': NaN, '-nan': NaN, inf: Infinity, '+inf': Infinity, '-inf': -Infinity, infinity: Infinity, '+infinity': Infinity, '-infinity': -Infinity };

/** Reads the banner, comments and size line (every part does, it is small). */
function readHeader(fd: number, path: string): MmHeader {
  const size = fileSize(fd);
  let text = '';
  let lineStart = 0;
  let line = 0;
  let banner: string[] | undefined;
  const chunk = 1 << 16;
  for (;;) {
    let end = text.indexOf('\n', lineStart);
    while (end < 0 && text.length < size) {
      text += Buffer.from(readAt(fd, path, text.length, Math.min(chunk, size - text.length), 'the header')).toString('latin1');
      end = text.indexOf('\n', lineStart);
    }
    if (end < 0 && lineStart >= text.length) {
      throw new FileFormatError(banner === undefined ? 'empty file (no %%MatrixMarket banner)' : 'the file ends before the size line', { path, line: line + 1 });
    }
    const stop = end < 0 ? text.length : end;
    const content = text.slice(lineStart, stop).replace(/\r$/, '');
    line++;
    const next = stop + 1;
    if (banner === undefined) {
      banner = content.trim().toLowerCase().split(/\s+/);
      if (banner[0] !== '%%matrixmarket' || banner[1] !== 'matrix' || banner.length !== 5) {
        throw new FileFormatError(`not a Matrix Market banner: "${content.slice(0, 80)}" (expected %%MatrixMarket matrix <format> <field> <symmetry>)`, { path, line });
      }
      const [, , format, field, symmetry] = banner;
      if (format !== 'coordinate' && format !== 'array') throw new FileFormatError(`unknown format "${format}" (coordinate or array)`, { path, line });
      if (field !== 'real' && field !== 'integer' && field !== 'double') {
        throw new FileFormatError(`field "${field}" is not read (real or integer; pattern and complex are not supported)`, { path, line });
      }
      if (symmetry !== 'general' && !(symmetry === 'symmetric' && format === 'coordinate')) {
        throw new FileFormatError(`symmetry "${symmetry}" is not read for ${format} (general${format === 'coordinate' ? ' or symmetric' : ''})`, { path, line });
      }
    } else if (!content.startsWith('%') && content.trim() !== '') {
      const [format, field, symmetry] = banner.slice(2);
      const tokens = content.trim().split(/\s+/);
      const wanted = format === 'coordinate' ? 3 : 2;
      if (tokens.length !== wanted || !tokens.every((t) => INTEGER.test(t) && Number(t) >= 0 && Number.isSafeInteger(Number(t)))) {
        throw new FileFormatError(
          `size line "${content.slice(0, 80)}" is not ${format === 'coordinate' ? 'rows columns entries' : 'rows columns'} (non-negative integers)`,
          { path, line },
        );
      }
      const [m, n] = [Number(tokens[0]), Number(tokens[1])];
      let entries = format === 'coordinate' ? Number(tokens[2]) : m * n;
      if (format === 'array' && m !== 1 && n !== 1) {
        throw new FileFormatError(`a ${m}×${n} array is not a vector (one row or one column is read)`, { path, line });
      }
      if (format === 'coordinate' && entries > m * n) {
        throw new FileFormatError(`${entries} entries do not fit a ${m}×${n} matrix`, { path, line });
      }
      entries = Math.max(entries, 0);
      return {
        format: format as 'coordinate' | 'array',
        field: field === 'integer' ? 'integer' : 'real',
        symmetric: symmetry === 'symmetric',
        m,
        n,
        entries,
        dataAt: Math.min(next, size),
        dataLine: line + 1,
        sizeLine: line,
      };
    }
    lineStart = next;
  }
}

/** The part's lines of the data, as bytes: those that start in its byte range. */
function readOwnLines(fd: number, path: string, size: number, lo: number, hi: number): Uint8Array {
  if (lo >= hi) return new Uint8Array(0);
  const chunk = 1 << 16;
  // one byte before `lo` tells whether a line starts at `lo`
  const from = lo > 0 ? lo - 1 : lo;
  let bytes = readAt(fd, path, from, hi - from, 'the data');
  let start = 0;
  if (lo > 0) {
    const newline = bytes.indexOf(NEWLINE);
    if (newline < 0) return new Uint8Array(0);
    start = newline + 1;
  }
  // finish the last line begun before `hi`
  let end = bytes.indexOf(NEWLINE, hi - 1 - from);
  while (end < 0 && from + bytes.length < size) {
    const at = from + bytes.length;
    const more = readAt(fd, path, at, Math.min(chunk, size - at), 'the data');
    const joined = new Uint8Array(bytes.length + more.length);
    joined.set(bytes);
    joined.set(more, bytes.length);
    end = joined.indexOf(NEWLINE, bytes.length);
    bytes = joined;
  }
  return bytes.subarray(start, end < 0 ? bytes.length : end + 1);
}

/** What a part parsed: its lines, its entries and the first problem (at a local line). */
export interface Parsed {
  readonly lines: number;
  readonly I: Float64Array;
  readonly J: Float64Array;
  readonly V: Float64Array;
  readonly count: number;
  readonly problem: { line: number; message: string } | undefined;
}

function parseNumber(token: string, integer: boolean, finite: boolean): number | string {
  if (integer) return INTEGER.test(token) ? Number(token) : `"${token}" is not an integer`;
  if (REAL.test(token)) return Number(token);
  const special = SPECIAL[token.toLowerCase()];
  if (special === undefined) return `"${token.slice(0, 40)}" is not a number`;
  return finite ? `the value ${token} is not allowed (matrix values must be finite)` : special;
}

/** A copy of `a` with room for twice as many values. */
function grown(a: Float64Array): Float64Array {
  const b = new Float64Array(2 * a.length + 16);
  b.set(a);
  return b;
}

/**
 * The JavaScript parser of a part's data lines (`text`, latin1), used when the text addon is not
 * (and to word the addon's bad line); the addon (native/textio/src/parse.h) follows the same
 * grammar and gives the same values.
 */
export function parseLines(text: string, header: MmHeader): Parsed {
  const coordinate = header.format === 'coordinate';
  const capacity = text.length / 2 + 1;
  const grow = coordinate ? capacity / 6 + 1 : capacity;
  let I: Float64Array = new Float64Array(coordinate ? grow : 0);
  let J: Float64Array = new Float64Array(coordinate ? grow : 0);
  let V: Float64Array = new Float64Array(grow);
  let count = 0;
  let lines = 0;
  let problem: Parsed['problem'];
  let at = 0;
  while (at < text.length && problem === undefined) {
    let end = text.indexOf('\n', at);
    if (end < 0) end = text.length;
    const line = text.slice(at, end);
    at = end + 1;
    lines++;
    // The common line of an array file, one bare real and nothing else, skips the trim and split
    // below (about half the read's time for a vector of 10^6 values).
    if (!coordinate && header.field === 'real' && REAL.test(line)) {
      if (count >= V.length) V = grown(V);
      V[count++] = Number(line);
      continue;
    }
    const content = line.trim();
    if (content === '') continue;
    const tokens = content.split(/\s+/);
    const fail = (message: string): void => {
      problem = { line: lines, message };
    };
    if (count >= V.length) {
      V = grown(V);
      if (coordinate) {
        I = grown(I);
        J = grown(J);
      }
    }
    if (coordinate) {
      if (tokens.length !== 3) {
        fail(`"${content.slice(0, 80)}" is not "row column value"`);
        continue;
      }
      const i = parseNumber(tokens[0], true, true);
      const j = parseNumber(tokens[1], true, true);
      const v = parseNumber(tokens[2], header.field === 'integer', true);
      if (typeof i === 'string') fail(`row id ${i}`);
      else if (typeof j === 'string') fail(`column id ${j}`);
      else if (typeof v === 'string') fail(v);
      else if (i < 1 || i > header.m) fail(`row id ${i} is out of range 1..${header.m}`);
      else if (j < 1 || j > header.n) fail(`column id ${j} is out of range 1..${header.n}`);
      else {
        I[count] = i - 1;
        J[count] = j - 1;
        V[count] = v;
        count++;
      }
    } else {
      if (tokens.length !== 1) {
        fail(`"${content.slice(0, 80)}" is not one value`);
        continue;
      }
      const v = parseNumber(tokens[0], header.field === 'integer', false);
      if (typeof v === 'string') fail(v);
      else V[count++] = v;
    }
  }
  return { lines, I, J, V, count, problem };
}

/**
 * A part's lines, as bytes, parsed by `binding` (default: the text addon when it is in use), else
 * by {@link parseLines}.
 */
export function parseBytes(bytes: Uint8Array, header: MmHeader, binding: TextioBinding | null = textioBinding()): Parsed {
  if (binding === null) return parseLines(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1'), header);
  const integer = header.field === 'integer';
  const room = binding.countLines(bytes);
  // one value per line at most; large arrays: the values of a big file are written once each
  const V = largeArrays.float64(room);
  let I = V;
  let J = V;
  let result: TextParseResult;
  if (header.format === 'coordinate') {
    I = largeArrays.float64(room);
    J = largeArrays.float64(room);
    result = binding.parseCoordinate(bytes, integer, header.m, header.n, I, J, V);
  } else {
    result = binding.parseArray(bytes, integer, V);
  }
  const [count, lines, badLine, badOffset] = result;
  let problem: Parsed['problem'];
  if (badLine > 0) {
    // the JavaScript parser words what is wrong with the line (the same grammar)
    const rest = bytes.subarray(badOffset);
    const end = rest.indexOf(NEWLINE);
    const line = Buffer.from(rest.buffer, rest.byteOffset, end < 0 ? rest.length : end).toString('latin1');
    const message = parseLines(line, header).problem?.message ?? `"${line.slice(0, 80)}" cannot be read`;
    problem = { line: badLine, message };
  }
  return { lines, I, J, V, count, problem };
}

/**
 * Reads a Matrix Market file (from {@link writeMatrixMarket}, SciPy's `scipy.io.mmwrite`, or the
 * SuiteSparse collection): `coordinate real|integer general|symmetric` gives a
 * {@link PSparseMatrix} (duplicate entries are summed, a symmetric file's off-diagonal entries are
 * mirrored), `array real|integer general` with one row or column gives a {@link PVector}.
 * Collective: the data lines are split among the parts by byte ranges and each entry then goes to
 * the part owning its row in `rows` (default: the uniform 1-D partition); any part count reads a
 * file written by any other.
 *
 * @throws InvalidArgumentError when an argument is malformed or the file cannot be opened;
 * DimensionMismatchError when `rows`/`cols` do not have the file's sizes; FileFormatError (on
 * every part, naming the file and the 1-based line) for a missing or unknown banner, an
 * unsupported field or symmetry (pattern, complex, skew-symmetric, hermitian), a malformed size
 * line, a data line that is not `row column value` (or one value), an id that is not an integer
 * or out of range, a value that is not a number (NaN and infinities are read in vectors, rejected
 * in matrices), or a number of entries other than the size line's.
 * @example
 * ```ts
 * const A = readMatrixMarket('A.mtx', ranks) as PSparseMatrix;
 * ```
 * @group Parallel IO and interop
 */
export function readMatrixMarket(path: string, ranks: PData<number>, opts?: ReadOptions): PSparseMatrix | PVector {
  checkPath(path, 'readMatrixMarket');
  expectInstance(ranks, PData, 'readMatrixMarket: ranks');
  const options = checkOptions(opts, ['rows', 'cols'], 'readMatrixMarket');
  const np = ranks.np;
  const parsed = together(ranks, (p) =>
    withFile(path, 'readMatrixMarket', (fd) => {
      const header = readHeader(fd, path);
      const size = fileSize(fd);
      const length = size - header.dataAt;
      const lo = header.dataAt + Math.floor((p * length) / np);
      const hi = header.dataAt + Math.floor(((p + 1) * length) / np);
      return { header, ...parseBytes(readOwnLines(fd, path, size, lo, hi), header) };
    }),
  );
  const header = parsed.localItems[0].header;
  const counts = getAny(gather(parsed.map((r) => [r.lines, r.count, r.problem === undefined ? -1 : r.problem.line]), { destination: 'all' }));
  let line = header.dataLine;
  let found = 0;
  for (let q = 0; q < np; q++) {
    const [lines, count, problemLine] = counts[q];
    if (problemLine >= 0) {
      const message = getAny(gather(parsed.map((r, p) => (p === q ? r.problem?.message ?? '' : '')), { destination: 'all' }))[q];
      throw new FileFormatError(message, { path, line: line + problemLine - 1 });
    }
    line += lines;
    found += count;
  }
  if (found !== header.entries) {
    throw new FileFormatError(`the size line announces ${header.entries} entries but the file holds ${found}`, { path, line: header.sizeLine });
  }
  const valuesBefore = ranks.map((p) => counts.slice(0, p).reduce((sum, c) => sum + c[1], 0));
  if (header.format === 'array') {
    const plan = readPlan(ranks, header.entries, options.rows, 'readMatrixMarket');
    const runs = pmap((r: Parsed, first: number) => ({ first, values: r.V.subarray(0, r.count) }), parsed, valuesBefore);
    return vectorFromRuns(plan, runs, counts.map((c) => c[1]));
  }
  const plan = readPlan(ranks, header.m, options.rows, 'readMatrixMarket');
  const cols = readCols(ranks, plan.rows, header.n, options.cols, 'readMatrixMarket');
  const triplets = parsed.map((r) => {
    if (!header.symmetric) return { I: r.I.subarray(0, r.count), J: r.J.subarray(0, r.count), V: r.V.subarray(0, r.count) };
    let mirrored = 0;
    for (let k = 0; k < r.count; k++) if (r.I[k] !== r.J[k]) mirrored++;
    const I = new Float64Array(r.count + mirrored);
    const J = new Float64Array(r.count + mirrored);
    const V = new Float64Array(r.count + mirrored);
    I.set(r.I.subarray(0, r.count));
    J.set(r.J.subarray(0, r.count));
    V.set(r.V.subarray(0, r.count));
    let k2 = r.count;
    for (let k = 0; k < r.count; k++) {
      if (r.I[k] === r.J[k]) continue;
      I[k2] = r.J[k];
      J[k2] = r.I[k];
      V[k2++] = r.V[k];
    }
    return { I, J, V };
  });
  return matrixFromTriplets(plan.rows, cols, triplets, false);
}
