import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import type { Battery, Disk, Gpu, Hardware, MemoryModule, NetworkInterface } from '@stocktake/shared/core';
import { cached } from '../cache.ts';
import { diskWear } from '../disk-wear/index.ts';
import { compact } from '../hardware/parse.ts';
import type { CollectContext, Collector } from '../types.ts';
import {
  batteryFromUevent,
  type DmiId,
  diskFromSysfs,
  isPhysicalDiskName,
  nicFromSysfs,
  parseCpuinfo,
  parseDmidecodeMemory,
  parseMeminfo,
  pciName,
  systemFromDmi,
} from './parse.ts';

const DMI_FILES = [
  'sys_vendor',
  'product_name',
  'product_version',
  'product_serial',
  'product_uuid',
  'product_sku',
  'chassis_type',
  'bios_vendor',
  'bios_version',
  'bios_date',
];
const PCI_IDS = ['/usr/share/misc/pci.ids', '/usr/share/hwdata/pci.ids'];

/** Reads a sysfs attribute, or undefined when it is absent or unreadable (serials need root). */
async function attr(ctx: CollectContext, path: string): Promise<string | undefined> {
  try {
    return (await ctx.readFile(join(ctx.root, path))).trim();
  } catch {
    return undefined;
  }
}

async function pciIds(ctx: CollectContext): Promise<Buffer | undefined> {
  for (const path of PCI_IDS) {
    try {
      return await ctx.readBytes(join(ctx.root, path));
    } catch {
      // try the next location
    }
  }
  return undefined;
}

async function dmi(ctx: CollectContext): Promise<DmiId> {
  const values = await Promise.all(DMI_FILES.map((f) => attr(ctx, `/sys/class/dmi/id/${f}`)));
  return Object.fromEntries(DMI_FILES.map((f, i) => [f, values[i]]));
}

async function disks(ctx: CollectContext, ids: () => Promise<Buffer | undefined>): Promise<Disk[]> {
  const names = (await ctx.listDir(join(ctx.root, '/sys/block'))).filter(isPhysicalDiskName);
  const out = await Promise.all(
    names.map(async (name) => {
      const base = `/sys/block/${name}`;
      const [devicePath, sizeSectors, rotational, removable, model, vendor, serial, deviceSerial] = await Promise.all([
        ctx.readLink(join(ctx.root, base)),
        attr(ctx, `${base}/size`),
        attr(ctx, `${base}/queue/rotational`),
        attr(ctx, `${base}/removable`),
        attr(ctx, `${base}/device/model`),
        attr(ctx, `${base}/device/vendor`),
        attr(ctx, `${base}/serial`),
        attr(ctx, `${base}/device/serial`),
      ]);
      let pciVendorName: string | undefined;
      if (vendor && /^0x[0-9a-f]{4}$/i.test(vendor)) {
        const db = await ids();
        pciVendorName = db ? pciName(db, vendor).vendor : undefined;
      }
      return diskFromSysfs({
        name,
        ...compact({
          devicePath,
          sizeSectors,
          rotational,
          removable,
          model,
          vendor,
          serial: serial ?? deviceSerial,
          pciVendorName,
        }),
      });
    }),
  );
  const found = out.filter((d): d is Disk => d !== undefined);
  const wear = await diskWear(ctx, found);
  return found.map((d) => {
    const wearPercent = d.name === undefined ? undefined : wear.get(d.name);
    return wearPercent === undefined ? d : { ...d, wearPercent };
  });
}

async function nics(ctx: CollectContext): Promise<NetworkInterface[]> {
  const addresses = networkInterfaces();
  const names = await ctx.listDir(join(ctx.root, '/sys/class/net'));
  const out = await Promise.all(
    names.map(async (name) => {
      const base = `/sys/class/net/${name}`;
      const [devicePath, address, speed] = await Promise.all([
        ctx.readLink(join(ctx.root, base)),
        attr(ctx, `${base}/address`),
        attr(ctx, `${base}/speed`),
      ]);
      const addrs = addresses[name] ?? [];
      return nicFromSysfs({
        name,
        ...compact({ devicePath, address, speed }),
        ipv4: addrs.filter((a) => a.family === 'IPv4').map((a) => a.address),
        ipv6: addrs.filter((a) => a.family === 'IPv6').map((a) => a.address),
      });
    }),
  );
  return out.filter((n): n is NetworkInterface => n !== undefined);
}

