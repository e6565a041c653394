import { describe, expect, it } from 'vitest';
import { decodeCsv } from '../domain/csv/decode.ts';
import { NO_PAUSES } from '../domain/csv/pace.ts';
import { csvCharsets } from './csv-charsets.ts';

/** Text as a legacy code page saves it: each character's byte in that encoding. */
const bytes = (parts: (string | number)[]) =>
  Buffer.concat(parts.map((p) => (typeof p === 'number' ? Buffer.from([p]) : Buffer.from(p, 'latin1'))));

describe('CSV files that are not UTF-8', () => {
  // "Jürgen Müller, Straße, Café “q” €5" in each code page.
  const windows = bytes([
    'name\r\nJ',
    0xfc,
    'rgen M',
    0xfc,
    'ller, Stra',
    0xdf,
    'e, Caf',
    0xe9,
    ' ',
    0x93,
    'q',
    0x94,
    ' ',
    0x80,
    '5\r\n',
  ]);
  const mac = bytes([
    'name\r\nJ',
    0x9f,
    'rgen M',
    0x9f,
    'ller, Stra',
    0xa7,
    'e, Caf',
    0x8e,
    ' ',
    0xd2,
    'q',
    0xd3,
    ' ',
    0xdb,
    '5\r\n',
  ]);

  it('tells Windows-1252 from Mac Roman and decodes each, curly quotes and euro sign included', async () => {
    expect(await decodeCsv(windows, csvCharsets, NO_PAUSES)).toEqual({
      text: 'name\r\nJürgen Müller, Straße, Café “q” €5\r\n',
      encoding: 'windows-1252',
    });
    expect(await decodeCsv(mac, csvCharsets, NO_PAUSES)).toEqual({
      text: 'name\r\nJürgen Müller, Straße, Café “q” €5\r\n',
      encoding: 'macintosh',
    });
  });

  it('leaves UTF-8 to UTF-8, however many accents', async () => {
    const text = 'name\r\nJürgen Müller, Straße, Café “q” €5\r\n';
    expect(await decodeCsv(Buffer.from(text), csvCharsets, NO_PAUSES)).toEqual({ text, encoding: 'utf-8' });
  });
});
