import { readFileSync } from 'node:fs';
import path from 'node:path';
import { type SoftwareItem, SoftwareSchema } from '@stocktake/shared';
import { Compile } from 'typebox/compile';
import { describe, expect, it } from 'vitest';
import { runCommand } from '../../runner/run-command.ts';
import { FAKE_TIMEOUT_MS, fakeContext, timeoutError } from '../macos-hardware/fake-context.ts';
import { SYSTEM_PROFILER } from '../macos-hardware/system-profiler.ts';
import { macosAppsCollector } from './index.ts';
import { APPLICATIONS_ARGS, isInstalledApplication, parseApplications } from './parse.ts';

const fixture = (name: string) => readFileSync(path.join(import.meta.dirname, 'fixtures', name), 'utf8');
const COMMAND = `${SYSTEM_PROFILER} ${APPLICATIONS_ARGS.join(' ')}`;
const validSoftware = Compile(SoftwareSchema);

const app = (
  name: string,
  version: string,
  installLocation: string,
  extra: Partial<Omit<SoftwareItem, 'name' | 'version' | 'source' | 'installLocation'>> = {},
): SoftwareItem => ({ name, version, source: 'app_bundle', ...extra, installLocation });

const APPLE = 'Apple Inc.';

const cases: { fixture: string; expected: SoftwareItem[] }[] = [
  {
    // Apple silicon: nested helpers, /System/Library, DMG, trash and DerivedData copies dropped;
    // the Mac App Store app 微信 has no knowable publisher; Café arrives decomposed (NFD) and
    // unsigned, without a version; Slack is in two places; a background updater is kept.
    fixture: 'macbook-pro-m3-sonoma-14.5.json',
    expected: [
      app('App Store', '3.0', '/System/Applications/App Store.app', {
        publisher: APPLE,
        arch: 'universal',
        installDate: '2024-05-11T08:15:03.000Z',
      }),
      app('Backup Launcher', '', '/Applications/Utilities/Backup Launcher.app', {
        installDate: '2022-08-19T12:00:00.000Z',
      }),
      app('Café', '', '/Applications/Cafe\u0301.app', { arch: 'arm64', installDate: '2024-03-02T17:20:00.000Z' }),
      app('Duolingo', '6.158.0', '/Applications/Duolingo.app', {
        arch: 'arm64',
        installDate: '2024-05-22T07:09:51.000Z',
      }),
      app('Gmail', '1.0', '/Users/alice/Applications/Chrome Apps.localized/Gmail.app', {
        arch: 'universal',
        installDate: '2024-04-18T15:33:20.000Z',
      }),
      app('Google Chrome', '125.0.6422.142', '/Applications/Google Chrome.app', {
        publisher: 'Google LLC',
        arch: 'universal',
        installDate: '2024-06-04T06:31:12.000Z',
      }),
      app('Microsoft AutoUpdate', '4.72', '/Library/Application Support/Microsoft/MAU2.0/Microsoft AutoUpdate.app', {
        publisher: 'Microsoft Corporation',
        arch: 'universal',
        installDate: '2024-05-28T13:40:02.000Z',
      }),
      app('Microsoft Word', '16.85', '/Applications/Microsoft Word.app', {
        publisher: 'Microsoft Corporation',
        arch: 'universal',
        installDate: '2024-05-28T13:47:55.000Z',
      }),
      app('Safari', '17.5', '/Applications/Safari.app', {
        publisher: APPLE,
        arch: 'universal',
        installDate: '2024-05-20T19:02:41.000Z',
      }),
      app('Signal', '7.11.1', '/Applications/Signal.app', {
        publisher: 'Quiet Riddle Ventures LLC',
        arch: 'universal',
        installDate: '2024-06-03T18:27:44.000Z',
      }),
      app('Slack', '4.36.140', '/Users/alice/Downloads/Slack.app', {
        publisher: 'Slack Technologies, Inc.',
        arch: 'universal',
        installDate: '2024-02-12T09:12:07.000Z',
      }),
      app('Slack', '4.38.125', '/Applications/Slack.app', {
        publisher: 'Slack Technologies, Inc.',
        arch: 'universal',
        installDate: '2024-06-01T10:00:31.000Z',
      }),
      app('Steam', '1.0', '/Applications/Steam.app', {
        publisher: 'Valve Corporation',
        arch: 'x86_64',
        installDate: '2024-01-09T20:14:36.000Z',
      }),
      app('Xcode', '15.4', '/Applications/Xcode.app', { arch: 'universal', installDate: '2024-04-30T21:58:10.000Z' }),
      app('微信', '3.8.8', '/Applications/WeChat.app', { arch: 'universal', installDate: '2024-05-30T02:10:44.000Z' }),
    ],
  },
  {
    // Intel: 32/64-bit and 32-bit-only apps, a Developer ID without team id, the old
    // `app_store` origin.
    fixture: 'macbook-pro-2019-intel-ventura-13.6.json',
    expected: [
      app('Adobe Acrobat Reader', '19.010.20099', '/Applications/Adobe Acrobat Reader DC.app', {
        publisher: 'Adobe Systems, Inc.',
        arch: 'x86_64',
        installDate: '2019-03-06T11:25:40.000Z',
      }),
      app('Aperture', '3.6', '/Applications/Aperture.app', { arch: 'i386', installDate: '2015-04-08T18:00:00.000Z' }),
      app('Docker', '4.25.0', '/Applications/Docker.app', {
        publisher: 'Docker Inc',
        arch: 'x86_64',
        installDate: '2023-11-02T08:44:13.000Z',
      }),
      app('Keynote', '13.2', '/Applications/Keynote.app', { arch: 'x86_64', installDate: '2023-09-27T02:13:05.000Z' }),
      app('Microsoft Excel', '16.79', '/Applications/Microsoft Excel.app', {
        publisher: 'Microsoft Corporation',
        arch: 'universal',
        installDate: '2023-11-14T09:03:27.000Z',
      }),
      app('Safari', '17.1', '/Applications/Safari.app', {
        publisher: APPLE,
        arch: 'x86_64',
        installDate: '2023-10-25T21:41:18.000Z',
      }),
      app('VirtualBox', '7.0.12', '/Applications/VirtualBox.app', {
        publisher: 'Oracle America, Inc.',
        arch: 'x86_64',
        installDate: '2023-10-17T14:30:52.000Z',
      }),
    ],
  },
  {
    // No version → ''; no name → bundle name from the path; no path → no location; empty
    // name without path → dropped; wrong types ignored field by field.
    fixture: 'handmade-missing-fields.json',
    expected: [
      app('Apple By Origin', '1.4', '/Applications/Utilities/Apple By Origin.app', { publisher: APPLE }),
      app('Nameless Tool', '2.1', '/Applications/Nameless Tool.app', { arch: 'arm64' }),
      app('No Version', '', '/Applications/No Version.app', {
        publisher: 'Example GmbH',
        arch: 'universal',
        installDate: '2024-01-02T03:04:05.000Z',
      }),
      app('Odd Types', '', '/Applications/Odd Types.app'),
      { name: 'Pathless', version: '1.0', source: 'app_bundle' },
      app('Unknown Arch', '0.1', '/Applications/Unknown Arch.app'),
    ],
  },
  {
    fixture: 'handmade-odd-entries.json',
    expected: [app('Survivor', '1.0', '/Applications/Survivor.app')],
  },
];

