import { describe, expect, it } from 'vitest';
import { compileLicenseRule } from './license-match.ts';
import { type CatalogueEntry, type LicenseRuleOf, matchCatalogue, userKey } from './license-usage.ts';

describe('matchCatalogue', () => {
  const catalogue: CatalogueEntry[] = (
    [
      {
        id: 1,
        name: 'Microsoft Office Professional Plus 2019',
        version: '16.0.10827',
        publisher: 'Microsoft Corporation',
      },
      { id: 2, name: 'Microsoft Office 2010', version: '14.0', publisher: 'Microsoft Corporation' },
      { id: 3, name: 'microsoft office standard', version: '16.1', publisher: 'MICROSOFT' },
      { id: 4, name: 'Adobe Acrobat Pro', version: '24.1', publisher: 'Adobe Inc.' },
      { id: 5, name: 'AutoCAD', version: '2024', publisher: null },
      { id: 6, name: 'Au', version: '1', publisher: null },
      { id: 7, name: 'Zoom Workplace', version: '6.2', publisher: 'Zoom' },
    ] as Omit<CatalogueEntry, 'source'>[]
  ).map((e) => ({ ...e, source: 'registry' }));
  const licenses: LicenseRuleOf[] = [
    { id: 'office', namePattern: 'Microsoft Office*', publisherPattern: 'Microsoft*', versionRange: '>=16 <17' },
    { id: 'acrobat', namePattern: 'adobe acrobat*', publisherPattern: null, versionRange: null },
    { id: 'anything-cad', namePattern: '*CAD', publisherPattern: null, versionRange: null },
    { id: 'short', namePattern: 'Au*', publisherPattern: null, versionRange: null },
    { id: 'none', namePattern: 'Nothing*', publisherPattern: null, versionRange: null },
  ];

  it('gives each license the catalogue entries its rule matches', () => {
    const out = matchCatalogue(licenses, catalogue);
    expect(Object.fromEntries(out)).toEqual({
      office: [1, 3],
      acrobat: [4],
      'anything-cad': [5],
      short: [5, 6],
      none: [],
    });
  });

  it('agrees with testing every license against every entry (the buckets only skip impossible pairs)', () => {
    const names = ['Office', 'office suite', 'Off', 'O', '', 'Öffice', 'Visual Studio', 'visual*', 'V?sual'];
    const entries = names.flatMap((name, i) => [
      { id: i * 2 + 1, name, version: '1.0', publisher: 'P', source: 'registry' },
      { id: i * 2 + 2, name: `${name} 2`, version: '2.0', publisher: null, source: 'registry' },
    ]);
    const rules: LicenseRuleOf[] = names.map((name, i) => ({
      id: `l${i}`,
      namePattern: i % 2 ? `${name}*` : `*${name}`,
      publisherPattern: null,
      versionRange: null,
    }));
    const fast = matchCatalogue(rules, entries);
    for (const rule of rules) {
      const test = compileLicenseRule(rule);
      expect(fast.get(rule.id), rule.namePattern).toEqual(entries.filter((e) => test(e)).map((e) => e.id));
    }
  });
});

describe('userKey', () => {
  it('is the primary user, else the assignee, without case, domain or mail domain', () => {
    expect(userKey('CORP\\Alice', null, null)).toBe('alice');
    expect(userKey(null, 'ALICE', 'x@y')).toBe('alice');
    expect(userKey(null, null, 'alice@corp.example')).toBe('alice');
    expect(userKey('bob', 'alice', null)).toBe('bob');
    expect(userKey(null, null, null)).toBeUndefined();
    expect(userKey('  ', null, null)).toBeUndefined();
  });
});
