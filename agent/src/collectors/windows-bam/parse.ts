import type { SoftwareItem } from '@stocktake/shared/core';
import { parseRegQuery } from '../windows-registry/reg-query.ts';

/**
 * The Background Activity Moderator's record (Windows 10 1709 and later): under
 * `HKLM\SYSTEM\CurrentControlSet\Services\bam\State\UserSettings\<SID>`, one REG_BINARY value a
 * program, named by its NT device path (`\Device\HarddiskVolume3\Program Files\...\app.exe`),
 * whose first 8 bytes are a FILETIME (little-endian 100 ns ticks since 1601-01-01 UTC): when
 * the user last ran it. Packaged apps are named by their family name, with no path; `Version`
 * and `SequenceNumber` are DWORDs of BAM's own. Entries older than about a week are dropped by
 * Windows at boot, so BAM tells recent use; older use comes from Prefetch and from what the
 * collector already holds.
 */

/** Milliseconds between 1601-01-01 and 1970-01-01. */
const FILETIME_EPOCH_MS = 11_644_473_600_000n;

/** A FILETIME written as reg.exe prints REG_BINARY (hex, bytes in order), as epoch ms; undefined for zero or short data. */
export function filetimeMs(hex: string): number | undefined {
  if (!/^[0-9A-Fa-f]{16}/.test(hex)) return undefined;
  let ticks = 0n;
  for (let i = 7; i >= 0; i--) ticks = (ticks << 8n) | BigInt(Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16));
  if (ticks === 0n) return undefined;
  return Number(ticks / 10_000n - FILETIME_EPOCH_MS);
}

export interface BamRecord {
  sid: string;
  /** The program's path without its volume (`\Program Files\Mozilla Firefox\firefox.exe`). */
  program: string;
  lastRunMs: number;
}

const DEVICE_PREFIX = /^\\Device\\HarddiskVolume\d+(?=\\)/i;

/** `reg query <UserSettings key> /s`, as the programs each SID ran and when. */
export function parseBam(text: string): BamRecord[] {
  const out: BamRecord[] = [];
  for (const key of parseRegQuery(text)) {
    const sid = /\\UserSettings\\(S-1-[\d-]+)$/i.exec(key.path)?.[1];
    if (!sid) continue;
    for (const value of key.values.values()) {
      if (value.type !== 'REG_BINARY' || !DEVICE_PREFIX.test(value.name)) continue;
      const lastRunMs = filetimeMs(value.data);
      if (lastRunMs === undefined) continue;
      out.push({ sid, program: value.name.replace(DEVICE_PREFIX, ''), lastRunMs });
    }
  }
  return out;
}

/**
 * `reg query <ProfileList key> /s` as SID → account name (the profile folder's name), for
 * people's accounts only: local and domain users (S-1-5-21-...) and Entra ID users (S-1-12-1-...).
 * Service accounts (S-1-5-18, -19, -20) and window manager sessions (S-1-5-90-...) carry no user.
 */
export function parseProfileList(text: string): Map<string, string> {
  const users = new Map<string, string>();
  for (const key of parseRegQuery(text)) {
    const sid = /\\ProfileList\\(S-1-(?:5-21|12-1)-[\d-]+)$/i.exec(key.path)?.[1];
    const image = key.values.get('profileimagepath')?.data;
    if (!sid || !image) continue;
    const name = image.split('\\').filter(Boolean).at(-1);
    if (name) users.set(sid, name);
  }
  return users;
}

/** An install location as a volume-less, lower-case prefix (`\program files\mozilla firefox\`). */
export function locationPrefix(location: string): string | undefined {
  const m = /^(?:[A-Za-z]:)?(\\.+)$/.exec(location.trim().replace(/^"|"$/g, ''));
  if (!m?.[1]) return undefined;
  const path = m[1].toLowerCase();
  return path.endsWith('\\') ? path : `${path}\\`;
}

/**
 * The installed program a path belongs to, by install location (the longest that holds it):
 * how BAM's and Prefetch's programs become installs. Programs outside every install location
 * (Windows' own, portable tools) belong to none.
 */
export function installOf(program: string, software: readonly SoftwareItem[]): SoftwareItem | undefined {
  const path = program.toLowerCase();
  let best: { item: SoftwareItem; length: number } | undefined;
  for (const item of software) {
    const prefix = item.installLocation && locationPrefix(item.installLocation);
    if (!prefix || prefix === '\\' || !path.startsWith(prefix)) continue;
    if (!best || prefix.length > best.length) best = { item, length: prefix.length };
  }
  return best?.item;
}