describe('parseApplications', () => {
  it.each(cases)('$fixture', ({ fixture: name, expected }) => {
    const items = parseApplications(fixture(name));
    expect(items).toEqual(expected);
    expect(validSoftware.Check(items)).toBe(true);
  });

  it('never sets an optional field to undefined or empty', () => {
    for (const { fixture: name } of cases) {
      for (const item of parseApplications(fixture(name))) {
        for (const [key, value] of Object.entries(item)) {
          expect(value, `${item.name}.${key}`).not.toBeUndefined();
          if (key !== 'version') expect(value, `${item.name}.${key}`).not.toBe('');
        }
      }
    }
  });

  it('keeps the order total when the same app is installed twice', () => {
    const text = fixture('macbook-pro-m3-sonoma-14.5.json');
    const doc = JSON.parse(text) as { SPApplicationsDataType: unknown[] };
    const reversed = JSON.stringify({ SPApplicationsDataType: [...doc.SPApplicationsDataType].reverse() });
    expect(parseApplications(reversed)).toEqual(parseApplications(text));
  });

  it('returns nothing for an empty list', () => {
    expect(parseApplications('{\n  "SPApplicationsDataType" : [\n\n  ]\n}\n')).toEqual([]);
  });

  it('refuses truncated or foreign output with an error naming the command', () => {
    expect(() => parseApplications(fixture('truncated-output.json'))).toThrow(`${COMMAND} printed invalid JSON`);
    expect(() => parseApplications('')).toThrow(`${COMMAND} printed invalid JSON`);
    expect(() => parseApplications('[]')).toThrow('not an object');
    expect(() => parseApplications('{"SPHardwareDataType": []}')).toThrow('printed no SPApplicationsDataType list');
  });

  it('clips values longer than the schema allows instead of invalidating the snapshot', () => {
    const long = '界'.repeat(600);
    const text = JSON.stringify({
      SPApplicationsDataType: [
        { _name: long, version: '9'.repeat(300), path: `/Applications/${'x'.repeat(2100)}.app` },
      ],
    });
    const [item] = parseApplications(text);
    expect(item?.name).toHaveLength(512);
    expect(item?.version).toHaveLength(256);
    expect(item).not.toHaveProperty('installLocation');
    expect(validSoftware.Check([item])).toBe(true);
  });
});

