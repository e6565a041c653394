import type { SoftwareItem } from '@stocktake/shared/core';

/**
 * What an install receipt (`INSTALL_RECEIPT.json`, written by brew for every formula keg and,
 * since Homebrew 4.3, for every cask in `.metadata/`) tells about one install.
 */
export interface InstallReceipt {
  /** `homebrew/core`, `hashicorp/tap`, ... */
  tap?: string;
  /** Install time, ISO 8601. */
  installedAt?: string;
  /** Architecture brew ran as: `arm64` or `x86_64`. */
  arch?: string;
}

/** Taps renamed long ago; brew itself maps them to `homebrew/core` when it reads old receipts. */
const CORE_ALIASES: ReadonlySet<string> = new Set(['mxcl/master', 'Homebrew/homebrew']);

/**
 * Reads an install receipt. Receipts from every Homebrew version are accepted: old ones name
 * the tap in `tapped_from` instead of `source.tap`. Unreadable JSON yields undefined (the keg
 * is still on disk and still reported, just without these details).
 */
export function parseInstallReceipt(text: string): InstallReceipt | undefined {
  const doc = parseObject(text);
  if (!doc) return undefined;
  const receipt: InstallReceipt = {};
  const source = isObject(doc.source) ? doc.source : {};
  let tap = nonEmpty(source.tap);
  const tappedFrom = nonEmpty(doc.tapped_from);
  if (!tap && tappedFrom && tappedFrom !== 'path or URL') tap = tappedFrom;
  if (tap) receipt.tap = CORE_ALIASES.has(tap) ? 'homebrew/core' : tap;
  const installedAt = unixSecondsToIso(doc.time);
  if (installedAt) receipt.installedAt = installedAt;
  const arch = nonEmpty(doc.arch);
  if (arch) receipt.arch = arch;
  return receipt;
}

/** The parts of an installed cask definition (`.metadata/<version>/<timestamp>/Casks/<token>.json`) used here. */
export interface InstalledCaskfile {
  tap?: string;
  /** The application updates itself; the Caskroom version is the one brew installed. */
  autoUpdates?: boolean;
}

export function parseInstalledCaskfile(text: string): InstalledCaskfile | undefined {
  const doc = parseObject(text);
  if (!doc) return undefined;
  const caskfile: InstalledCaskfile = {};
  const tap = nonEmpty(doc.tap);
  if (tap) caskfile.tap = tap;
  if (typeof doc.auto_updates === 'boolean') caskfile.autoUpdates = doc.auto_updates;
  return caskfile;
}

/** brew's metadata timestamp directories: `%Y%m%d%H%M%S.%L`, in UTC. */
const CASK_TIMESTAMP = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})\.(\d{3})$/;

export function isCaskTimestamp(name: string): boolean {
  return CASK_TIMESTAMP.test(name);
}

export function caskTimestampToIso(name: string): string | undefined {
  const m = CASK_TIMESTAMP.exec(name);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, ms] = m;
  const date = new Date(`${y}-${mo}-${d}T${h}:${mi}:${s}.${ms}Z`);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/** One `.metadata/<version>/<timestamp>` directory of a cask. */
export interface CaskInstallRecord {
  version: string;
  timestamp: string;
}

/**
 * The install brew counts as current: the newest timestamp across all versions, as `brew`
 * decides `installed_version` (it sorts the timestamp directory names). Older records are
 * left-overs of upgrades.
 */
export function currentCaskInstall(records: readonly CaskInstallRecord[]): CaskInstallRecord | undefined {
  let best: CaskInstallRecord | undefined;
  for (const record of records) {
    if (!isCaskTimestamp(record.timestamp)) continue;
    if (!best || record.timestamp > best.timestamp) best = record;
  }
  return best;
}

/** A keg found in a Cellar: `<prefix>/Cellar/<name>/<version>`. */
export interface KegFound {
  name: string;
  version: string;
  location: string;
  receipt?: InstallReceipt;
  /** Architecture of the prefix the keg is in, used when the receipt does not say. */
  prefixArch?: string;
}

export function formulaItem(keg: KegFound): SoftwareItem {
  const item: SoftwareItem = { name: keg.name, version: keg.version, source: 'homebrew' };
  if (keg.receipt?.tap) item.publisher = keg.receipt.tap;
  const arch = keg.receipt?.arch ?? keg.prefixArch;
  if (arch) item.arch = arch;
  if (keg.receipt?.installedAt) item.installDate = keg.receipt.installedAt;
  item.installLocation = keg.location;
  return item;
}

/** A cask found in a Caskroom: `<prefix>/Caskroom/<token>`, with its current install. */
export interface CaskFound {
  token: string;
  install: CaskInstallRecord;
  location: string;
  receipt?: InstallReceipt;
  caskfile?: InstalledCaskfile;
}

/**
 * A cask as brew reports it installed: the version directory brew installed. For an
 * `auto_updates` cask the application may have updated itself past that version since; the
 * running version is the `app_bundle` item of the same application.
 */
export function caskItem(cask: CaskFound): SoftwareItem {
  const item: SoftwareItem = { name: cask.token, version: cask.install.version, source: 'homebrew_cask' };
  const tap = cask.receipt?.tap ?? cask.caskfile?.tap;
  if (tap) item.publisher = tap;
  const installedAt = caskTimestampToIso(cask.install.timestamp);
  if (installedAt) item.installDate = installedAt;
  item.installLocation = cask.location;
  return item;
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const doc: unknown = JSON.parse(text);
    return isObject(doc) ? doc : undefined;
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function nonEmpty(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

function unixSecondsToIso(value: unknown): string | undefined {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) return undefined;
  const date = new Date(Math.round(value) * 1000);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}
