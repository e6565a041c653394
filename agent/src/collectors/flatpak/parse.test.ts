import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SoftwareItem } from '@stocktake/shared';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { CommandError, type RunCommand, runCommand } from '../../runner/run-command.ts';
import { createContext } from '../context.ts';
import type { CollectContext } from '../types.ts';
import { flatpakCollector } from './index.ts';
import { FLATPAK_LIST_ARGS, parseFlatpakList } from './parse.ts';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');
const fixture = (name: string) => readFileSync(path.join(FIXTURES, name), 'utf8');

function context(overrides: Partial<CollectContext> = {}): CollectContext {
  return {
    ...createContext({ log: pino({ level: 'silent' }), root: '/fixture-root', timeoutMs: 4_321, platform: 'linux' }),
    ...overrides,
  };
}

const flatpak = (name: string, version: string, arch?: string): SoftwareItem => ({
  name,
  version,
  source: 'flatpak',
  ...(arch ? { arch } : {}),
});

const X = 'x86_64';

const cases: { fixture: string; expected: SoftwareItem[] }[] = [
  {
    // Real flatpak 1.14 output: two branches of a runtime without AppStream versions, the same
    // app in the system and a user installation at different branches, a long Unicode name.
    fixture: 'debian-12-flatpak-1.14.txt',
    expected: [
      flatpak('com.visualstudio.code', '1.92.2-1723660989', X),
      flatpak('cz.example.Kancelar', '1.0.0~beta2', X),
      flatpak('org.example.NoMeta', 'stable', X),
      flatpak('org.example.Platform', '23.08', X),
      flatpak('org.freedesktop.Platform', '23.08', X),
      flatpak('org.freedesktop.Platform', '24.08', X),
      flatpak('org.freedesktop.Platform.GL.default', '23.08', X),
      flatpak('org.gimp.GIMP', '2.10.38', X),
      flatpak('org.gnome.Platform', '46', X),
      flatpak('org.kde.Platform', '6.7', X),
      flatpak('org.kde.krita', '5.2.3', X),
      flatpak('org.mozilla.firefox', '129.0.2', X),
      flatpak('org.mozilla.firefox', '130.0b9', X),
    ],
  },
  {
    // Flathub names and versions: GL.default 23.08 and 23.08-extra at one Mesa version and
    // firefox in both installations collapse to one item each; a custom installation.
    fixture: 'fedora-40-workstation.txt',
    expected: [
      flatpak('com.spotify.Client', '1.2.42.290.g242057a2', X),
      flatpak('com.valvesoftware.Steam', '1.0.0.79', X),
      flatpak('com.valvesoftware.Steam.CompatibilityTool.Proton-GE', 'stable', X),
      flatpak('io.github.ungoogled_software.ungoogled_chromium', '127.0.6533.119', X),
      flatpak('org.fedoraproject.MediaWriter', '5.1.1', X),
      flatpak('org.freedesktop.Platform', '23.08.22', X),
      flatpak('org.freedesktop.Platform', '24.08.3', X),
      flatpak('org.freedesktop.Platform.GL.default', '24.1.5', X),
      flatpak('org.freedesktop.Platform.GL32.default', '24.1.5', X),
      flatpak('org.freedesktop.Platform.openh264', '2.1.0', X),
      flatpak('org.gnome.Platform', '46', X),
      flatpak('org.gtk.Gtk3theme.Adwaita-dark', '3.22', X),
      flatpak('org.kde.Platform', '6.7', 'aarch64'),
      flatpak('org.mozilla.firefox', '129.0.2', X),
    ],
  },
  {
    fixture: 'handmade-missing-fields.txt',
    expected: [
      flatpak('org.example.NoArch', '1.0'),
      flatpak('org.example.NoInstallation', '3.0', X),
      flatpak('org.example.NoName', '4.0', X),
      flatpak('org.example.NoOrigin', '2.0', X),
      flatpak('org.example.NoVersion', 'stable', X),
      flatpak('org.example.NoVersionNoBranch', '', X),
      flatpak('org.example.Runtime.NoVersion', '22.08', X),
    ],
  },
  {
    // A header, CRLF, short and long rows, a two-element id, NUL and invalid UTF-8, a
    // non-ASCII id, padded cells, no final newline.
    fixture: 'handmade-malformed.txt',
    expected: [
      flatpak('cz.example.Kancelar', '1.0.0~beta2', X),
      flatpak('org.example.Crlf', '1.0', X),
      flatpak('org.example.NoArch', '2.0'),
      flatpak('org.example.Nothing', ''),
      flatpak('org.example.Padded', '3.0', X),
    ],
  },
  // What flatpak prints to a terminal: a bold header, space-aligned and ellipsized. Not the
  // format asked for, and nothing in it is taken for a ref.
  { fixture: 'debian-12-flatpak-1.14-tty.txt', expected: [] },
];

