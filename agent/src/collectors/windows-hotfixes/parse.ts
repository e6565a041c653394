import type { Hotfix } from '@stocktake/shared/core';
import { type JsonRecord, jsonString, parseJsonRecords } from '../windows-os/powershell.ts';
import { multiSz, parseRegQuery } from '../windows-registry/reg-query.ts';

/**
 * Win32_QuickFixEngineering through CIM, not Get-HotFix: CIM hands over InstalledOn as the
 * provider's raw string (`5/30/2024`, always month first), while Get-HotFix parses it with the
 * current culture and so blanks or swaps day and month on non-US systems.
 */
export const HOTFIX_PIPELINE =
  'Get-CimInstance -ClassName Win32_QuickFixEngineering | Select-Object HotFixID,Description,InstalledOn';

export interface HotfixOptions {
  /** UTC offset in minutes at an instant; only `/Date(ms)/` values need it. Default: this machine's. */
  utcOffsetMinutes?: (ms: number) => number;
}

const localOffset = (ms: number) => -new Date(ms).getTimezoneOffset();

/** Installed updates, one per KB id, sorted by id. */
export function parseHotfixes(text: string, options: HotfixOptions = {}): Hotfix[] {
  const byId = new Map<string, Hotfix>();
  for (const record of parseJsonRecords(text, 'Win32_QuickFixEngineering')) {
    const fix = toHotfix(record, options.utcOffsetMinutes ?? localOffset);
    if (!fix) continue;
    const prev = byId.get(fix.id);
    // One KB can be listed twice (per servicing stack or package); keep the most informative.
    if (!prev || (fix.installedOn ?? '') > (prev.installedOn ?? '')) byId.set(fix.id, fix);
  }
  return [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

function toHotfix(record: JsonRecord, offset: (ms: number) => number): Hotfix | undefined {
  const id = jsonString(record, 'HotFixID')?.toUpperCase();
  // Old systems list placeholders such as `File 1`; only KB (and pre-2000 Q) articles are updates.
  if (!id || !/^(KB|Q)\d{4,8}$/.test(id)) return undefined;
  const fix: Hotfix = { id };
  const description = jsonString(record, 'Description');
  if (description) fix.description = description;
  const installedOn = installDate(record.InstalledOn, offset);
  if (installedOn) fix.installedOn = installedOn;
  return fix;
}

/**
 * The shapes InstalledOn arrives in, to a calendar date (YYYY-MM-DD):
 * - `5/30/2024`: the CIM provider's string (month first whatever the locale);
 * - `01d9b2c1a2b3c4d5`: a FILETIME in hex, written by some older servicing stacks;
 * - `\/Date(1717020000000)\/`, or `{"value":"\/Date(...)\/","DateTime":"..."}`: a DateTime that
 *   Get-HotFix produced and Windows PowerShell serialised. It is local midnight as an instant, so
 *   the date is read at the machine's UTC offset (reading it in UTC gives the previous day east
 *   of Greenwich);
 * - `2024-05-30T00:00:00+02:00`: the same from PowerShell 7; the written date is kept.
 */
export function installDate(raw: unknown, offset: (ms: number) => number = localOffset): string | undefined {
  if (typeof raw === 'object' && raw !== null && !Array.isArray(raw)) {
    return installDate((raw as JsonRecord).value, offset);
  }
  if (typeof raw !== 'string') return undefined;
  const s = raw.trim();
  const us = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(s);
  if (us) return calendarDate(Number(us[3]), Number(us[1]), Number(us[2]));
  const compact = /^(\d{4})(\d{2})(\d{2})$/.exec(s);
  if (compact) return calendarDate(Number(compact[1]), Number(compact[2]), Number(compact[3]));
  const iso = /^(\d{4})-(\d{2})-(\d{2})(?:T[\d:.]+(?:Z|[+-]\d{2}:\d{2})?)?$/.exec(s);
  if (iso) return calendarDate(Number(iso[1]), Number(iso[2]), Number(iso[3]));
  const msDate = /^\/Date\((-?\d+)(?:[+-]\d{4})?\)\/$/.exec(s);
  if (msDate) {
    const ms = Number(msDate[1]);
    return isoDay(new Date(ms + offset(ms) * 60_000));
  }
  if (/^[0-9a-f]{16}$/i.test(s)) {
    // 100 ns intervals since 1601-01-01 UTC.
    const ms = Number(BigInt(`0x${s}`) / 10_000n) - 11_644_473_600_000;
    return isoDay(new Date(ms));
  }
  return undefined;
}

function calendarDate(y: number, m: number, d: number): string | undefined {
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return undefined;
  return isoDay(date);
}

/** The UTC calendar day of a Date, if it is a plausible install date. */
function isoDay(date: Date): string | undefined {
  const y = date.getUTCFullYear();
  if (Number.isNaN(y) || y < 1995 || y > 2100) return undefined;
  return date.toISOString().slice(0, 10);
}

/** The most recent install date, which is what `lastInstall` reports. */
export function lastInstall(hotfixes: readonly Hotfix[]): string | undefined {
  let last: string | undefined;
  for (const fix of hotfixes) if (fix.installedOn && (!last || fix.installedOn > last)) last = fix.installedOn;
  return last;
}

/**
 * `reg query "...\Session Manager" /v PendingFileRenameOperations`: pending when the value holds
 * at least one path (an empty REG_MULTI_SZ left behind means nothing is pending).
 */
export function hasPendingRenames(text: string): boolean {
  for (const key of parseRegQuery(text)) {
    const value = key.values.get('pendingfilerenameoperations');
    if (value && multiSz(value.data).length > 0) return true;
  }
  return false;
}
