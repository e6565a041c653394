import { describe, expect, it } from 'vitest';
import { clean, formatAgo, formatBytes, renderFields, renderTable, truncate } from './output.ts';

interface Row {
  name: string;
  version: string;
  id: string;
  count: number;
}

const rows: Row[] = [
  { name: 'openssl', version: '3.0.15-1~deb12u1', id: 'a1b2c3d4-0000-4000-8000-000000000001', count: 12 },
  {
    name: 'a-very-long-package-name-that-goes-on',
    version: '1.0',
    id: 'a1b2c3d4-0000-4000-8000-000000000002',
    count: 3,
  },
];
const columns = [
  { header: 'name', value: (r: Row) => r.name },
  { header: 'version', value: (r: Row) => r.version },
  { header: 'devices', value: (r: Row) => r.count, align: 'right' as const },
  { header: 'id', value: (r: Row) => r.id, keep: true },
];

describe('renderTable', () => {
  it('aligns columns under upper-case headers, numbers right, no trailing spaces', () => {
    const text = renderTable(rows, columns);
    expect(text.split('\n')).toEqual([
      'NAME                                   VERSION           DEVICES  ID',
      'openssl                                3.0.15-1~deb12u1       12  a1b2c3d4-0000-4000-8000-000000000001',
      'a-very-long-package-name-that-goes-on  1.0                     3  a1b2c3d4-0000-4000-8000-000000000002',
      '',
    ]);
  });

  it('fits a narrow terminal by cutting the widest cells, never the kept column', () => {
    const text = renderTable(rows, columns, 80);
    const lines = text.trimEnd().split('\n');
    for (const line of lines) expect(Array.from(line).length).toBeLessThanOrEqual(80);
    expect(lines[1]).toContain('a1b2c3d4-0000-4000-8000-000000000001');
    expect(lines[1]).toMatch(/^openssl +3\.0\.15-1~deb12u1 /);
    expect(lines[2]).toMatch(/^a-very-long-\S*… +1\.0 +3 +a1b2c3d4/);
  });

  it('cuts each column no narrower than its header (at most 5), then leaves out columns from the right', () => {
    const tight = renderTable(rows, columns, 56).trimEnd().split('\n');
    expect(tight[0]).toBe('NAME  VERS…  DEVI…  ID');
    expect(tight[1]).toBe('ope…  3.0.…     12  a1b2c3d4-0000-4000-8000-000000000001');
    const dropped = renderTable(rows, columns, 50).trimEnd().split('\n');
    expect(dropped[0]).toBe('NAME   VERS…  ID');
    expect(dropped[1]).toBe('open…  3.0.…  a1b2c3d4-0000-4000-8000-000000000001');
    const hopeless = renderTable(rows, columns, 10).trimEnd().split('\n');
    expect(hopeless[1]).toBe('ope…  a1b2c3d4-0000-4000-8000-000000000001');
  });

  it('shows absent values as "-" and turns control characters into spaces', () => {
    const text = renderTable(
      [{ a: null, b: 'evil\u001b[31mred\nline' }],
      [
        { header: 'a', value: (r: { a: null; b: string }) => r.a },
        { header: 'b', value: (r: { a: null; b: string }) => r.b },
      ],
    );
    expect(text).toBe('A  B\n-  evil [31mred line\n');
    expect(clean('\u0007bell\u009b')).toBe(' bell ');
  });
});

describe('formatting', () => {
  it('truncates by characters with an ellipsis', () => {
    expect(truncate('abcdef', 4)).toBe('abc…');
    expect(truncate('abc', 4)).toBe('abc');
    expect(truncate('ééééé', 3)).toBe('éé…');
  });

  it('renders fields aligned and leaves out empty ones', () => {
    expect(
      renderFields([
        ['Serial', 'X1'],
        ['UUID', null],
        ['Memory', '16 GiB'],
      ]),
    ).toBe('Serial  X1\nMemory  16 GiB\n');
  });

  it('formats sizes and ages', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(16 * 1024 ** 3)).toBe('16.0 GiB');
    expect(formatBytes(null)).toBeUndefined();
    const now = Date.parse('2026-03-01T12:00:00Z');
    expect(formatAgo('2026-03-01T11:59:30Z', now)).toBe('30 s ago');
    expect(formatAgo('2026-03-01T09:00:00Z', now)).toBe('3 h ago');
    expect(formatAgo('2026-02-20T12:00:00Z', now)).toBe('9 d ago');
    expect(formatAgo('2026-03-08T12:00:00Z', now)).toBe('in 7 d');
  });
});
