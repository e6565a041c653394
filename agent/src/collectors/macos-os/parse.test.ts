import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Os } from '@stocktake/shared';
import { describe, expect, it } from 'vitest';
import { CommandError } from '../../runner/run-command.ts';
import { FAKE_TIMEOUT_MS, fakeContext, timeoutError } from '../macos-hardware/fake-context.ts';
import { BOOT_TIME_ARGS, createMacosOsCollector, macosOsCollector, SW_VERS, SYSCTL } from './index.ts';
import { macosCodename, osFromSwVers, parseBootTime, parseSwVers } from './parse.ts';

const fixture = (name: string) => readFileSync(path.join(import.meta.dirname, 'fixtures', name), 'utf8');

const cases: { fixture: string; expected: Partial<Os> }[] = [
  {
    fixture: 'macbook-pro-m3-sonoma-14.5.txt',
    expected: { family: 'macos', name: 'macOS', version: '14.5', codename: 'Sonoma', build: '23F79' },
  },
  {
    // A Rapid Security Response applied: the letter is part of the patch level.
    fixture: 'mac-mini-m2-ventura-13.4.1-rsr.txt',
    expected: { family: 'macos', name: 'macOS', version: '13.4.1 (c)', codename: 'Ventura', build: '22F770820d' },
  },
  {
    fixture: 'macbook-air-m4-tahoe-26.0.1.txt',
    expected: { family: 'macos', name: 'macOS', version: '26.0.1', codename: 'Tahoe', build: '25A362' },
  },
  {
    // Before Big Sur the product was "Mac OS X" and the release name keyed by minor version.
    fixture: 'imac-2017-catalina-10.15.7.txt',
    expected: { family: 'macos', name: 'macOS', version: '10.15.7', codename: 'Catalina', build: '19H2026' },
  },
  {
    fixture: 'handmade-missing-fields.txt',
    expected: { family: 'macos', name: 'macOS' },
  },
  {
    // CRLF, junk lines, NUL and invalid bytes, a repeated key (first wins), no final newline.
    fixture: 'handmade-malformed.txt',
    expected: { family: 'macos', name: 'macOS', version: '15.1', codename: 'Sequoia', build: '24B83' },
  },
];

describe('osFromSwVers(parseSwVers(...))', () => {
  it.each(cases)('$fixture', ({ fixture: name, expected }) => {
    expect(osFromSwVers(parseSwVers(fixture(name)))).toEqual(expected);
  });

  it('survives empty and binary input', () => {
    expect(parseSwVers('')).toEqual({});
    expect(parseSwVers('\u0000\u0001:\n::::\n')).toEqual({});
  });

  it('names every release since High Sierra and nothing unknown', () => {
    expect(
      ['10.13.6', '10.14.6', '10.15.7', '11.7.10', '12.7.6', '13.6.9', '14.7', '15.0', '26.1'].map(macosCodename),
    ).toEqual(['High Sierra', 'Mojave', 'Catalina', 'Big Sur', 'Monterey', 'Ventura', 'Sonoma', 'Sequoia', 'Tahoe']);
    expect(macosCodename('10.12.6')).toBeUndefined();
    expect(macosCodename('27.0')).toBeUndefined();
    expect(macosCodename('sonoma')).toBeUndefined();
  });
});

describe('parseBootTime', () => {
  it('reads the seconds of kern.boottime', () => {
    expect(parseBootTime(fixture('macbook-pro-m3-sonoma-14.5-kern.boottime.txt'))).toBe('2024-06-03T07:33:20.000Z');
    expect(parseBootTime('')).toBeUndefined();
    expect(parseBootTime('{ sec = 0, usec = 0 }')).toBeUndefined();
    expect(parseBootTime('kern.boottime: unknown oid')).toBeUndefined();
  });
});

describe('macosOsCollector', () => {
  const BOOT_TIME = [SYSCTL, ...BOOT_TIME_ARGS].join(' ');
  const host = () => ({ hostname: 'alices-mbp', kernel: '23.5.0', arch: 'arm64' });
  const collector = createMacosOsCollector({ host });

  it('runs sw_vers and sysctl and adds what the process knows', async () => {
    const { ctx, calls } = fakeContext({
      [SW_VERS]: fixture('macbook-pro-m3-sonoma-14.5.txt'),
      [BOOT_TIME]: fixture('macbook-pro-m3-sonoma-14.5-kern.boottime.txt'),
    });
    expect(await collector.collect(ctx)).toEqual({
      family: 'macos',
      name: 'macOS',
      version: '14.5',
      codename: 'Sonoma',
      build: '23F79',
      kernel: '23.5.0',
      arch: 'arm64',
      lastBoot: '2024-06-03T07:33:20.000Z',
      hostname: 'alices-mbp',
    });
    expect(calls).toEqual([
      { cmd: '/usr/bin/sw_vers', args: [], timeoutMs: FAKE_TIMEOUT_MS, okExitCodes: undefined },
      { cmd: '/usr/sbin/sysctl', args: ['-n', 'kern.boottime'], timeoutMs: FAKE_TIMEOUT_MS, okExitCodes: undefined },
    ]);
  });

  it('leaves the boot time out when sysctl fails', async () => {
    const { ctx } = fakeContext({ [SW_VERS]: fixture('mac-mini-m2-ventura-13.4.1-rsr.txt') });
    const os = await collector.collect(ctx);
    expect(os).toEqual({ ...cases[1]?.expected, kernel: '23.5.0', arch: 'arm64', hostname: 'alices-mbp' });
    expect(os).not.toHaveProperty('lastBoot');
  });

  it('uses the real host facts by default', async () => {
    const { ctx } = fakeContext({ [SW_VERS]: fixture('macbook-pro-m3-sonoma-14.5.txt') });
    const os = await macosOsCollector.collect(ctx);
    expect(typeof os.hostname).toBe('string');
    expect(os.hostname).not.toBe('');
    expect(os.kernel).toMatch(/^\d+\./);
  });

  it('fails when sw_vers names no version, times out or exits non-zero', async () => {
    await expect(
      collector.collect(fakeContext({ [SW_VERS]: fixture('handmade-missing-fields.txt') }).ctx),
    ).rejects.toThrow('/usr/bin/sw_vers printed no ProductVersion');
    await expect(collector.collect(fakeContext({ [SW_VERS]: timeoutError(SW_VERS, []) }).ctx)).rejects.toThrow(
      `/usr/bin/sw_vers timed out after ${FAKE_TIMEOUT_MS} ms`,
    );
    const exit = new CommandError('/usr/bin/sw_vers exited 1: sw_vers: unrecognized option', SW_VERS, 'exit');
    await expect(collector.collect(fakeContext({ [SW_VERS]: exit }).ctx)).rejects.toThrow('exited 1');
  });

  it('detects only on darwin with sw_vers present', async () => {
    const present = (p: string) => Promise.resolve(p === '/r/usr/bin/sw_vers');
    expect(await collector.detect(fakeContext({}, { root: '/r', exists: present }).ctx)).toBe(true);
    expect(await collector.detect(fakeContext({}, { root: '/x', exists: present }).ctx)).toBe(false);
    expect(await collector.detect(fakeContext({}, { root: '/r', exists: present, platform: 'linux' }).ctx)).toBe(false);
  });
});
