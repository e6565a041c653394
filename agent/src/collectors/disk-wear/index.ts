import { join } from 'node:path';
import type { Disk } from '@stocktake/shared/core';
import type { CollectContext } from '../types.ts';
import { wearFromEmmcLifeTime, wearFromSmartctl } from './parse.ts';

const SMARTCTL = ['/usr/sbin/smartctl', '/sbin/smartctl', '/usr/bin/smartctl', '/usr/local/sbin/smartctl'];

/** smartctl's exit status is a bit mask (health warnings included); its JSON says what it could read. */
const ANY_EXIT = Array.from({ length: 256 }, (_, code) => code);

/** Where smartmontools is installed, or undefined (then SMART is not read: wear stays absent). */
async function smartctlPath(ctx: CollectContext): Promise<string | undefined> {
  for (const candidate of SMARTCTL) if (await ctx.exists(join(ctx.root, candidate))) return candidate;
  return undefined;
}

/**
 * The endurance each solid-state disk has used, by disk name: an eMMC's from the kernel
 * (sysfs `device/life_time`), the others' from `smartctl --json -a` when smartmontools is
 * installed and the agent runs as root (SMART commands need it). A disk without a figure, a
 * missing tool or a refused command leaves the disk without `wearPercent`, never an error.
 */
export async function diskWear(ctx: CollectContext, disks: readonly Disk[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  const solidState = disks.filter((d) => d.name && (d.type === 'SSD' || d.type === 'NVMe' || d.interface === 'MMC'));
  if (solidState.length === 0) return out;
  const asRoot = ctx.root !== '/' || typeof process.getuid !== 'function' || process.getuid() === 0;
  const smartctl = asRoot ? await smartctlPath(ctx) : undefined;
  for (const disk of solidState) {
    const name = disk.name as string;
    const wear =
      disk.interface === 'MMC'
        ? await emmcWear(ctx, name)
        : smartctl === undefined
          ? undefined
          : await smartWear(ctx, smartctl, name);
    if (wear !== undefined) out.set(name, wear);
  }
  return out;
}

async function emmcWear(ctx: CollectContext, name: string): Promise<number | undefined> {
  try {
    return wearFromEmmcLifeTime(await ctx.readFile(join(ctx.root, `/sys/block/${name}/device/life_time`)));
  } catch {
    return undefined; // older kernels and SD cards have no life_time
  }
}

async function smartWear(ctx: CollectContext, smartctl: string, name: string): Promise<number | undefined> {
  if (!/^[A-Za-z0-9_-]+$/.test(name)) return undefined;
  try {
    const { stdout } = await ctx.run(smartctl, ['--json', '-a', `/dev/${name}`], {
      timeoutMs: Math.min(ctx.timeoutMs, 15_000),
      maxOutputBytes: 4 * 1024 * 1024,
      okExitCodes: ANY_EXIT,
    });
    return wearFromSmartctl(stdout);
  } catch (err) {
    ctx.log.debug({ err, disk: name }, 'smartctl gave no wear figure');
    return undefined;
  }
}
