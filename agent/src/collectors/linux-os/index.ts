import { stat } from 'node:fs/promises';
import { hostname, machine, release } from 'node:os';
import { join } from 'node:path';
import type { CollectContext, Collector } from '../types.ts';
import { fqdnFromHosts, linuxOs } from './parse.ts';

async function optional(ctx: CollectContext, path: string): Promise<string | undefined> {
  try {
    return await ctx.readFile(join(ctx.root, path));
  } catch {
    return undefined;
  }
}

/** The root filesystem's birth time is when the OS was installed (ext4, xfs and btrfs record it). */
async function rootBirth(ctx: CollectContext): Promise<Date | undefined> {
  try {
    return (await stat(ctx.root)).birthtime;
  } catch {
    return undefined;
  }
}

export const linuxOsCollector: Collector<'os'> = {
  name: 'linux-os',
  section: 'os',
  platforms: ['linux'],
  detect: async (ctx) =>
    (await ctx.exists(join(ctx.root, '/etc/os-release'))) || ctx.exists(join(ctx.root, '/usr/lib/os-release')),
  async collect(ctx) {
    const name = hostname();
    const [osRelease, usrOsRelease, debianVersion, procStat, sssdConf, krb5Conf, hosts, installDate] =
      await Promise.all([
        optional(ctx, '/etc/os-release'),
        optional(ctx, '/usr/lib/os-release'),
        optional(ctx, '/etc/debian_version'),
        optional(ctx, '/proc/stat'),
        optional(ctx, '/etc/sssd/sssd.conf'),
        optional(ctx, '/etc/krb5.conf'),
        optional(ctx, '/etc/hosts'),
        rootBirth(ctx),
      ]);
    const releaseText = osRelease ?? usrOsRelease;
    if (!releaseText) throw new Error('neither /etc/os-release nor /usr/lib/os-release is readable');
    return linuxOs({
      osRelease: releaseText,
      hostname: name,
      kernel: release(),
      machine: machine(),
      ...(debianVersion ? { debianVersion } : {}),
      ...(procStat ? { procStat } : {}),
      ...(hosts ? { fqdn: fqdnFromHosts(hosts, name) } : {}),
      ...(installDate ? { installDate } : {}),
      ...(sssdConf ? { sssdConf } : {}),
      ...(krb5Conf ? { krb5Conf } : {}),
    });
  },
};
