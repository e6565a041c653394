import type { Os } from '@stocktake/shared/core';
import { compact, text } from '../hardware/parse.ts';

/** os-release(5): KEY=value lines, values optionally quoted with shell escapes. */
export function parseOsRelease(textIn: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of textIn.split('\n')) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (!m?.[1] || m[2] === undefined) continue;
    let value = m[2].trim();
    const quote = value[0];
    if ((quote === '"' || quote === "'") && value.endsWith(quote) && value.length >= 2) {
      value = value.slice(1, -1);
      if (quote === '"') value = value.replace(/\\(["\\$`])/g, '$1');
    }
    out[m[1]] = value;
  }
  return out;
}

/**
 * The most precise version the distribution tells: Debian's point release lives in
 * /etc/debian_version (12 -> 12.11), Ubuntu's in VERSION ("22.04.4 LTS (Jammy Jellyfish)").
 */
export function preciseVersion(release: Record<string, string>, debianVersion?: string): string | undefined {
  const id = text(release.VERSION_ID);
  const deb = text(debianVersion);
  if (id && deb && /^\d+(\.\d+)+$/.test(deb) && deb.split('.')[0] === id.split('.')[0]) return deb;
  const fromVersion = /^(\d+(?:\.\d+)+)/.exec(release.VERSION ?? '')?.[1];
  if (id && fromVersion?.startsWith(id)) return fromVersion;
  return id;
}

/** Boot time from /proc/stat's btime (seconds since the epoch): exact, unlike uptime arithmetic. */
export function bootTime(procStat: string): string | undefined {
  const m = /^btime\s+(\d+)$/m.exec(procStat);
  return m?.[1] ? new Date(Number(m[1]) * 1000).toISOString() : undefined;
}

/** The directory domain from sssd.conf (`domains = ...`) or krb5.conf (`default_realm = ...`). */
export function directoryDomain(sssdConf?: string, krb5Conf?: string): string | undefined {
  const sssd = /^\s*domains\s*=\s*([^,\s]+)/m.exec(sssdConf ?? '')?.[1];
  if (sssd) return sssd;
  return /^\s*default_realm\s*=\s*(\S+)/m.exec(krb5Conf ?? '')?.[1];
}

/**
 * The FQDN `hostname -f` would print when /etc/hosts holds it: the first name of the line
 * that lists this host. Asking DNS instead would cost a resolver round trip on every run
 * and can stall on a laptop that is offline.
 */
export function fqdnFromHosts(hosts: string, hostname: string): string | undefined {
  const short = hostname.split('.')[0]?.toLowerCase();
  for (const raw of hosts.split('\n')) {
    const names = raw.replace(/#.*/, '').trim().split(/\s+/).slice(1);
    if (!names.some((n) => n.toLowerCase() === hostname.toLowerCase() || n.toLowerCase() === short)) continue;
    const canonical = names[0];
    if (canonical?.includes('.') && canonical.toLowerCase().startsWith(`${short}.`)) return canonical;
  }
  return hostname.includes('.') ? hostname : undefined;
}

const ARCH: Record<string, string> = { x64: 'x86_64', arm64: 'aarch64', ia32: 'x86' };

export interface LinuxOsFacts {
  osRelease: string;
  debianVersion?: string;
  procStat?: string;
  hostname: string;
  fqdn?: string;
  kernel: string;
  machine: string;
  installDate?: Date;
  sssdConf?: string;
  krb5Conf?: string;
}

export function linuxOs(f: LinuxOsFacts): Os {
  const release = parseOsRelease(f.osRelease);
  const fqdn = text(f.fqdn);
  return compact<Os>({
    family: 'linux',
    name: text(release.NAME) ?? 'Linux',
    version: preciseVersion(release, f.debianVersion),
    codename: text(release.VERSION_CODENAME),
    build: text(release.BUILD_ID),
    kernel: text(f.kernel),
    arch: ARCH[f.machine] ?? text(f.machine),
    installDate: f.installDate && f.installDate.getTime() > 0 ? f.installDate.toISOString() : undefined,
    lastBoot: f.procStat ? bootTime(f.procStat) : undefined,
    hostname: f.hostname,
    fqdn: fqdn?.includes('.') ? fqdn : undefined,
    domain: directoryDomain(f.sssdConf, f.krb5Conf),
  });
}