describe('parseFlatpakList on fixtures', () => {
  it.each(cases)('$fixture', ({ fixture: name, expected }) => {
    expect(parseFlatpakList(fixture(name))).toEqual(expected);
  });

  it('survives empty and garbage input', () => {
    expect(parseFlatpakList('')).toEqual([]);
    expect(parseFlatpakList('\n\r\n\t\t\t\t\t\t\n\u0000')).toEqual([]);
  });

  it('never sets optional fields to undefined or empty', () => {
    const [item] = parseFlatpakList('org.a.b\t\t1\t\t\t\t\n');
    expect(Object.keys(item ?? {})).toEqual(['name', 'version', 'source']);
  });
});

describe('flatpakCollector', () => {
  it('runs flatpak list with fixed columns and the collector time limit', async () => {
    const calls: { cmd: string; args: readonly string[]; timeoutMs: number | undefined }[] = [];
    const run: RunCommand = async (cmd, args, options) => {
      calls.push({ cmd, args, timeoutMs: options?.timeoutMs });
      return { stdout: fixture('fedora-40-workstation.txt'), stderr: '', exitCode: 0 };
    };
    const items = await flatpakCollector.collect(context({ run }));
    expect(items).toEqual(parseFlatpakList(fixture('fedora-40-workstation.txt')));
    expect(calls).toEqual([
      {
        cmd: 'flatpak',
        args: ['list', '--columns=application,name,version,arch,branch,origin,installation'],
        timeoutMs: 4_321,
      },
    ]);
  });

  it('passes a failing flatpak through (an old flatpak without --columns exits 1)', async () => {
    const run: RunCommand = async () => {
      throw new CommandError('flatpak list exited 1: error: Unknown option --columns', 'flatpak', 'exit');
    };
    await expect(flatpakCollector.collect(context({ run }))).rejects.toThrow(CommandError);
  });

  it('detects flatpak by its binary', async () => {
    expect(
      await flatpakCollector.detect(context({ root: '/r', exists: async (p) => p === '/r/usr/bin/flatpak' })),
    ).toBe(true);
    expect(await flatpakCollector.detect(context({ root: '/r', exists: async () => false }))).toBe(false);
  });
});

/**
 * Exports a runtime and an app into a local repository and installs them with the real
 * flatpak into scratch system and user installations (FLATPAK_SYSTEM_DIR, FLATPAK_USER_DIR),
 * leaving the machine's own installations alone.
 */
async function scratchInstallations(work: string): Promise<NodeJS.ProcessEnv> {
  const env = {
    ...process.env,
    LC_ALL: 'C.UTF-8',
    FLATPAK_SYSTEM_DIR: path.join(work, 'system'),
    FLATPAK_USER_DIR: path.join(work, 'user'),
  };
  const fp = (...args: string[]) => execFileSync('flatpak', args, { env, stdio: 'pipe' });
  const repo = path.join(work, 'repo');
  const runtime = path.join(work, 'runtime');
  await mkdir(path.join(runtime, 'files/bin'), { recursive: true });
  await mkdir(path.join(runtime, 'usr'), { recursive: true });
  await writeFile(path.join(runtime, 'files/bin/probe'), 'probe\n');
  const rt = 'org.stocktake.Platform/x86_64/1.0';
  await writeFile(path.join(runtime, 'metadata'), `[Runtime]\nname=org.stocktake.Platform\nruntime=${rt}\nsdk=${rt}\n`);
  fp('build-export', '--runtime', '--arch=x86_64', repo, runtime, '1.0');
  const app = path.join(work, 'app');
  await mkdir(path.join(app, 'files/bin'), { recursive: true });
  await mkdir(path.join(app, 'export'), { recursive: true });
  await writeFile(path.join(app, 'files/bin/probe'), 'probe\n');
  await writeFile(path.join(app, 'metadata'), `[Application]\nname=org.stocktake.Probe\nruntime=${rt}\nsdk=${rt}\n`);
  fp('build-export', '--arch=x86_64', repo, app, 'stable');
  for (const where of ['--system', '--user']) {
    fp('remote-add', where, '--no-gpg-verify', 'local', `file://${repo}`);
  }
  fp('install', '-y', '--noninteractive', '--system', 'local', 'org.stocktake.Probe');
  fp('install', '-y', '--noninteractive', '--user', 'local', 'org.stocktake.Probe');
  return env;
}

const hasFlatpak = existsSync('/usr/bin/flatpak');

describe('flatpakCollector with the real flatpak', () => {
  let work: string | undefined;
  afterAll(async () => {
    if (work) await rm(work, { recursive: true, force: true });
  });

  it.skipIf(!hasFlatpak)(
    'lists an app installed system-wide and per user once, and its runtime',
    async () => {
      work = await mkdtemp(path.join(tmpdir(), 'stocktake-flatpak-'));
      const env = await scratchInstallations(work);
      const run: RunCommand = (cmd, args, options) => runCommand(cmd, args, { ...options, env });
      const items = await flatpakCollector.collect(context({ run }));
      expect(items).toEqual([flatpak('org.stocktake.Platform', '1.0', X), flatpak('org.stocktake.Probe', 'stable', X)]);
      // flatpak itself lists three refs: the runtime and the app in both installations.
      const { stdout } = await run('flatpak', FLATPAK_LIST_ARGS);
      expect(stdout.trim().split('\n')).toHaveLength(3);
    },
    60_000,
  );
});
