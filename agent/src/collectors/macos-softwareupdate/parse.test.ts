import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PatchStateSchema, type PendingUpdate } from '@stocktake/shared';
import { Compile } from 'typebox/compile';
import { describe, expect, it } from 'vitest';
import { CommandError } from '../../runner/run-command.ts';
import { FAKE_TIMEOUT_MS, fakeContext, timeoutError } from '../macos-hardware/fake-context.ts';
import {
  createSoftwareUpdateCollector,
  DEFAULTS,
  LAST_SCAN_ARGS,
  LIST_CACHED_ARGS,
  LIST_SCAN_ARGS,
  OS_VERSION_ARGS,
  SOFTWAREUPDATE,
} from './index.ts';
import {
  isSecurityUpdate,
  parseLastScanDate,
  parseSoftwareUpdateList,
  type SoftwareUpdateEntry,
  type SoftwareUpdatePatchState,
  toPatchState,
} from './parse.ts';

const fixture = (name: string) => readFileSync(path.join(import.meta.dirname, 'fixtures', name), 'utf8');
const streams = (machine: string) => [fixture(`${machine}.stdout.txt`), fixture(`${machine}.stderr.txt`)] as const;
const validPatches = Compile(PatchStateSchema);

const entry = (
  label: string,
  title: string | undefined,
  version: string | undefined,
  recommended: boolean | undefined,
  restartRequired: boolean,
): SoftwareUpdateEntry => ({
  label,
  ...(title ? { title } : {}),
  ...(version ? { version } : {}),
  ...(recommended !== undefined ? { recommended } : {}),
  restartRequired,
});

const listCases: { machine: string; expected: SoftwareUpdateEntry[] }[] = [
  {
    machine: 'macbook-pro-m3-sonoma-14.4.1',
    expected: [
      entry('macOS Sonoma 14.5-23F79', 'macOS Sonoma 14.5', '14.5', true, true),
      entry('Safari17.5SonomaAuto-17.5', 'Safari', '17.5', true, false),
      entry('Command Line Tools for Xcode-15.3', 'Command Line Tools for Xcode', '15.3', true, false),
      entry('macOS Sequoia 15.0-24A335', 'macOS Sequoia 15.0', '15.0', true, true),
    ],
  },
  {
    machine: 'mac-mini-m2-ventura-13.4.1-rsr',
    expected: [entry('macOS Ventura 13.4.1 (c)-22F770820d', 'macOS Ventura 13.4.1 (c)', '13.4.1 (c)', true, true)],
  },
  {
    machine: 'macbook-air-m4-tahoe-26.3.1',
    expected: [
      entry(
        'macOS Background Security Improvement (a)-25D771280a',
        'macOS Background Security Improvement (a)',
        '26.3.1 (a)',
        true,
        true,
      ),
      entry('macOS 27-26A428', 'macOS 27', '27', true, true),
    ],
  },
  {
    machine: 'imac-2017-catalina-10.15.7',
    expected: [
      entry('Security Update 2022-005 Catalina-10.15.7', 'Security Update 2022-005 Catalina', '10.15.7', true, true),
      entry('Safari15.6.1CatalinaAuto-15.6.1', 'Safari', '15.6.1', true, false),
    ],
  },
  { machine: 'macbook-pro-m3-sonoma-14.5-up-to-date', expected: [] },
];

describe('parseSoftwareUpdateList', () => {
  it.each(listCases)('$machine', ({ machine, expected }) => {
    expect(parseSoftwareUpdateList(...streams(machine))).toEqual(expected);
  });

  it('reads odd entries: commas in titles, missing details, CRLF, junk', () => {
    expect(parseSoftwareUpdateList(fixture('handmade-odd-entries.txt'))).toEqual([
      entry('macOS Sonoma 14.6-23G80', 'macOS Sonoma 14.6', '14.6', false, true),
      entry('Printer Drivers, Inc. Update-5.1', 'Printer Drivers, Inc. Update', '5.1', true, false),
      entry('Bare Label Without Details', undefined, undefined, undefined, false),
      entry('No Version Update', 'No Version Update', undefined, true, false),
    ]);
  });

  it('refuses output that neither lists updates nor says there are none', () => {
    expect(() => parseSoftwareUpdateList('', fixture('handmade-error.stderr.txt'))).toThrow(
      'softwareupdate listed no updates and did not say "No new software available": Cannot reach the software update catalog',
    );
    expect(() => parseSoftwareUpdateList('', '')).toThrow('did not say');
    expect(() => parseSoftwareUpdateList('\u0000\ufffd garbage', '')).toThrow(': \u0000\ufffd garbage');
  });

  it('counts a label printed twice once', () => {
    const [stdout] = streams('mac-mini-m2-ventura-13.4.1-rsr');
    expect(parseSoftwareUpdateList(stdout, stdout)).toHaveLength(1);
  });
});

