import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type SoftwareItem, SoftwareSchema } from '@stocktake/shared';
import pino from 'pino';
import { Compile } from 'typebox/compile';
import { afterAll, describe, expect, it } from 'vitest';
import { createContext } from '../context.ts';
import type { CollectContext } from '../types.ts';
import { homebrewCaskCollector, homebrewCollector } from './index.ts';
import { caskTimestampToIso, currentCaskInstall, parseInstalledCaskfile, parseInstallReceipt } from './parse.ts';

const FIXTURES = path.join(import.meta.dirname, 'fixtures');
const validSoftware = Compile(SoftwareSchema);

/** A darwin context on a fixture tree; `run` must never be used: the collectors read directories only. */
function context(root: string, overrides: Partial<CollectContext> = {}): CollectContext {
  return {
    ...createContext({ log: pino({ level: 'silent' }), root, platform: 'darwin' }),
    run: () => Promise.reject(new Error('the Homebrew collectors must not run commands')),
    ...overrides,
  };
}

async function collect(collector: typeof homebrewCollector, machine: string): Promise<SoftwareItem[]> {
  const ctx = context(path.join(FIXTURES, machine));
  expect(await collector.detect(ctx)).toBe(true);
  const items = await collector.collect(ctx);
  if (!Array.isArray(items)) throw new Error('software collectors return item lists');
  expect(validSoftware.Check(items)).toBe(true);
  return items;
}

const formula = (
  name: string,
  version: string,
  arch: string,
  installLocation: string,
  publisher?: string,
  installDate?: string,
): SoftwareItem => ({
  name,
  version,
  source: 'homebrew',
  ...(publisher ? { publisher } : {}),
  arch,
  ...(installDate ? { installDate } : {}),
  installLocation,
});

const cask = (
  name: string,
  version: string,
  installLocation: string,
  publisher: string | undefined,
  installDate: string,
): SoftwareItem => ({
  name,
  version,
  source: 'homebrew_cask',
  ...(publisher ? { publisher } : {}),
  installDate,
  installLocation,
});

const CORE = 'homebrew/core';
const CASK = 'homebrew/cask';

describe('homebrew formulae from the Cellar', () => {
  it('lists every keg of both prefixes of an Apple silicon Mac with a Rosetta Homebrew', async () => {
    expect(await collect(homebrewCollector, 'macbook-pro-m3-sonoma')).toEqual([
      formula('git', '2.45.2', 'arm64', '/opt/homebrew/Cellar/git/2.45.2', CORE, '2024-06-04T08:20:11.000Z'),
      formula('git', '2.39.2', 'x86_64', '/usr/local/Cellar/git/2.39.2', CORE, '2023-02-21T17:20:00.000Z'),
      // HEAD build: the keg directory is the version brew reports.
      formula(
        'neovim',
        'HEAD-a1b2c3d',
        'arm64',
        '/opt/homebrew/Cellar/neovim/HEAD-a1b2c3d',
        CORE,
        '2024-06-05T15:06:40.000Z',
      ),
      formula('openssl@3', '3.3.1', 'arm64', '/opt/homebrew/Cellar/openssl@3/3.3.1', CORE, '2024-06-07T10:44:00.000Z'),
      // No receipt: version from the keg, architecture from the prefix, nothing else.
      formula('pkg-config', '0.29.2_3', 'x86_64', '/usr/local/Cellar/pkg-config/0.29.2_3'),
      // Two versions on disk until `brew cleanup`: both reported.
      formula(
        'python@3.12',
        '3.12.3',
        'arm64',
        '/opt/homebrew/Cellar/python@3.12/3.12.3',
        CORE,
        '2024-04-12T14:00:00.000Z',
      ),
      formula(
        'python@3.12',
        '3.12.4',
        'arm64',
        '/opt/homebrew/Cellar/python@3.12/3.12.4',
        CORE,
        '2024-06-07T10:45:00.000Z',
      ),
      formula(
        'terraform',
        '1.5.7',
        'arm64',
        '/opt/homebrew/Cellar/terraform/1.5.7',
        'hashicorp/tap',
        '2023-09-20T13:20:00.000Z',
      ),
      // Revision suffix kept, as brew prints it.
      formula('wget', '1.24.5_1', 'arm64', '/opt/homebrew/Cellar/wget/1.24.5_1', CORE, '2024-05-20T08:55:00.000Z'),
    ]);
  });

  it('reads receipts of an old Homebrew (tapped_from, no arch) on an Intel iMac', async () => {
    expect(await collect(homebrewCollector, 'imac-2017-intel-monterey')).toEqual([
      formula('jq', '1.7.1', 'x86_64', '/usr/local/Cellar/jq/1.7.1', CORE, '2023-12-14T16:44:38.000Z'),
      formula(
        'openssl@1.1',
        '1.1.1w',
        'x86_64',
        '/usr/local/Cellar/openssl@1.1/1.1.1w',
        CORE,
        '2023-09-15T15:00:00.000Z',
      ),
    ]);
  });

  it('reports kegs whose receipts are broken, without the broken details', async () => {
    expect(await collect(homebrewCollector, 'handmade-broken')).toEqual([
      formula('badreceipt', '1.0', 'arm64', '/opt/homebrew/Cellar/badreceipt/1.0'),
      formula('notanobject', '3.0', 'arm64', '/opt/homebrew/Cellar/notanobject/3.0'),
      formula('oddtypes', '2.0', 'arm64', '/opt/homebrew/Cellar/oddtypes/2.0'),
    ]);
  });
});

