import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SoftwareItem } from '@stocktake/shared';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { CommandError, type RunCommand, runCommand } from '../../runner/run-command.ts';
import { createContext } from '../context.ts';
import type { CollectContext } from '../types.ts';
import { snapCollector } from './index.ts';
import { parseSnapList, SNAP_LIST_ARGS } from './parse.ts';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');
const fixture = (name: string) => readFileSync(path.join(FIXTURES, name), 'utf8');

interface Call {
  cmd: string;
  args: readonly string[];
  timeoutMs: number | undefined;
}

function context(overrides: Partial<CollectContext> = {}): CollectContext {
  return {
    ...createContext({ log: pino({ level: 'silent' }), root: '/fixture-root', timeoutMs: 7_654, platform: 'linux' }),
    ...overrides,
  };
}

/** A context whose `snap` prints `stdout`. */
function fakeSnap(stdout: string, calls: Call[] = []): CollectContext {
  const run: RunCommand = async (cmd, args, options) => {
    calls.push({ cmd, args, timeoutMs: options?.timeoutMs });
    return { stdout, stderr: '', exitCode: 0 };
  };
  return context({ run });
}

const snap = (name: string, version: string, publisher?: string): SoftwareItem => ({
  name,
  version,
  source: 'snap',
  ...(publisher ? { publisher } : {}),
});

const C = 'canonical';
/** The active snaps of the Ubuntu 24.04 desktop fixture, whatever the output options. */
const UBUNTU_24_04: SoftwareItem[] = [
  snap('alacritty', '0.8.0', 'snapcrafters'),
  snap('bare', '1.0', C),
  snap('code', 'fee1edb8', 'vscode'),
  snap('core', '16-2.61.4-20240607', C),
  snap('core22', '20240809', C),
  snap('core24', '20240710', C),
  snap('firefox', '129.0.2-1', 'mozilla'),
  snap('gnome-42-2204', '0+git.510a601', C),
  snap('gtk-common-themes', '0.1-81-g442e511', C),
  snap('hello-world_test', '6.4', C),
  snap('kiosk-app', '2.0', 'joerg-dev'),
  snap('kubectl', '1.31.0', C),
  snap('lxd', '5.21.2-2f4ba6b', C),
  snap('obs-studio', '30.2.3', 'snapcrafters'),
  // Sideloaded (`--dangerous`): revision x1, no publisher.
  snap('ppa-dev-tools', '0.5.0+git20240801'),
  snap('snapd', '2.63.1+24.04', C),
  snap('snapd-desktop-integration', '0.9', C),
  // Broken: still on disk, version unknown.
  snap('some-broken', '', 'someone'),
  snap('spotify', '1.2.42.290.g242057a2', 'spotify'),
  snap('thunderbird', '128.1.0esr-1', C),
];

const cases: { fixture: string; expected: SoftwareItem[] }[] = [
  { fixture: 'ubuntu-24.04-desktop.txt', expected: UBUNTU_24_04 },
  // `--all` adds disabled revisions (core22 1564, firefox 4757): skipped.
  { fixture: 'ubuntu-24.04-desktop-all.txt', expected: UBUNTU_24_04 },
  // Unicode marks (✓ verified, ✪ starred) are stripped the same way.
  { fixture: 'ubuntu-24.04-desktop-unicode.txt', expected: UBUNTU_24_04 },
  {
    // snapd before 2.36: `Developer` instead of `Publisher`, no Tracking column.
    fixture: 'ubuntu-18.04-snapd-2.34.txt',
    expected: [
      snap('core', '16-2.34.3', C),
      snap('gnome-3-26-1604', '3.26.0.20180731', C),
      snap('gnome-calculator', '3.28.2', C),
      snap('gnome-characters', 'v3.28.2+git3.7b4e5ac', C),
      snap('gnome-system-monitor', '3.28.2-6-g3d1ad3a1b4', C),
      snap('gtk-common-themes', '0.1-4-g88a1cfb', C),
      snap('slack', '3.3.1', 'slack'),
    ],
  },
  {
    // A warning before the header, CRLF, a repeated row, short and long rows, an invalid
    // name, NUL and invalid UTF-8, `-` cells, a mark with no name, no final newline.
    fixture: 'handmade-malformed.txt',
    expected: [
      snap('alacritty', '0.8.0', 'snapcrafters'),
      snap('firefox', '129.0.2-1', 'mozilla'),
      snap('last-line', '9.9', 'someone'),
      snap('name-only-marks', '2.0'),
      snap('noversion', ''),
      snap('streaming', '3.1', 'ünïcødé-pub'),
    ],
  },
];