describe('security classification', () => {
  const update = (
    name: string,
    availableVersion: string,
    security: boolean,
    installedVersion?: string,
    recommended = true,
  ): PendingUpdate => ({
    name,
    security,
    ...(installedVersion ? { installedVersion } : {}),
    availableVersion,
    recommended,
  });

  const stateCases: { machine: string; os: string | undefined; expected: SoftwareUpdatePatchState }[] = [
    {
      // 14.5 is a minor update of the running 14: security. 15.0 is an upgrade: not.
      machine: 'macbook-pro-m3-sonoma-14.4.1',
      os: '14.4.1',
      expected: {
        pendingCount: 4,
        pendingSecurityCount: 1,
        pending: [
          update('macOS Sonoma 14.5-23F79', '14.5', true, '14.4.1'),
          update('Safari17.5SonomaAuto-17.5', '17.5', false),
          update('Command Line Tools for Xcode-15.3', '15.3', false),
          update('macOS Sequoia 15.0-24A335', '15.0', false, '14.4.1'),
        ],
      },
    },
    {
      // Without the installed version no macOS minor is counted: the count errs low.
      machine: 'macbook-pro-m3-sonoma-14.4.1',
      os: undefined,
      expected: {
        pendingCount: 4,
        pendingSecurityCount: 0,
        pending: [
          update('macOS Sonoma 14.5-23F79', '14.5', false),
          update('Safari17.5SonomaAuto-17.5', '17.5', false),
          update('Command Line Tools for Xcode-15.3', '15.3', false),
          update('macOS Sequoia 15.0-24A335', '15.0', false),
        ],
      },
    },
    {
      machine: 'mac-mini-m2-ventura-13.4.1-rsr',
      os: '13.4.1',
      expected: {
        pendingCount: 1,
        pendingSecurityCount: 1,
        pending: [update('macOS Ventura 13.4.1 (c)-22F770820d', '13.4.1 (c)', true, '13.4.1')],
      },
    },
    {
      machine: 'macbook-air-m4-tahoe-26.3.1',
      os: '26.3.1',
      expected: {
        pendingCount: 2,
        pendingSecurityCount: 1,
        pending: [
          update('macOS Background Security Improvement (a)-25D771280a', '26.3.1 (a)', true, '26.3.1'),
          update('macOS 27-26A428', '27', false, '26.3.1'),
        ],
      },
    },
    {
      machine: 'imac-2017-catalina-10.15.7',
      os: '10.15.7',
      expected: {
        pendingCount: 2,
        pendingSecurityCount: 1,
        pending: [
          update('Security Update 2022-005 Catalina-10.15.7', '10.15.7', true),
          update('Safari15.6.1CatalinaAuto-15.6.1', '15.6.1', false),
        ],
      },
    },
    {
      machine: 'macbook-pro-m3-sonoma-14.5-up-to-date',
      os: '14.5',
      expected: { pendingCount: 0, pendingSecurityCount: 0, pending: [] },
    },
  ];

  it.each(stateCases)('$machine on macOS $os', ({ machine, os, expected }) => {
    const state = toPatchState(parseSoftwareUpdateList(...streams(machine)), os);
    expect(state).toEqual(expected);
    expect(validPatches.Check(state)).toBe(true);
  });

  it('does not count a minor update Apple does not recommend', () => {
    const notRecommended = entry('macOS Sonoma 14.6-23G80', 'macOS Sonoma 14.6', '14.6', false, true);
    expect(isSecurityUpdate(notRecommended, '14.5')).toBe(false);
    expect(isSecurityUpdate({ ...notRecommended, recommended: true }, '14.5')).toBe(true);
  });

  it('treats 10.x releases by their minor number', () => {
    const mojaveToCatalina = entry('macOS Catalina 10.15.7-19H2', 'macOS Catalina 10.15.7', '10.15.7', true, true);
    expect(isSecurityUpdate(mojaveToCatalina, '10.14.6')).toBe(false);
    expect(isSecurityUpdate(mojaveToCatalina, '10.15.6')).toBe(true);
  });
});

describe('parseLastScanDate', () => {
  it('reads the date defaults prints and nothing else', () => {
    expect(parseLastScanDate('2024-06-03 08:15:42 +0000\n')?.toISOString()).toBe('2024-06-03T08:15:42.000Z');
    expect(parseLastScanDate('2024-06-03 10:15:42 +0200')?.toISOString()).toBe('2024-06-03T08:15:42.000Z');
    expect(parseLastScanDate('')).toBeUndefined();
    expect(parseLastScanDate('2024-13-45 99:99:99 +0000')).toBeUndefined();
    expect(parseLastScanDate('Mon Jun  3 08:15:42 UTC 2024')).toBeUndefined();
  });
});