describe('homebrew casks from the Caskroom', () => {
  it('lists each cask at the version brew considers installed', async () => {
    expect(await collect(homebrewCaskCollector, 'macbook-pro-m3-sonoma')).toEqual([
      cask(
        'android-file-transfer',
        'latest',
        '/opt/homebrew/Caskroom/android-file-transfer/latest',
        CASK,
        '2024-03-02T09:30:00.000Z',
      ),
      cask('docker', '4.30.0,149282', '/opt/homebrew/Caskroom/docker/4.30.0,149282', CASK, '2024-05-21T15:40:12.733Z'),
      // Installed by an older brew: Ruby definition, no receipt, so no tap.
      cask('firefox', '115.0.2', '/opt/homebrew/Caskroom/firefox/115.0.2', undefined, '2023-07-12T18:14:55.120Z'),
      // auto_updates: Chrome has updated itself since; brew (and this item) still say 120.
      cask(
        'google-chrome',
        '120.0.6099.109',
        '/opt/homebrew/Caskroom/google-chrome/120.0.6099.109',
        CASK,
        '2023-12-13T10:15:22.417Z',
      ),
      // Metadata of the replaced 1.89.1 left behind: the newest timestamp wins.
      cask(
        'visual-studio-code',
        '1.90.0',
        '/opt/homebrew/Caskroom/visual-studio-code/1.90.0',
        CASK,
        '2024-06-07T08:15:44.918Z',
      ),
    ]);
  });

  it('reads an Intel Caskroom in /usr/local', async () => {
    expect(await collect(homebrewCaskCollector, 'imac-2017-intel-monterey')).toEqual([
      cask('vlc', '3.0.20', '/usr/local/Caskroom/vlc/3.0.20', CASK, '2023-11-04T17:02:33.501Z'),
    ]);
  });

  it('skips casks brew would not list and keeps one with an unreadable definition', async () => {
    // orphan: no metadata; nocaskfile: no installed definition; weird-timestamp: no
    // timestamp directory. badjson: definition unreadable, empty receipt, still installed.
    expect(await collect(homebrewCaskCollector, 'handmade-broken')).toEqual([
      cask('badjson', '2.0', '/opt/homebrew/Caskroom/badjson/2.0', undefined, '2024-01-02T00:00:00.000Z'),
    ]);
  });
});

