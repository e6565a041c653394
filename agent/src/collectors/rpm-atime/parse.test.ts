import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseRpmPrograms, type RpmPrograms } from './parse.ts';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

const cases: { fixture: string; expected: RpmPrograms[] }[] = [
  {
    // rpm 4.18's answer over a database holding the two packages of tools.spec and hello.spec.
    fixture: 'rpm-4.18-two-packages.txt',
    expected: [
      {
        name: 'stocktake-tools',
        arch: 'x86_64',
        // Not the configuration file, the directories, nor the executable shared library.
        programs: ['/usr/bin/stocktake-tool', '/usr/lib/stocktake-tools/worker', '/usr/libexec/stocktake-tools/helper'],
      },
      { name: 'stocktake-hello', arch: 'noarch', programs: ['/usr/bin/stocktake-hello'] },
    ],
  },
  {
    // A signing key without files, a symbolic link, a library, one program in two arches, a
    // line cut off and a message on stdout.
    fixture: 'handmade-malformed.txt',
    expected: [
      { name: 'bash', arch: 'x86_64', programs: ['/usr/bin/bash'] },
      { name: 'glibc', arch: 'x86_64', programs: ['/usr/sbin/ldconfig'] },
      { name: 'glibc', arch: 'i686', programs: ['/usr/sbin/ldconfig'] },
    ],
  },
];

describe('parseRpmPrograms', () => {
  it.each(cases)('$fixture', ({ fixture: name, expected }) => {
    expect(parseRpmPrograms(fixture(name))).toEqual(expected);
  });

  it('gives nothing for empty output', () => {
    expect(parseRpmPrograms('')).toEqual([]);
  });
});
