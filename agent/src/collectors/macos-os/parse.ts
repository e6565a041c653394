import type { Os } from '@stocktake/shared/core';

/** What `sw_vers` tells about the running macOS. */
export interface SwVers {
  productName?: string;
  productVersion?: string;
  /** Rapid Security Response / Background Security Improvement letter, `(a)`, macOS 13+. */
  productVersionExtra?: string;
  buildVersion?: string;
}

/**
 * Parses `sw_vers` (no arguments): `Key:<tabs>value` lines, e.g. `ProductVersion:\t\t14.5`.
 * Unknown keys and lines without a colon are ignored, so it never throws.
 */
export function parseSwVers(text: string): SwVers {
  const out: SwVers = {};
  for (const raw of text.split('\n')) {
    const colon = raw.indexOf(':');
    if (colon <= 0) continue;
    const key = raw.slice(0, colon).trim();
    const value = raw.slice(colon + 1).trim();
    if (value === '') continue;
    if (key === 'ProductName') out.productName ??= value;
    else if (key === 'ProductVersion') out.productVersion ??= value;
    else if (key === 'ProductVersionExtra') out.productVersionExtra ??= value;
    else if (key === 'BuildVersion') out.buildVersion ??= value;
  }
  return out;
}

/** Release names by major version (10.x by minor). */
const CODENAMES: Readonly<Record<string, string>> = {
  '10.13': 'High Sierra',
  '10.14': 'Mojave',
  '10.15': 'Catalina',
  '11': 'Big Sur',
  '12': 'Monterey',
  '13': 'Ventura',
  '14': 'Sonoma',
  '15': 'Sequoia',
  '26': 'Tahoe',
};

export function macosCodename(version: string | undefined): string | undefined {
  const m = /^(\d+)(?:\.(\d+))?/.exec(version ?? '');
  if (!m) return undefined;
  const [, major = '', minor = ''] = m;
  return CODENAMES[major === '10' ? `10.${minor}` : major];
}

/**
 * The OS record from sw_vers. `version` carries the security-response letter when one is
 * applied (`13.4.1 (a)`), as About This Mac shows it: it is a different patch level. The
 * build then ends in a letter too (`22F770820d`).
 */
export function osFromSwVers(sw: SwVers): Partial<Os> {
  const os: Partial<Os> = { family: 'macos', name: 'macOS' };
  if (sw.productVersion) {
    os.version = sw.productVersionExtra ? `${sw.productVersion} ${sw.productVersionExtra}` : sw.productVersion;
    const codename = macosCodename(sw.productVersion);
    if (codename) os.codename = codename;
  }
  if (sw.buildVersion) os.build = sw.buildVersion;
  return os;
}

/**
 * `sysctl -n kern.boottime` prints `{ sec = 1717400000, usec = 123456 } Mon Jun  3 07:33:20 2024`.
 * The seconds are exact, so the boot time is the same on every inventory (an uptime-based
 * estimate would drift by a second and change the section hash).
 */
export function parseBootTime(text: string): string | undefined {
  const sec = /\{\s*sec\s*=\s*(\d+)/.exec(text)?.[1];
  if (!sec || Number(sec) <= 0) return undefined;
  return new Date(Number(sec) * 1000).toISOString();
}
