import { describe, expect, it } from 'vitest';
import {
  DELIMITER_NAMES,
  type ImportRefusedError,
  ImportTooLargeError,
  nextChunkRows,
  parseDateCell,
  parseImportFile,
  parseMoneyCell,
  readDateCell,
  TWO_DIGIT_YEAR_RULE,
} from './csv-import.ts';

describe('parseDateCell', () => {
  it.each([
    ['2023-01-15', '2023-01-15'],
    ['2023-01-15 00:00:00', '2023-01-15'],
    ['2023/1/5', '2023-01-05'],
    ['01/15/2023', '2023-01-15'],
    ['15.01.2023', '2023-01-15'],
  ])('reads %j', (raw, iso) => expect(parseDateCell(raw)).toBe(iso));

  it.each(['2023-02-30', '15/01/2023', 'yesterday', '2023-13-01', '2/30/23', 'Foo 3, 2020', '1/23/123'])(
    'refuses %j',
    (raw) => expect(parseDateCell(raw)).toBeUndefined(),
  );

  // Snipe-IT's own sample files write US dates with two-digit years, which its importer (PHP)
  // reads with the pivot at 70.
  it.each([
    ['1/23/23', '2023-01-23'],
    ['10/27/28', '2028-10-27'],
    ['4/5/16', '2016-04-05'],
    ['12/31/69', '2069-12-31'],
    ['1/1/70', '1970-01-01'],
    ['11/24/99', '1999-11-24'],
    ['15.01.23', '2023-01-15'],
    ['15-01-2023', '2023-01-15'],
    ['15 Jan 2023', '2023-01-15'],
    ['15-Jan-23', '2023-01-15'],
    ['Jan 15, 2023', '2023-01-15'],
    ['September 3 2021', '2021-09-03'],
    ['1/23/2023 2:30 PM', '2023-01-23'],
  ])('reads %j as Snipe-IT does', (raw, iso) => expect(parseDateCell(raw)).toBe(iso));

  it('says when a year had two digits', () => {
    expect(readDateCell('1/23/23')).toEqual({ date: '2023-01-23', twoDigitYear: true });
    expect(readDateCell('1/23/2023')).toEqual({ date: '2023-01-23', twoDigitYear: false });
    expect(TWO_DIGIT_YEAR_RULE).toContain('70–99 as 1970–1999');
  });
});

describe('nextChunkRows', () => {
  it('sizes the next chunk of writes to about 10 ms, growing at most twofold and never past 5000 rows', () => {
    expect(nextChunkRows(50, 1)).toBe(100);
    expect(nextChunkRows(4000, 1)).toBe(5000);
    expect(nextChunkRows(200, 20)).toBe(100);
    expect(nextChunkRows(200, 40)).toBe(50);
    expect(nextChunkRows(10, 400)).toBe(1);
  });
});

describe('parseMoneyCell', () => {
  it.each([
    ['1299', 1299],
    ['1299.5', 1299.5],
    ['1,299.50', 1299.5],
    ['1.299,50', 1299.5],
    ['$1,299.50', 1299.5],
    ['1 299,50 €', 1299.5],
    ['1,299', 1299],
  ])('reads %j', (raw, value) => expect(parseMoneyCell(raw)).toBe(value));

  it.each(['abc', '-5', '12,34,5', ''])('refuses %j', (raw) => expect(parseMoneyCell(raw)).toBeUndefined());
});

