import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { SoftwareItem } from '@stocktake/shared/core';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { macosInstalledSoftware, macosProcessSource } from '../collectors/macos-processes/index.ts';
import { testContext } from '../collectors/test-context.ts';
import { windowsInstalledSoftware, windowsProcessSource } from '../collectors/windows-processes/index.ts';
import { collectUsage, usageContext } from './collect-usage.ts';
import { PackageIndex } from './package-index.ts';
import { ProcessSampler } from './process-sampler.ts';
import { procSource } from './process-source.ts';
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
      source: procSource({ ctx, index: new PackageIndex(ctx), ownerOf }),
      stateDir: stateDir(),
      log,
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
        source: procSource({ ctx: live, index: new PackageIndex(live), ownerOf }),
        stateDir: dir,
        log,
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
        covers: ['dpkg', 'rpm'],
        entries: [
          { source: 'dpkg', name: 'sqlite3', lastUsed: '2026-12-07', via: 'process' },
          { source: 'dpkg', name: 'chromium', user: 'alice', lastUsed: '2026-12-06', via: 'process' },
        ],
      },
    });
    expect(usage).toEqual({
      sources: [
        { via: 'atime', since: '2024-03-01' },
        { via: 'process', since: '2026-12-01', covers: ['dpkg', 'rpm'] },
      ],
      entries: [
        { source: 'dpkg', name: 'chromium', arch: 'amd64', lastUsed: '2026-11-02', via: 'atime' },
        { source: 'dpkg', name: 'chromium', arch: 'amd64', user: 'alice', lastUsed: '2026-12-06', via: 'process' },
        { source: 'dpkg', name: 'sqlite3', arch: 'amd64', lastUsed: '2026-12-07', via: 'process' },
      ],
    });
  });
});

describe('ProcessSampler on the process list of Windows and macOS', () => {
  const collectorFixture = (p: string) => readFileSync(new URL(`../collectors/${p}`, import.meta.url), 'utf8');
  const now = () => new Date('2026-12-07T15:04:05Z');

  it('macOS: one ps run a sample, mapped to the last inventory’s applications, per person, to the day', async () => {
    const runs: string[] = [];
    const ctx = testContext({
      platform: 'darwin',
      run: async (cmd, args, options) => {
        runs.push([cmd, ...args, options?.env?.LC_ALL].join(' '));
        return {
          stdout: collectorFixture('macos-processes/fixtures/sonoma-14.6-m2-ps-uid-user-comm.txt'),
          stderr: '',
          exitCode: 0,
        };
      },
    });
    const software = macosInstalledSoftware();
    const sampler = new ProcessSampler({ source: macosProcessSource(ctx, software), stateDir: stateDir(), log, now });
    expect(await sampler.sample()).toBe(0);
    expect(runs).toEqual([]);
    software.use([
      {
        name: 'Microsoft Word',
        version: '16.91',
        source: 'app_bundle',
        arch: 'universal',
        installLocation: '/Applications/Microsoft Word.app',
      },
      {
        name: 'Jamf',
        version: '11.9',
        source: 'app_bundle',
        installLocation: '/Library/Application Support/JAMF/Jamf.app',
      },
    ]);
    expect(await sampler.sample()).toBe(3);
    expect(runs).toEqual(['/bin/ps -axww -o uid=,user=,comm= en_US.UTF-8']);
    expect(sampler.state().entries).toEqual([
      { source: 'app_bundle', name: 'Jamf', lastUsed: '2026-12-07', via: 'process' },
      {
        source: 'app_bundle',
        name: 'Microsoft Word',
        arch: 'universal',
        user: 'alice.martin',
        lastUsed: '2026-12-07',
        via: 'process',
      },
      {
        source: 'app_bundle',
        name: 'Microsoft Word',
        arch: 'universal',
        user: 'bob',
        lastUsed: '2026-12-07',
        via: 'process',
      },
    ]);
  });

  it('Windows: one PowerShell run a sample, people named by ProfileList (read again only for a new person)', async () => {
    const runs: string[] = [];
    const ctx = testContext({
      platform: 'win32',
      run: async (cmd) => {
        runs.push(cmd);
        const file =
          cmd === 'powershell.exe'
            ? 'windows-processes/fixtures/win11-23h2-domain-get-process.json'
            : 'windows-bam/fixtures/handmade-win11-profilelist.txt';
        return { stdout: collectorFixture(file), stderr: '', exitCode: 0 };
      },
    });
    const software = windowsInstalledSoftware();
    software.use([
      {
        name: 'Microsoft 365 Apps for enterprise - en-us',
        version: '16.0',
        source: 'registry',
        installLocation: 'C:\\Program Files\\Microsoft Office',
      },
      {
        name: 'Microsoft Visual Studio Code (User)',
        version: '1.95.3',
        source: 'registry',
        arch: 'x64',
        installLocation: "C:\\Users\\sean.o'brien\\AppData\\Local\\Programs\\Microsoft VS Code\\",
      },
    ]);
    const sampler = new ProcessSampler({ source: windowsProcessSource(ctx, software), stateDir: stateDir(), log, now });
    expect(await sampler.sample()).toBe(4);
    await sampler.sample();
    // The Entra ID account has no profile in this ProfileList: it is looked for once, not every sample.
    expect(runs).toEqual(['powershell.exe', 'reg.exe', 'powershell.exe']);
    expect(sampler.state().entries).toEqual([
      {
        source: 'registry',
        name: 'Microsoft 365 Apps for enterprise - en-us',
        user: 'alice.martin',
        lastUsed: '2026-12-07',
        via: 'process',
      },
      {
        source: 'registry',
        name: 'Microsoft 365 Apps for enterprise - en-us',
        user: 'bob',
        lastUsed: '2026-12-07',
        via: 'process',
      },
      {
        source: 'registry',
        name: 'Microsoft Visual Studio Code (User)',
        arch: 'x64',
        lastUsed: '2026-12-07',
        via: 'process',
      },
    ]);
  });
});
