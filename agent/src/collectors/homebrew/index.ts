import path from 'node:path';
import { compareSoftware, type SoftwareItem } from '@stocktake/shared/core';
import type { CollectContext, Collector } from '../types.ts';
import {
  type CaskInstallRecord,
  caskItem,
  currentCaskInstall,
  formulaItem,
  type InstalledCaskfile,
  type InstallReceipt,
  parseInstalledCaskfile,
  parseInstallReceipt,
} from './parse.ts';

/**
 * Where Homebrew lives: `/opt/homebrew` on Apple silicon, `/usr/local` on Intel (and for an
 * Intel Homebrew run under Rosetta on Apple silicon). Each prefix only ever holds builds for
 * its own architecture, which stands in for a receipt that does not name one.
 */
export const HOMEBREW_PREFIXES: readonly { path: string; arch: string }[] = [
  { path: '/opt/homebrew', arch: 'arm64' },
  { path: '/usr/local', arch: 'x86_64' },
];

const RECEIPT = 'INSTALL_RECEIPT.json';

/**
 * Formulae installed with Homebrew, read from the Cellar (`<prefix>/Cellar/<name>/<version>`
 * and its install receipt) rather than through `brew`: brew refuses to run as root, starts a
 * Ruby interpreter per call, and reads the same directories.
 */
export const homebrewCollector: Collector<'software'> = {
  name: 'homebrew',
  section: 'software',
  platforms: ['darwin'],
  detect: (ctx) => anyPrefixHas(ctx, 'Cellar'),
  async collect(ctx) {
    const items = (await Promise.all(HOMEBREW_PREFIXES.map((p) => formulaeIn(ctx, p.path, p.arch)))).flat();
    return sortItems(items);
  },
};

/** Casks installed with Homebrew, read from the Caskroom's install metadata (see formulae above for why). */
export const homebrewCaskCollector: Collector<'software'> = {
  name: 'homebrew_cask',
  section: 'software',
  platforms: ['darwin'],
  detect: (ctx) => anyPrefixHas(ctx, 'Caskroom'),
  async collect(ctx) {
    const items = (await Promise.all(HOMEBREW_PREFIXES.map((p) => casksIn(ctx, p.path)))).flat();
    return sortItems(items);
  },
};

async function anyPrefixHas(ctx: CollectContext, dir: 'Cellar' | 'Caskroom'): Promise<boolean> {
  if (ctx.platform !== 'darwin') return false;
  const found = await Promise.all(HOMEBREW_PREFIXES.map((p) => ctx.exists(path.join(ctx.root, p.path, dir))));
  return found.includes(true);
}

/** Every keg of every formula: brew keeps old versions until `brew cleanup`, and all of them are on disk. */
async function formulaeIn(ctx: CollectContext, prefix: string, prefixArch: string): Promise<SoftwareItem[]> {
  const cellar = path.join(prefix, 'Cellar');
  const racks = visible(await ctx.listDir(path.join(ctx.root, cellar)));
  const perRack = await Promise.all(
    racks.map(async (name) => {
      const rack = path.join(cellar, name);
      const kegs = visible(await ctx.listDir(path.join(ctx.root, rack)));
      const items = await Promise.all(
        kegs.map(async (version) => {
          const location = path.join(rack, version);
          // A keg is a directory with something in it; stray files and emptied kegs are not installs.
          if ((await ctx.listDir(path.join(ctx.root, location))).length === 0) return undefined;
          const receipt = await readReceipt(ctx, path.join(location, RECEIPT));
          return formulaItem({ name, version, location, prefixArch, ...(receipt ? { receipt } : {}) });
        }),
      );
      return items.filter((i): i is SoftwareItem => i !== undefined);
    }),
  );
  return perRack.flat();
}

/**
 * One item per cask, at the version brew considers installed: the newest install record in
 * `.metadata/<version>/<timestamp>/`, which must hold the installed cask definition
 * (`Casks/<token>.json`, or `.rb` from older brew). A Caskroom directory without one is a
 * failed or half-removed install that brew itself does not list.
 */
async function casksIn(ctx: CollectContext, prefix: string): Promise<SoftwareItem[]> {
  const caskroom = path.join(prefix, 'Caskroom');
  const tokens = visible(await ctx.listDir(path.join(ctx.root, caskroom)));
  const items = await Promise.all(
    tokens.map(async (token) => {
      const metadata = path.join(caskroom, token, '.metadata');
      const records: CaskInstallRecord[] = [];
      for (const version of visible(await ctx.listDir(path.join(ctx.root, metadata)))) {
        for (const timestamp of await ctx.listDir(path.join(ctx.root, metadata, version))) {
          records.push({ version, timestamp });
        }
      }
      const install = currentCaskInstall(records);
      if (!install) {
        ctx.log.debug({ token, prefix }, 'cask without install metadata skipped');
        return undefined;
      }
      const casks = path.join(metadata, install.version, install.timestamp, 'Casks');
      const caskfile = await readCaskfile(ctx, casks, token);
      if (caskfile === undefined) {
        ctx.log.debug({ token, prefix }, 'cask without installed definition skipped');
        return undefined;
      }
      const receipt = await readReceipt(ctx, path.join(metadata, RECEIPT));
      return caskItem({
        token,
        install,
        location: path.join(caskroom, token, install.version),
        caskfile,
        ...(receipt ? { receipt } : {}),
      });
    }),
  );
  return items.filter((i): i is SoftwareItem => i !== undefined);
}

async function readReceipt(ctx: CollectContext, file: string): Promise<InstallReceipt | undefined> {
  const text = await readIfPresent(ctx, file);
  if (text === undefined) return undefined;
  const receipt = parseInstallReceipt(text);
  if (!receipt) ctx.log.warn({ file }, 'unreadable Homebrew install receipt; reporting the install without it');
  return receipt;
}

/** The installed definition, `{}` when present but unreadable (it still marks an install), undefined when absent. */
async function readCaskfile(ctx: CollectContext, dir: string, token: string): Promise<InstalledCaskfile | undefined> {
  const json = await readIfPresent(ctx, path.join(dir, `${token}.json`));
  if (json !== undefined) {
    const parsed = parseInstalledCaskfile(json);
    if (!parsed) ctx.log.warn({ token, dir }, 'unreadable installed cask definition');
    return parsed ?? {};
  }
  return (await ctx.exists(path.join(ctx.root, dir, `${token}.rb`))) ? {} : undefined;
}

async function readIfPresent(ctx: CollectContext, file: string): Promise<string | undefined> {
  const full = path.join(ctx.root, file);
  if (!(await ctx.exists(full))) return undefined;
  try {
    return await ctx.readFile(full);
  } catch (err) {
    ctx.log.warn({ err, file }, 'Homebrew metadata file could not be read');
    return undefined;
  }
}

/** Finder's `.DS_Store` and other dot entries are never formulae, kegs or casks. */
function visible(names: string[]): string[] {
  return names.filter((n) => !n.startsWith('.'));
}

function sortItems(items: SoftwareItem[]): SoftwareItem[] {
  return items.sort(
    (a, b) =>
      compareSoftware(a, b) ||
      ((a.installLocation ?? '') < (b.installLocation ?? '')
        ? -1
        : (a.installLocation ?? '') > (b.installLocation ?? '')
          ? 1
          : 0),
  );
}