describe('isInstalledApplication', () => {
  it.each([
    ['/Applications/Safari.app', true],
    ['/System/Applications/Utilities/Terminal.app', true],
    ['/Users/bob/Applications/Tool.app', true],
    ['/opt/homebrew/Caskroom/stage-only/1.0/Stage.app', true],
    ['/Applications/My.Stuff/Tool.app', true],
    ['/System/Library/CoreServices/Finder.app', false],
    ['/Applications/Xcode.app/Contents/Applications/Instruments.app', false],
    ['/Library/Frameworks/Python.framework/Versions/3.12/Resources/Python.app', false],
    ['/Library/PreferencePanes/Thing.prefPane/Contents/Resources/Helper.app', false],
    ['/Volumes/Install/Installer.app', false],
    ['/private/var/folders/xy/T/AppTranslocation/1234/d/Tool.app', false],
    ['/Users/bob/.Trash/Old.app', false],
  ])('%s → %s', (p, expected) => {
    expect(isInstalledApplication(p)).toBe(expected);
  });
});

describe('macosAppsCollector', () => {
  it('runs system_profiler once with the collector budget and returns the parsed apps', async () => {
    const text = fixture('macbook-pro-2019-intel-ventura-13.6.json');
    const { ctx, calls } = fakeContext({ [COMMAND]: text });
    expect(await macosAppsCollector.collect(ctx)).toEqual(parseApplications(text));
    expect(calls).toEqual([
      { cmd: '/usr/sbin/system_profiler', args: APPLICATIONS_ARGS, timeoutMs: FAKE_TIMEOUT_MS, okExitCodes: undefined },
    ]);
  });

  it('rejects when the command times out, naming the command', async () => {
    const { ctx } = fakeContext({ [COMMAND]: timeoutError(SYSTEM_PROFILER, APPLICATIONS_ARGS) });
    await expect(macosAppsCollector.collect(ctx)).rejects.toThrow(`${COMMAND} timed out after ${FAKE_TIMEOUT_MS} ms`);
  });

  it('rejects when the output is cut off rather than reporting every app removed', async () => {
    const { ctx } = fakeContext({ [COMMAND]: fixture('truncated-output.json') });
    await expect(macosAppsCollector.collect(ctx)).rejects.toThrow('printed invalid JSON');
  });

  it('fails with "not found" through the real runner where system_profiler does not exist', async () => {
    const { ctx } = fakeContext({}, { run: runCommand });
    await expect(macosAppsCollector.collect(ctx)).rejects.toThrow('/usr/sbin/system_profiler not found');
  });

  it('detects only on darwin with system_profiler present', async () => {
    const present = (p: string) => Promise.resolve(p === '/r/usr/sbin/system_profiler');
    expect(await macosAppsCollector.detect(fakeContext({}, { root: '/r', exists: present }).ctx)).toBe(true);
    expect(
      await macosAppsCollector.detect(fakeContext({}, { root: '/r', exists: present, platform: 'linux' }).ctx),
    ).toBe(false);
    expect(await macosAppsCollector.detect(fakeContext({}, { root: '/elsewhere', exists: present }).ctx)).toBe(false);
  });
});