async function gpus(ctx: CollectContext, ids: () => Promise<Buffer | undefined>): Promise<Gpu[]> {
  const slots = await ctx.listDir(join(ctx.root, '/sys/bus/pci/devices'));
  const out: Gpu[] = [];
  for (const slot of slots) {
    const base = `/sys/bus/pci/devices/${slot}`;
    const cls = await attr(ctx, `${base}/class`);
    // PCI class 0x03xxxx: display controllers.
    if (!cls?.startsWith('0x03')) continue;
    const [vendor, device] = await Promise.all([attr(ctx, `${base}/vendor`), attr(ctx, `${base}/device`)]);
    if (!vendor) continue;
    const db = await ids();
    const names = db ? pciName(db, vendor, device) : {};
    out.push(compact<Gpu>({ vendor: names.vendor ?? vendor, model: names.device ?? device }));
  }
  return out;
}

async function batteries(ctx: CollectContext): Promise<Battery[]> {
  const names = await ctx.listDir(join(ctx.root, '/sys/class/power_supply'));
  const out: Battery[] = [];
  for (const name of names) {
    const uevent = await attr(ctx, `/sys/class/power_supply/${name}/uevent`);
    const battery = uevent ? batteryFromUevent(uevent) : undefined;
    if (battery) out.push(battery);
  }
  return out;
}

const DMIDECODE = ['/usr/sbin/dmidecode', '/sbin/dmidecode', '/usr/bin/dmidecode'];

/**
 * Memory modules need the SMBIOS table, which only root may read; dmidecode decodes it.
 * Modules change only across a reboot, so the answer is cached per boot (btime in
 * /proc/stat changes at every boot) instead of spawning dmidecode on every run.
 */
async function memoryModules(ctx: CollectContext, procStat: string | undefined): Promise<MemoryModule[] | undefined> {
  if (typeof process.getuid === 'function' && process.getuid() !== 0 && ctx.root === '/') return undefined;
  let path: string | undefined;
  for (const candidate of DMIDECODE) {
    if (await ctx.exists(join(ctx.root, candidate))) {
      path = candidate;
      break;
    }
  }
  if (!path) return undefined;
  const dmidecode = path;
  const boot = /^btime\s+(\d+)$/m.exec(procStat ?? '')?.[1];
  const compute = async (): Promise<MemoryModule[]> => {
    try {
      const { stdout } = await ctx.run(dmidecode, ['-t', '17'], { timeoutMs: Math.min(ctx.timeoutMs, 10_000) });
      return parseDmidecodeMemory(stdout);
    } catch (err) {
      ctx.log.debug({ err }, 'dmidecode unavailable');
      return [];
    }
  };
  const modules = boot ? await cached(ctx, 'memory-modules', `${boot}:${dmidecode}`, compute) : await compute();
  return modules.length > 0 ? modules : undefined;
}

/**
 * Linux hardware straight from sysfs and procfs: no helper processes except dmidecode for
 * memory modules and smartctl for solid-state disks' wear, which sysfs does not describe.
 */
export const linuxHardwareCollector: Collector<'hardware'> = {
  name: 'linux-hardware',
  section: 'hardware',
  platforms: ['linux'],
  detect: async (ctx) => ctx.exists(join(ctx.root, '/proc/cpuinfo')),
  async collect(ctx) {
    let idsText: Promise<Buffer | undefined> | undefined;
    const ids = () => {
      idsText ??= pciIds(ctx);
      return idsText;
    };
    const procStat = await attr(ctx, '/proc/stat');
    const [dmiId, cpuinfo, meminfo, diskList, nicList, gpuList, batteryList, modules] = await Promise.all([
      dmi(ctx),
      attr(ctx, '/proc/cpuinfo'),
      attr(ctx, '/proc/meminfo'),
      disks(ctx, ids),
      nics(ctx),
      gpus(ctx, ids),
      batteries(ctx),
      memoryModules(ctx, procStat),
    ]);
    const { hypervisor, ...cpu } = parseCpuinfo(cpuinfo ?? '');
    const { system, bios } = systemFromDmi(dmiId, hypervisor);
    const hw: Hardware = {
      system,
      bios: Object.keys(bios).length ? bios : undefined,
      cpu: Object.keys(cpu).length ? cpu : undefined,
      memory: compact({ totalBytes: parseMeminfo(meminfo ?? ''), modules }),
      disks: diskList.length ? diskList : undefined,
      nics: nicList.length ? nicList : undefined,
      gpus: gpuList.length ? gpuList : undefined,
      batteries: batteryList.length ? batteryList : undefined,
    };
    return compact(hw);
  },
};
