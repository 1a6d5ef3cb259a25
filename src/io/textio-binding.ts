/**
 * The Matrix Market line parsers and writers of the text addon (native/textio) as seen from
 * JavaScript, and the choice between them and the JavaScript code of `matrix-market.ts` (same
 * grammar, same values bit for bit, same text), made at the first use in the thread: the addon
 * when it loads, else the JavaScript code; `PA_KERNELS=js` takes the JavaScript code, and `PA_KERNELS=native` or
 * `PA_REQUIRE_NATIVE=1` make a missing addon an error (see `chooseKernels`).
 *
 * @module
 */
import { chooseKernels, type KernelChoiceEnvironment } from '../kernels/choose-kernels.js';
import { BUILD_ADDONS_COMMAND, addonPaths, loadAddon, requireNative } from '../native-addon.js';

/**
 * What a parse found: `[count, lines, badLine, badOffset]`: the entries stored, the lines seen
 * (up to and including a bad one), the first bad line (1-based within the bytes, 0 when none) and
 * the byte offset where that line starts.
 */
export type TextParseResult = [count: number, lines: number, badLine: number, badOffset: number];

/**
 * The functions of the text addon (native/textio/src/parse.h gives the grammar). The output arrays
 * must hold at least one value per line of `bytes` (`countLines`); the addon checks that and the
 * argument types (TypeError, RangeError).
 */
export interface TextioBinding {
  /** The lines of `bytes`: its `'\n'`s, plus one for a last line without one. */
  countLines(bytes: Uint8Array): number;
  /** An array file's lines (one real, or integer, value each; blank lines skipped) into `out`. */
  parseArray(bytes: Uint8Array, integer: boolean, out: Float64Array): TextParseResult;
  /** A coordinate file's lines `row column value` into `I`, `J` (0-based) and `V`; ids must be in 1..m, 1..n. */
  parseCoordinate(bytes: Uint8Array, integer: boolean, m: number, n: number, I: Float64Array, J: Float64Array, V: Float64Array): TextParseResult;
  /**
   * Writes one line per value (its text as `formatValue` in matrix-market.ts gives it) into `out`,
   * which holds at least {@link ARRAY_LINE_BYTES} bytes per value; returns the bytes written.
   */
  formatArray(values: Float64Array, out: Uint8Array): number;
  /**
   * Writes the lines `row column value` (1-based) of the CSR rows `first ..` (global 0-based
   * column ids; with `lower` only the entries on and below the diagonal) into `out`, which holds
   * at least {@link COORDINATE_LINE_BYTES} bytes per entry; returns `[bytes written, lines]`.
   */
  formatCoordinate(first: number, rowPtr: Float64Array, cols: Float64Array, values: Float64Array, lower: boolean, out: Uint8Array): [bytes: number, entries: number];
}

/** The most bytes one line of an array file takes (a value of 24 characters and its newline). */
export const ARRAY_LINE_BYTES = 25;
/** The most bytes one line of a coordinate file takes (two 16-digit ids, a value, separators). */
export const COORDINATE_LINE_BYTES = 61;

/** The functions a loaded module must export to be taken for the text addon. */
export const TEXTIO_BINDING_FUNCTIONS: readonly (keyof TextioBinding)[] = ['countLines', 'parseArray', 'parseCoordinate', 'formatArray', 'formatCoordinate'];

/**
 * Loads the addon from the first of `paths` that works (`load`: Node's `require` unless a test
 * injects one).
 * @throws BackendUnavailableError listing why each path could not be used, and the fixes.
 */
export function loadTextioBinding(
  paths: readonly string[] = addonPaths('textio', 'pa_textio.node'),
  load: (path: string) => unknown = requireNative,
): TextioBinding {
  return loadAddon<TextioBinding>({
    paths,
    load,
    required: TEXTIO_BINDING_FUNCTIONS,
    what: 'text addon',
    summary: 'The native Matrix Market reader and writer are unavailable',
    fixes: ['install a C++ compiler: apt-get install -y g++', `build the addon: ${BUILD_ADDONS_COMMAND}`, 'or use the JavaScript code on purpose: PA_KERNELS=js'],
  });
}

/**
 * The addon `env` asks for, or null for the JavaScript code (see the module notes).
 * @throws BackendUnavailableError when the addon is required and cannot be loaded.
 */
export function chooseTextio(env: KernelChoiceEnvironment, load: () => TextioBinding = loadTextioBinding): TextioBinding | null {
  return chooseKernels<TextioBinding | null>(env, {
    native: load,
    js: null,
    unavailable: (requirement) => `${requirement} requires the native Matrix Market reader and writer, which are unavailable`,
  });
}

let chosen: TextioBinding | null | undefined;

/** The text addon of this thread, or null for the JavaScript code (chosen once). */
export function textioBinding(): TextioBinding | null {
  if (chosen === undefined) chosen = chooseTextio(process.env);
  return chosen;
}
