import { isUsefulMac, normalizeMac } from '@stocktake/shared';

/**
 * Values firmware, hypervisors and OEM images put in the serial field when there is no real
 * serial. Many machines share them, so they identify nothing and must never match.
 */
const JUNK_SERIALS = new Set(
  [
    'to be filled by o.e.m.',
    'to be filled by oem',
    'system serial number',
    'chassis serial number',
    'base board serial number',
    'serial number',
    'default string',
    'not specified',
    'not available',
    'not applicable',
    'none',
    'null',
    'n/a',
    'na',
    'unknown',
    'invalid',
    'oem',
    'o.e.m.',
    '123456789',
    '0123456789',
    '1234567890',
    '-',
  ].map((s) => s.replace(/\s+/g, '')),
);

/** Serial normalised for comparison (upper case, no whitespace); undefined for junk. */
export function serialKey(raw: string | null | undefined): string | undefined {
  if (!raw) return undefined;
  const compact = raw.replace(/\s+/g, '');
  if (compact === '') return undefined;
  if (JUNK_SERIALS.has(compact.toLowerCase())) return undefined;
  // "0", "00000000", "XXXXXXXX", "........": one character repeated is a placeholder.
  if (/^(.)\1*$/.test(compact)) return undefined;
  return compact.toUpperCase();
}

export function isJunkSerial(raw: string | null | undefined): boolean {
  return serialKey(raw) === undefined;
}

// A placeholder some boards ship with (the bytes 00 01 .. 09 in SMBIOS order).
const PLACEHOLDER_UUIDS = new Set(['03000200040005000006000700080009']);

/** SMBIOS UUID normalised (lower case, dashed); undefined for all-zero, all-F and placeholders. */
export function uuidKey(raw: string | null | undefined): string | undefined {
  if (!raw) return undefined;
  const hex = raw.toLowerCase().replace(/[{}\s-]/g, '');
  if (!/^[0-9a-f]{32}$/.test(hex)) return undefined;
  if (/^0+$/.test(hex) || /^f+$/.test(hex) || PLACEHOLDER_UUIDS.has(hex)) return undefined;
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const JUNK_HOSTNAMES = new Set(['localhost', 'localhost.localdomain', 'localdomain', '']);

/** Short host name in lower case (`WS-0042.corp.example` → `ws-0042`); undefined for localhost. */
export function hostnameKey(raw: string | null | undefined): string | undefined {
  if (!raw) return undefined;
  const lower = raw.trim().toLowerCase();
  if (JUNK_HOSTNAMES.has(lower)) return undefined;
  const short = lower.split('.')[0] ?? '';
  if (JUNK_HOSTNAMES.has(short)) return undefined;
  return short;
}

/** A MAC that identifies one physical interface: normalised, not zero/broadcast, globally administered. */
export function macKey(raw: string | null | undefined): string | undefined {
  const mac = normalizeMac(raw);
  return mac && isUsefulMac(mac) ? mac : undefined;
}
