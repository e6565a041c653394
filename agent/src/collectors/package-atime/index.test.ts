import { readFileSync } from 'node:fs';
import type { SoftwareItem } from '@stocktake/shared/core';
import { describe, expect, it } from 'vitest';
import { usageContext } from '../../usage/collect-usage.ts';
import type { FileTimes } from '../../usage/types.ts';
import { testContext } from '../test-context.ts';
import { packageAtimeUsage } from './index.ts';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const ms = (iso: string) => Date.parse(iso);

/** dpkg's lists from a Debian 12 machine, and file times as stat gives them. */
function machine(mounts: string, times: Record<string, FileTimes>) {
  const files: Record<string, string> = {
    '/proc/self/mounts': mounts,
    '/var/lib/dpkg/info/sqlite3.list': fixture('debian-12-sqlite3.list'),
    '/var/lib/dpkg/info/chromium.list': fixture('debian-12-chromium.list'),
    '/var/lib/dpkg/info/poppler-utils.list': fixture('debian-12-poppler-utils.list'),
  };
  const ctx = testContext({
    root: '/',
    exists: async (p) => p === '/var/lib/dpkg/info',
    listDir: async () => ['chromium.list', 'chromium.md5sums', 'poppler-utils.list', 'sqlite3.list'],
    readFile: async (p) => {
      const text = files[p];
      if (text === undefined) throw new Error(`ENOENT ${p}`);
      return text;
    },
  });
  return {
    ...usageContext(ctx, () => new Date('2026-12-07T12:00:00Z')),
    fileTimes: (p: string) => times[p],
  };
}

const software: SoftwareItem[] = [
  { name: 'chromium', version: '131.0', arch: 'amd64', source: 'dpkg' },
  { name: 'poppler-utils', version: '22.02.0-2', arch: 'amd64', source: 'dpkg' },
  { name: 'sqlite3', version: '3.40.1-2', arch: 'amd64', source: 'dpkg' },
];
const installed = ms('2025-03-01T10:00:00Z');

describe('package-atime', () => {
  it('gives each package the day its programs were last run, and nothing for one never run since install', async () => {
    const ctx = machine(fixture('debian-12-mounts.txt'), {
      '/usr/bin/chromium': { atimeMs: ms('2026-12-01T08:00:00Z'), mtimeMs: installed - 9e9, ctimeMs: installed },
      '/usr/lib/chromium/chromium': {
        atimeMs: ms('2026-12-06T09:30:00Z'),
        mtimeMs: installed - 9e9,
        ctimeMs: installed,
      },
      '/usr/bin/sqlite3': { atimeMs: installed, mtimeMs: installed - 9e9, ctimeMs: installed },
      '/usr/bin/pdftotext': {
        atimeMs: ms('2026-07-14T16:00:00Z'),
        mtimeMs: installed - 9e9,
        ctimeMs: ms('2024-05-02T00:00:00Z'),
      },
    });
    expect(await packageAtimeUsage.detect(ctx)).toBe(true);
    expect(await packageAtimeUsage.collect(ctx, software)).toEqual({
      source: { via: 'atime', since: '2024-05-02', covers: ['dpkg'] },
      entries: [
        { source: 'dpkg', name: 'chromium', arch: 'amd64', lastUsed: '2026-12-06', via: 'atime' },
        { source: 'dpkg', name: 'poppler-utils', arch: 'amd64', lastUsed: '2026-07-14', via: 'atime' },
      ],
    });
  });

  it('is absent on a noatime mount, where access times never move', async () => {
    expect(await packageAtimeUsage.detect(machine(fixture('handmade-noatime-mounts.txt'), {}))).toBe(false);
  });
});
