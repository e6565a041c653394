import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { SoftwareItem } from '@stocktake/shared/core';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { testContext } from '../collectors/test-context.ts';
import { collectUsage, usageContext } from './collect-usage.ts';
import { PackageIndex } from './package-index.ts';
import { ProcessSampler } from './process-sampler.ts';
import type { UsageCollector } from './types.ts';

const log = pino({ level: 'silent' });
const fixture = (name: string) =>
  readFileSync(new URL(`../collectors/package-atime/fixtures/${name}`, import.meta.url), 'utf8');

/** A machine seen through fakes: dpkg's lists, /etc/passwd and a process table. */
function machine(processes: Record<string, { exe?: string; uid: number }>, statusMtime = 1000) {
  const files: Record<string, string> = {
    '/var/lib/dpkg/info/sqlite3.list': fixture('debian-12-sqlite3.list'),
    '/var/lib/dpkg/info/chromium.list': fixture('debian-12-chromium.list'),
    '/etc/passwd':
      'root:x:0:0:root:/root:/bin/bash\nalice:x:1000:1000:Alice:/home/alice:/bin/bash\nnobody:x:65534:65534::/:/usr/sbin/nologin\n',
  };
  const reads: string[] = [];
  const ctx = testContext({
    root: '/',
    listDir: async (dir) =>
      dir === '/proc'
        ? ['1', 'self', ...Object.keys(processes)]
        : dir === '/var/lib/dpkg/info'
          ? ['chromium.list', 'chromium.md5sums', 'sqlite3.list']
          : [],
    readFile: async (p) => {
      reads.push(p);
      const text = files[p];
      if (text === undefined) throw new Error(`ENOENT ${p}`);
      return text;
    },
    readLink: async (p) => processes[p.split('/')[2] ?? '']?.exe,
    mtime: async (p) => (p === '/var/lib/dpkg/status' ? new Date(statusMtime) : undefined),
  });
  const ownerOf = (pid: number) => processes[String(pid)]?.uid;
  return { ctx, reads, ownerOf };
}

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const stateDir = () => {
  const d = mkdtempSync(path.join(tmpdir(), 'usage-'));
  dirs.push(d);
  return d;
};

describe('ProcessSampler', () => {
  it('maps running programs to packages, per person, to the day; system accounts carry no user', async () => {
    const { ctx, ownerOf } = machine({
      '200': { exe: '/usr/lib/chromium/chromium', uid: 1000 },
      '201': { exe: '/usr/bin/sqlite3 (deleted)', uid: 0 },
      '202': { exe: '/usr/bin/bash', uid: 1000 },
      '203': { uid: 0 },
      '204': { exe: '/usr/bin/sqlite3', uid: 65534 },
    });
    const sampler = new ProcessSampler({
      ctx,
      index: new PackageIndex(ctx),
      stateDir: stateDir(),
      log,
      ownerOf,
      now: () => new Date('2026-12-07T15:04:05Z'),
    });
    expect(await sampler.sample()).toBe(3);
    expect(sampler.state()).toEqual({
      since: '2026-12-07',
      entries: [
        { source: 'dpkg', name: 'chromium', user: 'alice', lastUsed: '2026-12-07', via: 'process' },
        { source: 'dpkg', name: 'sqlite3', lastUsed: '2026-12-07', via: 'process' },
      ],
    });
  });

  it('builds the path index once, again only when dpkg’s status changes, and keeps what it saw across restarts', async () => {
    const dir = stateDir();
    let status = 1000;
    let day = '2026-12-07';
    const procs = { '300': { exe: '/usr/bin/sqlite3', uid: 1000 } };
    const { ctx, reads, ownerOf } = machine(procs);
    const live = { ...ctx, mtime: async () => new Date(status) };
    const make = () =>
      new ProcessSampler({
        ctx: live,
        index: new PackageIndex(live),
        stateDir: dir,
        log,
        ownerOf,
        now: () => new Date(`${day}T10:00:00Z`),
      });
    const sampler = make();
    await sampler.sample();
    await sampler.sample();
    const listReads = () => reads.filter((r) => r.endsWith('.list')).length;
    expect(listReads()).toBe(2);
    status = 2000;
    await sampler.sample();
    expect(listReads()).toBe(4);
    day = '2026-12-09';
    await sampler.sample();
    const restarted = make();
    expect(restarted.state()).toEqual({
      since: '2026-12-07',
      entries: [{ source: 'dpkg', name: 'sqlite3', user: 'alice', lastUsed: '2026-12-09', via: 'process' }],
    });
  });
});

describe('collectUsage', () => {
  const software: SoftwareItem[] = [
    { name: 'chromium', version: '120.0', arch: 'amd64', source: 'dpkg' },
    { name: 'sqlite3', version: '3.40.1-2', arch: 'amd64', source: 'dpkg' },
  ];
  const atime: UsageCollector = {
    name: 'fake-atime',
    platforms: ['linux'],
    detect: async () => true,
    collect: async () => ({
      source: { via: 'atime', since: '2024-03-01' },
      entries: [
        { source: 'dpkg', name: 'sqlite3', arch: 'amd64', lastUsed: '2026-12-07', via: 'atime' },
        { source: 'dpkg', name: 'chromium', arch: 'amd64', lastUsed: '2026-11-02', via: 'atime' },
        { source: 'dpkg', name: 'gone', arch: 'amd64', lastUsed: '2026-12-01', via: 'atime' },
      ],
    }),
  };
  const broken: UsageCollector = {
    name: 'broken',
    platforms: ['linux'],
    detect: async () => true,
    collect: async () => {
      throw new Error('boom');
    },
  };

  it('keeps the latest day per item and user, for installed items only; a failing source is left out', async () => {
    const usage = await collectUsage({
      collectors: [atime, broken],
      ctx: usageContext(testContext()),
      software,
      seen: {
        since: '2026-12-01',
        entries: [
          { source: 'dpkg', name: 'sqlite3', lastUsed: '2026-12-07', via: 'process' },
          { source: 'dpkg', name: 'chromium', user: 'alice', lastUsed: '2026-12-06', via: 'process' },
        ],
      },
    });
    expect(usage).toEqual({
      sources: [
        { via: 'atime', since: '2024-03-01' },
        { via: 'process', since: '2026-12-01' },
      ],
      entries: [
        { source: 'dpkg', name: 'chromium', arch: 'amd64', lastUsed: '2026-11-02', via: 'atime' },
        { source: 'dpkg', name: 'chromium', arch: 'amd64', user: 'alice', lastUsed: '2026-12-06', via: 'process' },
        { source: 'dpkg', name: 'sqlite3', arch: 'amd64', lastUsed: '2026-12-07', via: 'process' },
      ],
    });
  });
});
