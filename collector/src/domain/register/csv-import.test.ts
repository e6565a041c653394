import { describe, expect, it } from 'vitest';
import {
  type ImportRefusedError,
  ImportTooLargeError,
  parseDateCell,
  parseImportFile,
  parseMoneyCell,
} from './csv-import.ts';

describe('parseDateCell', () => {
  it.each([
    ['2023-01-15', '2023-01-15'],
    ['2023-01-15 00:00:00', '2023-01-15'],
    ['2023/1/5', '2023-01-05'],
    ['01/15/2023', '2023-01-15'],
    ['15.01.2023', '2023-01-15'],
  ])('reads %j', (raw, iso) => expect(parseDateCell(raw)).toBe(iso));

  it.each(['2023-02-30', '15/01/2023', 'yesterday', '2023-13-01'])('refuses %j', (raw) =>
    expect(parseDateCell(raw)).toBeUndefined(),
  );
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
    expect(await refused('serial\nS1')).toEqual([{ line: 1, message: 'the header has no asset_tag column' }]);
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
    expect(pauses).toBeGreaterThanOrEqual(100);
    expect(seen.at(-1)).toBe(50);
  });
});
