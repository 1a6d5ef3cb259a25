/**
 * The one table formatter of the package: aligned plain text for a terminal, or a Markdown pipe
 * table. {@link PTimer.report} and the benchmarks' tables use it, so columns are padded in one place.
 *
 * @module
 */
import { InvalidArgumentError } from '../errors.js';
import { checkOptions, describeValue, isStringArray } from '../argument-checks.js';

/**
 * Options of {@link formatTable}.
 * @group Gallery and timing
 */
export interface TableOptions {
  /** A Markdown pipe table instead of aligned text. Default false. */
  readonly markdown?: boolean;
  /** How many leading columns are left-aligned (labels); the others are right-aligned (numbers). Default 1. */
  readonly leftColumns?: number;
  /** Text between two columns in the aligned form. Default two spaces. */
  readonly separator?: string;
  /**
   * The rule under the header in the aligned form: `'columns'` (default) one run of dashes per
   * column, joined by spaces; `'full'` one unbroken line as long as the header.
   */
  readonly rule?: 'columns' | 'full';
}

/**
 * Formats a table. Aligned text: every column as wide as its widest cell, labels padded on the
 * right and numbers on the left, a rule under the header, no trailing spaces. Markdown: a pipe
 * table whose alignment row right-aligns the number columns. The cells are written as given
 * (format numbers first); the caller keeps its arrays, nothing is modified.
 *
 * @throws InvalidArgumentError when `headers` or a row is not an array of strings, a row has not one
 * cell per header, or an option is unknown or of the wrong type.
 * @example
 * ```ts
 * formatTable(['kernel', 'ms'], [['csr', '1.250'], ['compact', '0.980']]);
 * // kernel      ms
 * // -------  -----
 * // csr      1.250
 * // compact  0.980
 * ```
 * @group Gallery and timing
 */
export function formatTable(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
  options: TableOptions = {},
): string {
  if (!isStringArray(headers)) throw new InvalidArgumentError(`formatTable: headers must be an array of strings, got ${describeValue(headers)}`);
  if (!Array.isArray(rows)) throw new InvalidArgumentError(`formatTable: rows must be an array of rows, got ${describeValue(rows)}`);
  const { markdown = false, leftColumns = 1, separator = '  ', rule = 'columns' } = checkOptions(
    options,
    ['markdown', 'leftColumns', 'separator', 'rule'],
    'formatTable',
  );
  if (typeof markdown !== 'boolean') throw new InvalidArgumentError(`formatTable: markdown must be a boolean, got ${describeValue(markdown)}`);
  if (!Number.isInteger(leftColumns) || leftColumns < 0) {
    throw new InvalidArgumentError(`formatTable: leftColumns must be an integer >= 0, got ${describeValue(leftColumns)}`);
  }
  if (typeof separator !== 'string') throw new InvalidArgumentError(`formatTable: separator must be a string, got ${describeValue(separator)}`);
  if (rule !== 'columns' && rule !== 'full') throw new InvalidArgumentError(`formatTable: rule must be 'columns' or 'full', got ${describeValue(rule)}`);
  rows.forEach((row: unknown, r) => {
    if (!isStringArray(row)) throw new InvalidArgumentError(`formatTable: row ${r} must be an array of strings, got ${describeValue(row)}`);
    if (row.length !== headers.length) {
      throw new InvalidArgumentError(`formatTable: row ${r} has ${row.length} cells, the header has ${headers.length}`);
    }
  });
  if (markdown) {
    const align = headers.map((_, i) => (i < leftColumns ? '---' : '---:'));
    return [headers, align, ...rows].map((row) => `| ${row.join(' | ')} |`).join('\n');
  }
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (row: readonly string[]): string =>
    row.map((c, i) => (i < leftColumns ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(separator).trimEnd();
  const header = line(headers);
  const ruleLine = rule === 'full' ? '-'.repeat(header.length) : widths.map((w) => '-'.repeat(w)).join(separator).trimEnd();
  return [header, ruleLine, ...rows.map(line)].join('\n');
}
