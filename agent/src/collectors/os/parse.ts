import type { Os, OsFamily } from '@stocktake/shared/core';
import type { Systeminformation as SI } from 'systeminformation';
import { compact, text } from '../hardware/parse.ts';

export function osFamily(platform: string): OsFamily {
  switch (platform) {
    case 'linux':
      return 'linux';
    case 'win32':
    case 'windows':
      return 'windows';
    case 'darwin':
      return 'macos';
    default:
      return 'other';
  }
}

const ARCH: Record<string, string> = { x64: 'x86_64', arm64: 'aarch64', ia32: 'x86', arm: 'arm' };

/** Maps systeminformation's osInfo plus uptime (seconds) at `now` to the contract. */
export function osFromSystemInformation(info: SI.OsData, uptimeSeconds: number, now: Date): Os {
  const family = osFamily(info.platform);
  const bootMs = uptimeSeconds > 0 ? now.getTime() - uptimeSeconds * 1000 : undefined;
  const hostname = text(info.hostname) ?? 'unknown';
  const fqdn = text(info.fqdn);
  return compact<Os>({
    family,
    name: text(info.distro) ?? info.platform,
    version: text(info.release),
    codename: text(info.codename),
    build: text(info.build),
    kernel: text(info.kernel),
    arch: ARCH[info.arch] ?? text(info.arch),
    // Rounded to the minute: uptime is read at a slightly different instant every run and
    // a boot time that jitters by a second would look like a change.
    lastBoot: bootMs === undefined ? undefined : new Date(Math.round(bootMs / 60_000) * 60_000).toISOString(),
    hostname,
    fqdn: fqdn && fqdn !== hostname ? fqdn : undefined,
  });
}