describe('parseImportFile', () => {
  const specs = [
    { key: 'asset_tag', aliases: ['Asset Tag'] },
    { key: 'serial', aliases: ['Serial Number'] },
  ] as const;

  it('maps headers case-insensitively and lists the columns it ignores', async () => {
    const parsed = await parseImportFile('Asset Tag,SERIAL NUMBER,Company\r\nA1,S1,Acme\r\n', specs, ['asset_tag']);
    expect(parsed.ignoredColumns).toEqual(['Company']);
    expect(parsed.rows).toEqual([
      {
        line: 2,
        cells: new Map([
          ['asset_tag', 'A1'],
          ['serial', 'S1'],
        ]),
      },
    ]);
  });

  it('refuses a missing required column, a repeated column and rows of the wrong width', async () => {
    const refused = async (text: string) => {
      try {
        await parseImportFile(text, specs, ['asset_tag']);
      } catch (err) {
        return (err as ImportRefusedError).errors;
      }
      throw new Error('not refused');
    };
    expect(await refused('serial\nS1')).toEqual([
      { line: 1, message: 'the header has no asset_tag column (read as comma-separated, UTF-8; its columns: serial)' },
    ]);
    expect((await refused('asset_tag,Asset Tag\nA,B'))[0]).toMatchObject({ line: 1, column: 'Asset Tag' });
    expect(await refused('asset_tag,serial\nA1,S1\nA2\nA3,S3,x')).toEqual([
      { line: 3, message: 'has 1 fields where the header has 2' },
      { line: 4, message: 'has 3 fields where the header has 2' },
    ]);
    expect(await refused('')).toEqual([{ line: 1, message: 'the file is empty (a header line is required)' }]);
    expect(await refused('asset_tag\n"open')).toEqual([{ line: 2, message: 'a quoted field is never closed' }]);
  });

  it('stops reading at the row limit: a file with more rows is refused whole', async () => {
    const rows = (n: number) => `asset_tag\n${Array.from({ length: n }, (_, i) => `A${i}`).join('\n')}\n`;
    await expect(parseImportFile(rows(3), specs, ['asset_tag'], { maxRows: 3 })).resolves.toMatchObject({
      rows: [{ line: 2 }, { line: 3 }, { line: 4 }],
    });
    await expect(parseImportFile(rows(4), specs, ['asset_tag'], { maxRows: 3 })).rejects.toThrow(ImportTooLargeError);
  });

  it('hands the event loop back while it reads, and says how far it has come', async () => {
    const text = `asset_tag\n${Array.from({ length: 50 }, (_, i) => `A${i}`).join('\n')}\n`;
    let pauses = 0;
    // A pace whose slice is always spent: every record is followed by a pause.
    const pace = {
      due: () => true,
      pause: async () => {
        pauses++;
      },
    };
    const seen: number[] = [];
    const parsed = await parseImportFile(text, specs, ['asset_tag'], {
      pace,
      progress: (p) => seen.push(p.done),
    });
    expect(parsed.rows).toHaveLength(50);
    // Records are read and kept as rows in one pass: a pause after each.
    expect(pauses).toBeGreaterThanOrEqual(50);
    expect(seen.at(-1)).toBe(50);
  });
});

describe('parseImportFile: separators and encodings as spreadsheets save them', () => {
  const specs = [
    { key: 'asset_tag', aliases: ['Asset Tag'] },
    { key: 'name', aliases: [] },
  ] as const;
  const cellsOf = (parsed: { rows: { cells: Map<string, string> }[] }) =>
    parsed.rows.map((r) => Object.fromEntries(r.cells));

  it.each([
    ['comma', 'Asset Tag,name\r\nA1,"Doe; Jane"\r\n'],
    ['semicolon', 'Asset Tag;name\r\nA1;Doe; Jane\r\n'.replace('Doe; Jane', '"Doe; Jane"')],
    ['tab', 'Asset Tag\tname\r\nA1\tDoe; Jane\r\n'],
  ])('detects a %s-separated file and says so', async (delimiter, text) => {
    const parsed = await parseImportFile(Buffer.from(text), specs, ['asset_tag']);
    expect(DELIMITER_NAMES[parsed.detected.delimiter]).toBe(delimiter);
    expect(cellsOf(parsed)).toEqual([{ asset_tag: 'A1', name: 'Doe; Jane' }]);
  });

  it('reads UTF-8 with and without a byte order mark, and UTF-16 with one', async () => {
    const text = 'Asset Tag,name\r\nA1,Jürgen Straße\r\n';
    const plain = await parseImportFile(Buffer.from(text), specs, ['asset_tag']);
    const bom = await parseImportFile(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]), specs, [
      'asset_tag',
    ]);
    const utf16 = await parseImportFile(
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]),
      specs,
      ['asset_tag'],
    );
    expect([plain.detected.encoding, bom.detected.encoding, utf16.detected.encoding]).toEqual([
      'utf-8',
      'utf-8-bom',
      'utf-16le',
    ]);
    for (const parsed of [plain, bom, utf16])
      expect(cellsOf(parsed)).toEqual([{ asset_tag: 'A1', name: 'Jürgen Straße' }]);
  });

  it('refuses bytes that are not UTF-8 when no detector is at hand, rather than storing J\uFFFDrgen', async () => {
    await expect(
      parseImportFile(Buffer.from('Asset Tag,name\r\nA1,J\xfcrgen\r\n', 'latin1'), specs, ['asset_tag']),
    ).rejects.toMatchObject({ errors: [{ line: 1, message: expect.stringContaining('not UTF-8') }] });
  });
});
