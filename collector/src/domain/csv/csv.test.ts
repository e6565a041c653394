import { describe, expect, it } from 'vitest';
import { CsvSyntaxError, escapeFormula, parseCsv, unescapeFormula, writeCsv } from './csv.ts';

describe('parseCsv', () => {
  it('reads quoted fields with commas, doubled quotes and embedded line breaks', () => {
    const text = 'a,b,c\r\n1,"two, with comma","say ""hi"""\r\n3,"multi\r\nline",x\r\n4,,\r\n';
    expect(parseCsv(text)).toEqual([
      { line: 1, fields: ['a', 'b', 'c'] },
      { line: 2, fields: ['1', 'two, with comma', 'say "hi"'] },
      { line: 3, fields: ['3', 'multi\r\nline', 'x'] },
      // The record after a two-line record starts on line 5, as an editor numbers it.
      { line: 5, fields: ['4', '', ''] },
    ]);
  });

  it('drops a UTF-8 byte order mark and accepts LF, lone CR and a missing final line break', () => {
    expect(parseCsv('\uFEFFasset_tag,name\nA1,Ünïcødé\rA2,x')).toEqual([
      { line: 1, fields: ['asset_tag', 'name'] },
      { line: 2, fields: ['A1', 'Ünïcødé'] },
      { line: 3, fields: ['A2', 'x'] },
    ]);
  });

  it('skips blank lines but keeps counting them', () => {
    expect(parseCsv('h\r\n\r\nv\r\n\r\n')).toEqual([
      { line: 1, fields: ['h'] },
      { line: 3, fields: ['v'] },
    ]);
  });

  it('keeps a trailing empty field', () => {
    expect(parseCsv('a,b\n1,')).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['1', ''] },
    ]);
  });

  it.each([
    ['a\n"never closed', 2, 'never closed'],
    ['a\n"x"y', 2, 'after a closing quote'],
    ['a\nx"y', 2, 'quote inside an unquoted field'],
  ])('reports malformed input %j with its line', (text, line, message) => {
    try {
      parseCsv(text);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(CsvSyntaxError);
      expect((err as CsvSyntaxError).line).toBe(line);
      expect((err as Error).message).toContain(message);
    }
  });
});

describe('writeCsv', () => {
  it('round-trips awkward values through parseCsv', () => {
    const rows = [
      ['plain', 'with, comma', 'with "quotes"'],
      ['line\r\nbreak', ' padded ', ''],
      ['=SUM(A1)', '-5 items', '@cmd'],
    ];
    const text = writeCsv(['a', 'b', 'c'], rows);
    expect(text.endsWith('\r\n')).toBe(true);
    const parsed = parseCsv(text).map((r) => r.fields.map(unescapeFormula));
    expect(parsed).toEqual([['a', 'b', 'c'], ...rows]);
  });

  it('gives back values that start with an apostrophe, as an export writes and an import reads them', () => {
    const values = ["'=1+1", "'quoted", "''", "'", "''=SUM(A1)", "'@x", 'plain', '=1+1', "it's"];
    const text = writeCsv(
      ['value'],
      values.map((v) => [v]),
    );
    const back = parseCsv(text)
      .slice(1)
      .map((r) => unescapeFormula(r.fields[0] ?? ''));
    expect(back).toEqual(values);
    expect(escapeFormula("'=1+1")).toBe("''=1+1");
    expect(escapeFormula("it's")).toBe("it's");
  });

  it('neutralises spreadsheet formulas', () => {
    expect(escapeFormula('=HYPERLINK("x")')).toBe('\'=HYPERLINK("x")');
    expect(unescapeFormula("'=1+1")).toBe('=1+1');
    expect(unescapeFormula("'quoted")).toBe("'quoted");
  });
});
