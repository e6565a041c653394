import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SoftwareItem } from '@stocktake/shared';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { createContext } from '../context.ts';
import type { CollectContext } from '../types.ts';
import { pacmanCollector } from './index.ts';
import { parsePacmanDesc } from './parse.ts';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');

function context(root: string, overrides: Partial<CollectContext> = {}): CollectContext {
  return {
    ...createContext({ log: pino({ level: 'silent' }), root, timeoutMs: 30_000, platform: 'linux' }),
    run: async (cmd) => {
      throw new Error(`pacman collector must not run ${cmd}`);
    },
    ...overrides,
  };
}

/** The Collector type allows a partial section; a software collector must return whole items. */
function asItems(result: Partial<SoftwareItem[]>): SoftwareItem[] {
  if (!Array.isArray(result)) throw new Error('pacman collector must return an array');
  return result.map((item) => {
    if (!item) throw new Error('pacman collector returned a hole');
    return item;
  });
}

async function collect(fixture: string): Promise<SoftwareItem[]> {
  const ctx = context(path.join(FIXTURES, fixture));
  expect(await pacmanCollector.detect(ctx)).toBe(true);
  return asItems(await pacmanCollector.collect(ctx));
}

const pacman = (
  name: string,
  version: string,
  arch?: string,
  publisher?: string,
  installDate?: string,
): SoftwareItem => ({
  name,
  version,
  source: 'pacman',
  ...(arch ? { arch } : {}),
  ...(publisher ? { publisher } : {}),
  ...(installDate ? { installDate } : {}),
});

const HEFTIG = 'Jan Alexander Steffens (heftig)';
const FRESWA = 'Frederik Schwan';
// The capture was made with the clock at 2026-11-22; the dependencies were installed 2 s later.
const AT = '2026-11-22T16:18:12.000Z';
const DEPS_AT = '2026-11-22T16:18:14.000Z';

