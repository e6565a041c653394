import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { mdlsDateMs, parseMdlsRaw } from './parse.ts';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const iso = (m: Map<string, number>) => Object.fromEntries([...m].map(([k, v]) => [k, new Date(v).toISOString()]));

const paths = [
  '/Applications/Safari.app',
  '/Applications/GarageBand.app',
  '/Applications/Microsoft Word.app',
  '/Applications/Zoom.us.app',
  '/Applications/Keynote.app',
];

describe('parseMdlsRaw', () => {
  it('lines values up with the bundles asked about; (null) is never opened', () => {
    expect(iso(parseMdlsRaw(fixture('handmade-sonoma-mdls-raw.bin'), paths))).toEqual({
      '/Applications/Safari.app': '2026-12-04T08:31:57.000Z',
      '/Applications/Microsoft Word.app': '2026-06-30T17:02:11.000Z',
      '/Applications/Zoom.us.app': '2025-11-02T09:00:00.000Z',
    });
  });

  it('reads nothing from output that does not line up (cut short, or another count)', () => {
    expect(parseMdlsRaw(fixture('handmade-truncated-mdls-raw.bin'), paths).size).toBe(0);
    expect(parseMdlsRaw('', paths).size).toBe(0);
  });
});

describe('mdlsDateMs', () => {
  it.each([
    ['2026-12-04 08:31:57 +0000', '2026-12-04T08:31:57.000Z'],
    ['2026-12-04 10:31:57 +0200', '2026-12-04T08:31:57.000Z'],
    ['(null)', undefined],
    ['2026-12-04T08:31:57Z', undefined],
  ])('%s', (value, expected) => {
    const ms = mdlsDateMs(value);
    expect(ms === undefined ? undefined : new Date(ms).toISOString()).toBe(expected);
  });
});
