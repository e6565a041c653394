import { readFileSync } from 'node:fs';
import type { SoftwareItem } from '@stocktake/shared/core';
import { describe, expect, it } from 'vitest';
import { macosInstalledSoftware } from './index.ts';
import { installedItemOf, PS_ARGS, parsePs } from './parse.ts';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

const WORD = '/Applications/Microsoft Word.app/Contents/MacOS/Microsoft Word';

describe('the ps command', () => {
  it('asks for the owner and argv[0] only, never the arguments', () => {
    expect(PS_ARGS).toEqual(['-axww', '-o', 'uid=,user=,comm=']);
    expect(PS_ARGS.join(' ')).not.toMatch(/args|command|-E/);
  });
});

describe('parsePs', () => {
  const programs = parsePs(fixture('sonoma-14.6-m2-ps-uid-user-comm.txt'));

  it('reads each process named by a full path, people (uid 501 and up) with their account', () => {
    expect(programs).toHaveLength(27);
    expect(programs[0]).toEqual({ program: '/sbin/launchd' });
    expect(programs.filter((p) => p.user === 'alice.martin')).toHaveLength(15);
    expect(programs.filter((p) => p.user === 'bob').map((p) => p.program)).toEqual([
      '/System/Library/CoreServices/Finder.app/Contents/MacOS/Finder',
      WORD,
      '/private/var/folders/x7/q1lw4b5j0nx8kz3l5_2g7c8r0000gp/T/AppTranslocation/2F1C7E44-5B0A-4D56-9E4B-6C1E3A9F0B21/d/Figma.app/Contents/MacOS/Figma',
    ]);
  });

  it('names nobody for system accounts and nobody (-2), keeps paths with spaces whole, composes decomposed names', () => {
    expect(programs).toContainEqual({ program: '/usr/libexec/ioupsd' });
    expect(programs).toContainEqual({ program: '/Library/Application Support/JAMF/Jamf.app/Contents/MacOS/Jamf' });
    expect(programs).toContainEqual({
      program: '/Applications/Café Tracker.app/Contents/MacOS/Café Tracker'.normalize('NFC'),
      user: 'alice.martin',
    });
    expect(programs.some((p) => !p.program.startsWith('/'))).toBe(false);
  });

  it('skips headers, short and garbled lines; a uid ps could not name names nobody', () => {
    expect(parsePs(fixture('handmade-odd-lines-ps.txt'))).toEqual([
      { program: WORD },
      { program: '/Applications/CafM-CM-) Tracker.app/Contents/MacOS/CafM-CM-) Tracker', user: 'alice.martin' },
      { program: '/Applications/Slack.app/Contents/MacOS/Slack', user: 'alice.martin' },
      { program: '/Applications/Microsoft Word.app/Contents/MacOS/Micro' },
    ]);
    expect(parsePs('')).toEqual([]);
  });
});

describe('installedItemOf', () => {
  const item = (name: string, source: SoftwareItem['source'], installLocation: string): SoftwareItem => ({
    name,
    version: '1',
    source,
    installLocation,
  });
  const software: SoftwareItem[] = [
    item('Microsoft Word', 'app_bundle', '/Applications/Microsoft Word.app'),
    item('Google Chrome', 'app_bundle', '/Applications/Google Chrome.app'),
    item('zoom.us', 'app_bundle', '/Applications/zoom.us.app'),
    item('Café Tracker', 'app_bundle', '/Applications/Café Tracker.app'.normalize('NFD')),
    item('Jamf', 'app_bundle', '/Library/Application Support/JAMF/Jamf.app'),
    item('Safari', 'app_bundle', '/Applications/Safari.app'),
    item('Figma', 'app_bundle', '/Applications/Figma.app'),
    item('syncthing', 'homebrew', '/opt/homebrew/Cellar/syncthing/1.27.12'),
    item('postgresql@16', 'homebrew', '/opt/homebrew/Cellar/postgresql@16/16.4'),
    item('Microsoft', 'app_bundle', '/Applications/Microsoft'),
    item('Root', 'app_bundle', '/'),
    { name: 'No location', version: '1', source: 'app_bundle' },
  ];

  it.each([
    [WORD, 'Microsoft Word'],
    [
      '/Applications/Google Chrome.app/Contents/Frameworks/Google Chrome Framework.framework/Versions/131.0.6778.86/Helpers/Google Chrome Helper (Renderer).app/Contents/MacOS/Google Chrome Helper (Renderer)',
      'Google Chrome',
    ],
    ['/Applications/Café Tracker.app/Contents/MacOS/Café Tracker'.normalize('NFC'), 'Café Tracker'],
    ['/opt/homebrew/Cellar/syncthing/1.27.12/bin/syncthing', 'syncthing'],
    ['/opt/homebrew/opt/postgresql@16/bin/postgres', undefined],
    ['/System/Volumes/Preboot/Cryptexes/App/System/Applications/Safari.app/Contents/MacOS/Safari', undefined],
    ['/Applications/Microsoft Word.app.old/Contents/MacOS/Microsoft Word', undefined],
    ['/sbin/launchd', undefined],
  ])('%s', (program, expected) => {
    expect(installedItemOf(program, software)?.name).toBe(expected);
  });

  it('maps a whole sample: the applications each person ran, and the machine’s own', () => {
    const installed = macosInstalledSoftware();
    installed.use(software);
    const seen = new Set(
      parsePs(fixture('sonoma-14.6-m2-ps-uid-user-comm.txt')).flatMap((p) => {
        const ref = installed.itemOf(p.program);
        return ref ? [`${ref.name}/${p.user ?? '-'}`] : [];
      }),
    );
    expect([...seen]).toEqual([
      'Jamf/-',
      'Microsoft Word/alice.martin',
      'Google Chrome/alice.martin',
      'zoom.us/alice.martin',
      'Café Tracker/alice.martin',
      'syncthing/alice.martin',
      'Microsoft Word/bob',
    ]);
  });
});
