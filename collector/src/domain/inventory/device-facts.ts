import type { Hardware, Os, Users } from '@stocktake/shared';

/**
 * The addresses a device is reachable at, sorted: IPv4 and IPv6 of physical interfaces.
 * Link-local addresses (169.254/16, fe80::/10) and virtual interfaces (container bridges,
 * VPN tunnels) change all the time without the device moving, so they do not count.
 */
export function ipAddresses(hw: Hardware | undefined | null): string[] {
  const out = new Set<string>();
  for (const nic of hw?.nics ?? []) {
    if (nic.virtual === true) continue;
    for (const ip of nic.ipv4 ?? []) if (!ip.startsWith('169.254.') && !ip.startsWith('127.')) out.add(ip);
    for (const ip of nic.ipv6 ?? []) {
      const lower = ip.toLowerCase();
      if (!/^fe[89ab]/.test(lower) && lower !== '::1') out.add(lower);
    }
  }
  return [...out].sort();
}

/**
 * Who uses the device: the last user to log in where the OS records it, else the first of the
 * users logged in now. Undefined when nobody is or was logged in: an empty session list says
 * nothing about who the user is, so it never reads as "the user changed to nobody".
 */
export function primaryUser(users: Users | undefined | null): string | undefined {
  if (!users) return undefined;
  if (users.lastLoggedIn?.user) return users.lastLoggedIn.user;
  const names = [...new Set(users.loggedIn.map((s) => s.user))].sort();
  return names[0];
}

export interface OsVersion {
  name: string;
  version?: string;
  build?: string;
  kernel?: string;
}

/** The parts of the OS section whose change is an upgrade (or a reinstall with another OS). */
export function osVersion(os: Os | undefined | null): OsVersion | undefined {
  if (!os) return undefined;
  return {
    name: os.name,
    ...(os.version ? { version: os.version } : {}),
    ...(os.build ? { build: os.build } : {}),
    ...(os.kernel ? { kernel: os.kernel } : {}),
  };
}

export function sameOsVersion(a: OsVersion | undefined, b: OsVersion | undefined): boolean {
  return a?.name === b?.name && a?.version === b?.version && a?.build === b?.build && a?.kernel === b?.kernel;
}

export function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}