describe('parseSnapList on fixtures', () => {
  it.each(cases)('$fixture', ({ fixture: name, expected }) => {
    expect(parseSnapList(fixture(name))).toEqual(expected);
  });

  it('survives empty and headerless input', () => {
    expect(parseSnapList('')).toEqual([]);
    // What snap prints (to stderr) with nothing installed; stdout is empty.
    expect(parseSnapList("No snaps are installed yet. Try 'snap install hello-world'.\n")).toEqual([]);
    expect(parseSnapList('firefox 129.0.2-1 4793 latest/stable mozilla** -\n')).toEqual([]);
    expect(parseSnapList('\u0000\n\r\n\ufffd')).toEqual([]);
  });

  it('never sets optional fields to undefined or empty', () => {
    const [item] = parseSnapList('Name Version Rev Tracking Publisher Notes\nx 1 2 - - -\n');
    expect(Object.keys(item ?? {})).toEqual(['name', 'version', 'source']);
  });
});

describe('snapCollector', () => {
  it('runs snap list in ASCII without colour, with the collector time limit', async () => {
    const calls: Call[] = [];
    const items = await snapCollector.collect(fakeSnap(fixture('ubuntu-24.04-desktop.txt'), calls));
    expect(items).toEqual(UBUNTU_24_04);
    expect(calls).toEqual([{ cmd: 'snap', args: ['list', '--unicode=never', '--color=never'], timeoutMs: 7_654 }]);
    expect(SNAP_LIST_ARGS).toEqual(['list', '--unicode=never', '--color=never']);
  });

  it('passes a failing snap through (snapd not answering exits 1)', async () => {
    const ctx = context({
      run: async () => {
        throw new CommandError('snap list exited 1: error: cannot list snaps', 'snap', 'exit');
      },
    });
    await expect(snapCollector.collect(ctx)).rejects.toThrow(CommandError);
  });

  it('detects snapd only when both the client and the daemon socket exist', async () => {
    const all = ['/r/usr/bin/snap', '/r/run/snapd.socket'];
    const on = (files: string[]) => context({ root: '/r', exists: async (p) => files.includes(p) });
    expect(await snapCollector.detect(on(all))).toBe(true);
    for (const missing of all) {
      expect(await snapCollector.detect(on(all.filter((f) => f !== missing)))).toBe(false);
    }
  });
});

/**
 * Serves `GET /v2/snaps` on `<root>/run/snapd.socket` from a JSON list, the way snapd answers
 * it, so the real `snap` client can be pointed at it with SNAPPY_GLOBAL_ROOT.
 */
async function fakeSnapd(root: string, snaps: { status?: string }[]): Promise<Server> {
  await mkdir(path.join(root, 'run'), { recursive: true });
  const server = createServer((req, res) => {
    const all = (req.url ?? '').includes('select=all');
    const result = snaps.filter((s) => all || s.status === 'active');
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ type: 'sync', 'status-code': 200, status: 'OK', result }));
  });
  await new Promise<void>((resolve) => server.listen(path.join(root, 'run/snapd.socket'), resolve));
  return server;
}

const hasSnapClient = existsSync('/usr/bin/snap');

describe('snapCollector with the real snap client', () => {
  let work: string | undefined;
  let server: Server | undefined;
  afterAll(async () => {
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
    if (work) await rm(work, { recursive: true, force: true });
  });

  it.skipIf(!hasSnapClient)('reads what snap list prints for the fixture daemon state', async () => {
    work = await mkdtemp(path.join(tmpdir(), 'stsnap-'));
    const root = work;
    server = await fakeSnapd(root, JSON.parse(fixture('ubuntu-24.04-desktop.snapd.json')));
    const run: RunCommand = (cmd, args, options) =>
      runCommand(cmd, args, { ...options, env: { ...process.env, LC_ALL: 'C.UTF-8', SNAPPY_GLOBAL_ROOT: root } });
    const items = await snapCollector.collect(context({ run }));
    expect(items).toEqual(UBUNTU_24_04);
    // The stored capture is what this client prints for that state.
    const { stdout } = await run('snap', SNAP_LIST_ARGS);
    expect(stdout).toBe(fixture('ubuntu-24.04-desktop.txt'));
  });
});