describe('softwareupdate collector', () => {
  const NOW = new Date('2024-06-04T08:00:00Z');
  const collector = createSoftwareUpdateCollector({ now: () => NOW });
  const key = (cmd: string, args: readonly string[]) => [cmd, ...args].join(' ');
  const LAST_SCAN = key(DEFAULTS, LAST_SCAN_ARGS);
  const OS_VERSION = key('/usr/bin/sw_vers', OS_VERSION_ARGS);
  const CACHED = key(SOFTWAREUPDATE, LIST_CACHED_ARGS);
  const SCAN = key(SOFTWAREUPDATE, LIST_SCAN_ARGS);
  const [sonomaOut, sonomaErr] = streams('macbook-pro-m3-sonoma-14.4.1');
  const sonoma = { stdout: sonomaOut, stderr: sonomaErr, exitCode: 0 };
  const sonomaState = toPatchState(parseSoftwareUpdateList(sonomaOut, sonomaErr), '14.4.1');

  it('reuses the cached answer when the last check is recent', async () => {
    const { ctx, calls } = fakeContext({
      [LAST_SCAN]: '2024-06-03 08:15:42 +0000\n',
      [OS_VERSION]: '14.4.1\n',
      [CACHED]: sonoma,
    });
    expect(await collector.collect(ctx)).toEqual(sonomaState);
    expect(calls.map((c) => [c.cmd, ...c.args].join(' ')).sort()).toEqual([CACHED, LAST_SCAN, OS_VERSION].sort());
    expect(calls.find((c) => c.cmd === DEFAULTS)?.okExitCodes).toEqual([0, 1]);
    for (const call of calls) expect(call.timeoutMs).toBeLessThanOrEqual(FAKE_TIMEOUT_MS);
  });

  it('checks the catalogue when the last check is old, missing or unreadable', async () => {
    const lastScanAnswers = [
      '2024-05-01 08:15:42 +0000\n',
      {
        stdout: '',
        stderr:
          'The domain/default pair of (/Library/Preferences/com.apple.SoftwareUpdate, LastSuccessfulDate) does not exist\n',
        exitCode: 1,
      },
      'garbage',
      new CommandError('/usr/bin/defaults not found', DEFAULTS, 'not-found'),
      '2024-06-05 08:00:00 +0000\n', // in the future: the clock moved, do not trust it
    ];
    for (const answer of lastScanAnswers) {
      const { ctx, calls } = fakeContext({ [LAST_SCAN]: answer, [OS_VERSION]: '14.4.1\n', [SCAN]: sonoma });
      expect(await collector.collect(ctx)).toEqual(sonomaState);
      expect(calls.map((c) => [c.cmd, ...c.args].join(' '))).toContain(SCAN);
      expect(calls.map((c) => [c.cmd, ...c.args].join(' '))).not.toContain(CACHED);
    }
  });

  it('falls back to a check when softwareupdate does not know --no-scan', async () => {
    const usage = new CommandError(
      `${CACHED} exited 1: usage: softwareupdate <cmd> [<args> ...]`,
      SOFTWAREUPDATE,
      'exit',
    );
    const { ctx, calls } = fakeContext({
      [LAST_SCAN]: '2024-06-04 07:00:00 +0000',
      [OS_VERSION]: '14.4.1',
      [CACHED]: usage,
      [SCAN]: sonoma,
    });
    expect(await collector.collect(ctx)).toEqual(sonomaState);
    expect(calls.filter((c) => c.cmd === SOFTWAREUPDATE).map((c) => c.args)).toEqual([
      LIST_CACHED_ARGS,
      LIST_SCAN_ARGS,
    ]);
  });

  it('still reports updates without the macOS version, counting fewer as security', async () => {
    const { ctx } = fakeContext({ [LAST_SCAN]: '2024-06-04 07:00:00 +0000', [CACHED]: sonoma });
    const state = await collector.collect(ctx);
    expect(state.pendingCount).toBe(4);
    expect(state.pendingSecurityCount).toBe(0);
  });

  it('rejects when the listing times out or says nothing usable', async () => {
    const timedOut = fakeContext({
      [LAST_SCAN]: new CommandError('x', DEFAULTS, 'not-found'),
      [OS_VERSION]: '14.4.1',
      [SCAN]: timeoutError(SOFTWAREUPDATE, LIST_SCAN_ARGS),
    });
    await expect(collector.collect(timedOut.ctx)).rejects.toThrow(
      `/usr/sbin/softwareupdate --list timed out after ${FAKE_TIMEOUT_MS} ms`,
    );
    const broken = fakeContext({
      [LAST_SCAN]: '2024-06-04 07:00:00 +0000',
      [OS_VERSION]: '14.4.1',
      [CACHED]: { stdout: '', stderr: fixture('handmade-error.stderr.txt'), exitCode: 0 },
    });
    await expect(collector.collect(broken.ctx)).rejects.toThrow('Cannot reach the software update catalog');
  });

  it('detects only on darwin with softwareupdate present', async () => {
    const present = (p: string) => Promise.resolve(p === '/r/usr/sbin/softwareupdate');
    expect(await collector.detect(fakeContext({}, { root: '/r', exists: present }).ctx)).toBe(true);
    expect(await collector.detect(fakeContext({}, { root: '/x', exists: present }).ctx)).toBe(false);
    expect(await collector.detect(fakeContext({}, { root: '/r', exists: present, platform: 'win32' }).ctx)).toBe(false);
  });
});
