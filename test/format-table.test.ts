/** The one table formatter (src/format/table.ts) and the %.Ne number format. */
import { describe, expect, it } from 'vitest';
import { formatScientific, formatTable, InvalidArgumentError } from '../src/index.js';

const headers = ['kernel', 'ms', 'GB/s'];
const rows = [
  ['csr', '1.250', '9.61'],
  ['compact csr', '0.980', '12.26'],
];

describe('formatTable', () => {
  it('aligns text: labels left, numbers right, a rule per column, no trailing spaces', () => {
    expect(formatTable(headers, rows).split('\n')).toEqual([
      'kernel          ms   GB/s',
      '-----------  -----  -----',
      'csr          1.250   9.61',
      'compact csr  0.980  12.26',
    ]);
  });

  it("writes PTimer's layout: ' | ' between columns and a full rule", () => {
    expect(formatTable(['section', 'max'], [['solve', '2.000e+00']], { separator: ' | ', rule: 'full' }).split('\n')).toEqual([
      'section |       max',
      '-------------------',
      'solve   | 2.000e+00',
    ]);
  });

  it('left-aligns the first leftColumns columns and trims a padded last label', () => {
    expect(formatTable(['a', 'b'], [['x', 'long'], ['yy', 'z']], { leftColumns: 2 }).split('\n')).toEqual([
      'a   b',
      '--  ----',
      'x   long',
      'yy  z',
    ]);
  });

  it('writes a Markdown pipe table with right-aligned number columns', () => {
    expect(formatTable(headers, rows, { markdown: true }).split('\n')).toEqual([
      '| kernel | ms | GB/s |',
      '| --- | ---: | ---: |',
      '| csr | 1.250 | 9.61 |',
      '| compact csr | 0.980 | 12.26 |',
    ]);
  });

  it('refuses a row with the wrong number of cells', () => {
    expect(() => formatTable(headers, [['csr', '1.0']])).toThrow(
      new InvalidArgumentError('formatTable: row 0 has 2 cells, the header has 3'),
    );
  });

  it('refuses headers, rows and options of the wrong type, naming what is wrong', () => {
    const cases: [() => string, string][] = [
      [() => formatTable(undefined as unknown as string[], rows), 'formatTable: headers must be an array of strings, got undefined'],
      [() => formatTable(['a', 'b'], 42 as unknown as string[][]), 'formatTable: rows must be an array of rows, got 42'],
      [() => formatTable(['a', 'b'], [['x', 'y'], null as unknown as string[]]), 'formatTable: row 1 must be an array of strings, got null'],
      [() => formatTable(['a', 'b'], [['x', 2 as unknown as string]]), 'formatTable: row 0 must be an array of strings, got an array of 2'],
      [() => formatTable(['a'], [['x']], { rule: 'dots' as 'full' }), "formatTable: rule must be 'columns' or 'full', got \"dots\""],
      [() => formatTable(['a'], [['x']], { leftColumns: -1 }), 'formatTable: leftColumns must be an integer >= 0, got -1'],
      [() => formatTable(['a'], [['x']], { separator: 1 as unknown as string }), 'formatTable: separator must be a string, got 1'],
      [() => formatTable(['a'], [['x']], { markdown: 'yes' as unknown as boolean }), 'formatTable: markdown must be a boolean, got "yes"'],
      [() => formatTable(['a'], [['x']], { colour: true } as never), "formatTable: unknown option 'colour' (accepted: markdown, leftColumns, separator, rule)"],
    ];
    for (const [call, message] of cases) expect(call).toThrow(new InvalidArgumentError(message));
  });
});

describe('formatScientific', () => {
  it("writes C's %.Ne with a two-digit exponent", () => {
    expect(formatScientific(353.5534, 3)).toBe('3.536e+02');
    expect(formatScientific(0.000123, 2)).toBe('1.23e-04');
    expect(formatScientific(1e-100, 1)).toBe('1.0e-100');
    expect(formatScientific(0, 3)).toBe('0.000e+00');
    expect(formatScientific(Number.NaN, 3)).toBe('NaN');
  });
});