describe('pacman collector on fixtures', () => {
  it('reads the local database pacman 6.0 wrote', async () => {
    expect(await collect('arch-desktop-pacman-6.0')).toEqual([
      pacman('firefox', '2:129.0.1-1', 'x86_64', HEFTIG, AT),
      pacman('gcc-libs', '14.2.1+r32+geccf707e5ce-1', 'x86_64', FRESWA, DEPS_AT),
      pacman('glibc', '2.40+r16+gaa533d58ff-2', 'x86_64', FRESWA, DEPS_AT),
      pacman('lib32-glibc', '2.40+r16+gaa533d58ff-2', 'x86_64', FRESWA, DEPS_AT),
      pacman('linux', '6.10.6.arch1-1', 'x86_64', HEFTIG, AT),
      pacman('linux-lts', '6.6.47-1', 'x86_64', 'Andreas Radke', AT),
      pacman('pacman', '7.0.0.r3.g7736133-1', 'x86_64', 'Morten Linderud', AT),
      pacman('python-pip', '24.2-1', 'any', 'Daniel M. Capella', AT),
      pacman('ttf-ms-win11-auto', '10.0.22631.2428-1', 'any', 'Jürgen Müller', AT),
      // Built without PACKAGER set: makepkg's placeholder is no publisher.
      pacman('visual-studio-code-bin', '1.92.2-1', 'x86_64', undefined, AT),
      pacman('yay', '12.3.5-1', 'x86_64', 'ユーザー', AT),
      pacman('zstd', '1.5.6-1', 'x86_64', 'Levente Polyak', AT),
    ]);
  });

  it('keeps what it can of entries with missing fields and skips the rest', async () => {
    const ts = '2024-08-12T08:06:40.000Z';
    expect(await collect('handmade-missing-fields')).toEqual([
      pacman('bad-installdate', '1-1', 'x86_64'),
      pacman('bare-address', '1-1', 'any', 'ops@example.com'),
      pacman('no-arch', '0.3-2', undefined, undefined, ts),
      pacman('no-version', '', 'x86_64', 'Jane Doe', ts),
      pacman('unknown-packager', '1.0-1', 'x86_64'),
      pacman('zero-installdate', '1-1', 'x86_64'),
    ]);
  });

  it('survives malformed desc files', async () => {
    // CRLF, junk before the first key, a value that looks like a key, repeated keys (first
    // wins), NUL and invalid UTF-8 bytes, an empty NAME, an out-of-range date, no final newline.
    expect(await collect('handmade-malformed')).toEqual([
      pacman('crlf-pkg', '1:1.0-1', 'x86_64', 'Ondřej Surý', '2024-08-12T08:06:40.000Z'),
      pacman('dup-sections', '3-1', 'x86_64', 'Мария Иванова'),
      pacman('huge-installdate', '1-1'),
      pacman('junk-first', '2.0-1', 'aarch64'),
      pacman('kancelář-nástroje', '1.0-1', 'any', 'Česká kancelář s.r.o.', '2024-08-12T08:06:40.000Z'),
    ]);
  });

  it('reads every package directory of the fixture once', async () => {
    const dir = path.join(FIXTURES, 'arch-desktop-pacman-6.0/var/lib/pacman/local');
    const dirs = (await readdir(dir)).filter((e) => e !== 'ALPM_DB_VERSION');
    const reads: string[] = [];
    const base = context(path.join(FIXTURES, 'arch-desktop-pacman-6.0'));
    const ctx = context(base.root, {
      readFile: async (p) => {
        reads.push(p);
        return base.readFile(p);
      },
    });
    await pacmanCollector.collect(ctx);
    expect(reads.sort()).toEqual(dirs.map((d) => path.join(dir, d, 'desc')).sort());
  });

  it('fails when no entry is readable, instead of reporting an empty system', async () => {
    const ctx = context(path.join(FIXTURES, 'arch-desktop-pacman-6.0'), {
      readFile: async () => {
        throw new Error('EACCES: permission denied');
      },
    });
    await expect(pacmanCollector.collect(ctx)).rejects.toThrow(/none of the 12 entries/);
  });

  it('detects only a database with ALPM_DB_VERSION and at least one package', async () => {
    expect(await pacmanCollector.detect(context(path.join(FIXTURES, 'no-such-root')))).toBe(false);
    const work = await mkdtemp(path.join(tmpdir(), 'stocktake-pacman-detect-'));
    try {
      const local = path.join(work, 'var/lib/pacman/local');
      await mkdir(local, { recursive: true });
      // The bare directory, then what Debian's pacman-package-manager creates: no packages.
      expect(await pacmanCollector.detect(context(work))).toBe(false);
      await writeFile(path.join(local, 'ALPM_DB_VERSION'), '9\n');
      expect(await pacmanCollector.detect(context(work))).toBe(false);
      await mkdir(path.join(local, 'bash-5.2.032-1'));
      expect(await pacmanCollector.detect(context(work))).toBe(true);
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  });

  it('fails clearly when the database directory is missing', async () => {
    await expect(pacmanCollector.collect(context(path.join(FIXTURES, 'no-such-root')))).rejects.toThrow(/ENOENT/);
  });
});

describe('parsePacmanDesc', () => {
  it('returns undefined for empty or garbage input', () => {
    expect(parsePacmanDesc('')).toBeUndefined();
    expect(parsePacmanDesc('\n\n%NAME%\n\n')).toBeUndefined();
    expect(parsePacmanDesc('\u0000%NAME%\nx\n')).toBeUndefined();
  });

  it('never sets optional fields to undefined or empty', () => {
    const item = parsePacmanDesc('%NAME%\na\n\n%VERSION%\n1-1\n\n%ARCH%\n\n%PACKAGER%\n   \n');
    expect(item).toEqual({ name: 'a', version: '1-1', source: 'pacman' });
    expect(Object.keys(item ?? {})).toEqual(['name', 'version', 'source']);
  });

  it('does not take a description that looks like a key for a key', () => {
    const text = '%NAME%\nreal\n\n%DESC%\n%NAME%\n\n%VERSION%\n1-1\n';
    expect(parsePacmanDesc(text)).toEqual(pacman('real', '1-1'));
  });

  it('skips list values', () => {
    const text = '%NAME%\na\n\n%DEPENDS%\n%VERSION%\nglibc\n\n%VERSION%\n2-1\n';
    // A list value is never a key in a real file; if one is, it is read as libalpm would.
    expect(parsePacmanDesc(text)?.version).toBe('glibc');
  });
});

/** Builds two packages and installs them with the real pacman into a scratch root. */
async function installWithRealPacman(work: string): Promise<string> {
  const root = path.join(work, 'root');
  const dbpath = path.join(root, 'var/lib/pacman');
  await mkdir(dbpath, { recursive: true });
  const conf = path.join(work, 'pacman.conf');
  await writeFile(conf, '[options]\nArchitecture = auto\nSigLevel = Never\nLocalFileSigLevel = Never\n');
  const packages: string[] = [];
  for (const [name, version, arch, packager] of [
    ['stocktake-probe', '1:2.3.4-5', 'x86_64', 'Zoë Tester <zoe@example.org>'],
    ['stocktake-probe-data', '20240101-1', 'any', 'Unknown Packager'],
  ] as const) {
    const build = path.join(work, name);
    await mkdir(path.join(build, 'usr/share', name), { recursive: true });
    await writeFile(path.join(build, 'usr/share', name, 'README'), name);
    const info = [`pkgname = ${name}`, `pkgver = ${version}`, `arch = ${arch}`, `packager = ${packager}`, 'size = 1'];
    await writeFile(path.join(build, '.PKGINFO'), `${info.join('\n')}\n`);
    const file = path.join(work, `${name}-${version.replace(':', '_')}-${arch}.pkg.tar.gz`);
    execFileSync('tar', ['-czf', file, '-C', build, '.PKGINFO', 'usr']);
    packages.push(file);
  }
  execFileSync('pacman', [
    ...['--config', conf, '--root', root, '--dbpath', dbpath, '--arch', 'x86_64'],
    ...['-U', '--noconfirm', '-dd', '--noscriptlet', ...packages],
  ]);
  return root;
}

const hasPacman = existsSync('/usr/bin/pacman');

describe('pacman collector against the real pacman', () => {
  let work: string | undefined;
  afterAll(async () => {
    if (work) await rm(work, { recursive: true, force: true });
  });

  it.skipIf(!hasPacman)('reads what pacman -U wrote, as pacman -Q lists it', async () => {
    work = await mkdtemp(path.join(tmpdir(), 'stocktake-pacman-'));
    const root = await installWithRealPacman(work);
    const ctx = context(root);
    expect(await pacmanCollector.detect(ctx)).toBe(true);
    const items = asItems(await pacmanCollector.collect(ctx));
    const listed = execFileSync('pacman', ['--dbpath', path.join(root, 'var/lib/pacman'), '-Q'], { encoding: 'utf8' });
    expect(items.map((i) => `${i.name} ${i.version}`)).toEqual(listed.trim().split('\n'));
    expect(items[0]).toMatchObject({ name: 'stocktake-probe', arch: 'x86_64', publisher: 'Zoë Tester' });
    expect(items[1]).not.toHaveProperty('publisher');
    expect(Date.parse(items[0]?.installDate ?? '')).toBeGreaterThan(Date.now() - 600_000);
  });

  const hasPackages =
    existsSync('/var/lib/pacman/local/ALPM_DB_VERSION') &&
    readdirSync('/var/lib/pacman/local').some((e) => e !== 'ALPM_DB_VERSION');
  it.skipIf(!hasPackages)('lists what pacman -Q lists on this machine', async () => {
    const listed = execFileSync('pacman', ['-Q'], { encoding: 'utf8' }).trim().split('\n');
    const items = asItems(await pacmanCollector.collect(context('/')));
    expect(items.map((i) => `${i.name} ${i.version}`).sort()).toEqual(listed.sort());
  });
});
