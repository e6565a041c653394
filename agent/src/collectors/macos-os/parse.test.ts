import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Os } from '@stocktake/shared';
import { describe, expect, it } from 'vitest';
import { CommandError } from '../../runner/run-command.ts';
import { FAKE_TIMEOUT_MS, fakeContext, timeoutError } from '../macos-hardware/fake-context.ts';
import { macosOsCollector, SW_VERS } from './index.ts';
import { macosCodename, osFromSwVers, parseSwVers } from './parse.ts';

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

describe('macosOsCollector', () => {
  it('runs sw_vers without arguments and maps its answer', async () => {
    const { ctx, calls } = fakeContext({ [SW_VERS]: fixture('mac-mini-m2-ventura-13.4.1-rsr.txt') });
    expect(await macosOsCollector.collect(ctx)).toEqual(cases[1]?.expected);
    expect(calls).toEqual([{ cmd: '/usr/bin/sw_vers', args: [], timeoutMs: FAKE_TIMEOUT_MS, okExitCodes: undefined }]);
  });

  it('fails when sw_vers names no version, times out or exits non-zero', async () => {
    await expect(
      macosOsCollector.collect(fakeContext({ [SW_VERS]: fixture('handmade-missing-fields.txt') }).ctx),
    ).rejects.toThrow('/usr/bin/sw_vers printed no ProductVersion');
    await expect(macosOsCollector.collect(fakeContext({ [SW_VERS]: timeoutError(SW_VERS, []) }).ctx)).rejects.toThrow(
      `/usr/bin/sw_vers timed out after ${FAKE_TIMEOUT_MS} ms`,
    );
    const exit = new CommandError('/usr/bin/sw_vers exited 1: sw_vers: unrecognized option', SW_VERS, 'exit');
    await expect(macosOsCollector.collect(fakeContext({ [SW_VERS]: exit }).ctx)).rejects.toThrow('exited 1');
  });

  it('detects only on darwin with sw_vers present', async () => {
    const present = (p: string) => Promise.resolve(p === '/r/usr/bin/sw_vers');
    expect(await macosOsCollector.detect(fakeContext({}, { root: '/r', exists: present }).ctx)).toBe(true);
    expect(await macosOsCollector.detect(fakeContext({}, { root: '/x', exists: present }).ctx)).toBe(false);
    expect(await macosOsCollector.detect(fakeContext({}, { root: '/r', exists: present, platform: 'linux' }).ctx)).toBe(
      false,
    );
  });
});