describe('empty directories (which git cannot hold as fixtures)', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  });

  it('skips empty racks, emptied kegs and stray files; an empty Caskroom lists nothing', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'stocktake-brew-'));
    dirs.push(root);
    const cellar = path.join(root, 'opt/homebrew/Cellar');
    await mkdir(path.join(cellar, 'emptyrack'), { recursive: true });
    await mkdir(path.join(cellar, 'emptykeg/1.0'), { recursive: true });
    await mkdir(path.join(cellar, 'kept/2.0'), { recursive: true });
    await writeFile(path.join(cellar, 'kept/2.0/README'), 'x');
    await writeFile(path.join(cellar, 'kept/stray-file'), 'not a keg');
    await mkdir(path.join(root, 'opt/homebrew/Caskroom'), { recursive: true });
    const ctx = context(root);
    expect(await homebrewCollector.collect(ctx)).toEqual([
      formula('kept', '2.0', 'arm64', '/opt/homebrew/Cellar/kept/2.0'),
    ]);
    expect(await homebrewCaskCollector.detect(ctx)).toBe(true);
    expect(await homebrewCaskCollector.collect(ctx)).toEqual([]);
  });
});

describe('detection', () => {
  it('needs darwin and a Cellar (formulae) or Caskroom (casks) in a known prefix', async () => {
    const exists = (paths: string[]) => (p: string) => Promise.resolve(paths.includes(p));
    const only = (paths: string[], platform: NodeJS.Platform = 'darwin') =>
      context('/r', { exists: exists(paths), platform });
    expect(await homebrewCollector.detect(only(['/r/opt/homebrew/Cellar']))).toBe(true);
    expect(await homebrewCollector.detect(only(['/r/usr/local/Cellar']))).toBe(true);
    expect(await homebrewCollector.detect(only(['/r/opt/homebrew/Caskroom']))).toBe(false);
    expect(await homebrewCollector.detect(only(['/r/opt/homebrew/Cellar'], 'linux'))).toBe(false);
    expect(await homebrewCaskCollector.detect(only(['/r/usr/local/Caskroom']))).toBe(true);
    expect(await homebrewCaskCollector.detect(only(['/r/usr/local/Cellar']))).toBe(false);
    expect(await homebrewCollector.detect(only([]))).toBe(false);
  });

  it('fails clearly when a directory cannot be listed', async () => {
    const ctx = context(path.join(FIXTURES, 'macbook-pro-m3-sonoma'), {
      listDir: () => Promise.reject(new Error("EACCES: permission denied, scandir '/opt/homebrew/Cellar'")),
    });
    await expect(homebrewCollector.collect(ctx)).rejects.toThrow('EACCES: permission denied');
  });
});

describe('Homebrew metadata parsers', () => {
  it('reads current and old receipts', () => {
    expect(parseInstallReceipt('{"time": 1717489211, "arch": "arm64", "source": {"tap": "homebrew/core"}}')).toEqual({
      tap: 'homebrew/core',
      installedAt: '2024-06-04T08:20:11.000Z',
      arch: 'arm64',
    });
    expect(parseInstallReceipt('{"tapped_from": "mxcl/master", "time": null}')).toEqual({ tap: 'homebrew/core' });
    expect(parseInstallReceipt('{"tapped_from": "path or URL"}')).toEqual({});
    expect(parseInstallReceipt('{"source": {"tap": "  "}, "time": -5, "arch": ""}')).toEqual({});
  });

  it('survives malformed receipts and definitions', () => {
    for (const bad of ['', '{', 'null', '[]', '"text"', '\u0000\u0001']) {
      expect(parseInstallReceipt(bad)).toBeUndefined();
      expect(parseInstalledCaskfile(bad)).toBeUndefined();
    }
    expect(parseInstalledCaskfile('{"tap": 3, "auto_updates": "yes"}')).toEqual({});
    expect(parseInstalledCaskfile('{"tap": "homebrew/cask", "auto_updates": true}')).toEqual({
      tap: 'homebrew/cask',
      autoUpdates: true,
    });
  });

  it('picks the newest timestamp across versions and ignores names that are not timestamps', () => {
    expect(
      currentCaskInstall([
        { version: '2.0', timestamp: '20240101000000.000' },
        { version: '1.0', timestamp: '20240601000000.000' },
        { version: '3.0', timestamp: 'zzzz' },
      ]),
    ).toEqual({ version: '1.0', timestamp: '20240601000000.000' });
    expect(currentCaskInstall([])).toBeUndefined();
    expect(caskTimestampToIso('20231213101522.417')).toBe('2023-12-13T10:15:22.417Z');
    expect(caskTimestampToIso('20231399101522.417')).toBeUndefined();
    expect(caskTimestampToIso('2023-12-13')).toBeUndefined();
  });
});
