import {
  type Battery,
  cleanString,
  type Disk,
  type Gpu,
  type Hardware,
  type MemoryModule,
  type Monitor,
  type NetworkInterface,
  normalizeMac,
} from '@stocktake/shared/core';
import type { Systeminformation as SI } from 'systeminformation';
import { wearFromSmartctlDocument } from '../disk-wear/parse.ts';

/** The systeminformation results the hardware section is built from. */
export interface SystemInformationHardware {
  system: SI.SystemData;
  bios: SI.BiosData;
  chassis: SI.ChassisData;
  cpu: SI.CpuData;
  mem: Pick<SI.MemData, 'total'>;
  memLayout: SI.MemLayoutData[];
  disk: SI.DiskLayoutData[];
  nets: SI.NetworkInterfacesData[];
  gfx: SI.GraphicsData;
  bat: SI.BatteryData;
  uuid: Pick<SI.UuidData, 'hardware'>;
}

// Placeholders firmware and systeminformation use for "unknown"; reporting them as
// values would make every such machine look alike.
const PLACEHOLDERS = new Set([
  '-',
  'unknown',
  'n/a',
  'na',
  'none',
  'not specified',
  'not available',
  'to be filled by o.e.m.',
  'to be filled by oem',
  'default string',
  'system serial number',
  'system product name',
  'system manufacturer',
  'system version',
  'chassis serial number',
  'o.e.m.',
  '0',
  '00000000',
  '0123456789',
]);

export function text(raw: string | null | undefined): string | undefined {
  const s = cleanString(raw);
  if (s === undefined || PLACEHOLDERS.has(s.toLowerCase())) return undefined;
  return s;
}

/** Positive integer or undefined: 0, -1, NaN and null all mean "not reported". */
export function count(raw: number | null | undefined): number | undefined {
  if (raw === null || raw === undefined || !Number.isFinite(raw) || raw <= 0) return undefined;
  return Math.round(raw);
}

export function hardwareUuid(raw: string | null | undefined): string | undefined {
  const s = text(raw)?.toLowerCase();
  if (!s) return undefined;
  // All-zero and all-F UUIDs are firmware defaults shared by many machines.
  const hex = s.replace(/-/g, '');
  if (/^0+$/.test(hex) || /^f+$/.test(hex)) return undefined;
  return s;
}

/** Drops undefined members so the JSON carries only what the machine told us. */
export function compact<T extends object>(obj: T): T {
  for (const key of Object.keys(obj) as (keyof T)[]) {
    if (obj[key] === undefined) delete obj[key];
  }
  return obj;
}

function isoDate(raw: string | undefined): string | undefined {
  const s = text(raw);
  if (!s) return undefined;
  // Firmware dates come as MM/DD/YYYY from DMI and YYYY-MM-DD from systeminformation.
  const us = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(s);
  if (us) return `${us[3]}-${us[1]}-${us[2]}`;
  return s;
}

function memoryModules(layout: SI.MemLayoutData[]): MemoryModule[] | undefined {
  const modules = layout
    .map((m) =>
      compact<MemoryModule>({
        slot: text(m.bank),
        sizeBytes: count(m.size),
        type: text(m.type),
        speedMHz: count(m.clockSpeed),
        manufacturer: text(m.manufacturer),
        partNumber: text(m.partNum),
        serial: text(m.serialNum),
      }),
    )
    // Without dmidecode, systeminformation fabricates one module the size of all memory;
    // a module with no slot, type or serial is that fabrication, not a fact.
    .filter((m) => m.slot !== undefined || m.type !== undefined || m.serial !== undefined);
  return modules.length > 0 ? modules : undefined;
}

function disks(list: SI.DiskLayoutData[]): Disk[] | undefined {
  const out = list.map((d) =>
    compact<Disk>({
      name: text(d.device),
      model: text(d.name),
      vendor: text(d.vendor),
      serial: text(d.serialNum),
      sizeBytes: count(d.size),
      type: text(d.type),
      interface: text(d.interfaceType),
      // The whole `smartctl -a -j` document, when smartmontools is installed.
      wearPercent: wearFromSmartctlDocument(d.smartData),
    }),
  );
  return out.length > 0 ? out : undefined;
}

function nics(list: SI.NetworkInterfacesData[]): NetworkInterface[] | undefined {
  const out = list
    .filter((n) => !n.internal)
    .map((n) => {
      const ipv4 = n.ip4 ? [n.ip4] : [];
      const ipv6 = n.ip6 ? [n.ip6] : [];
      return compact<NetworkInterface>({
        name: n.iface,
        mac: normalizeMac(n.mac),
        ipv4: ipv4.length ? ipv4 : undefined,
        ipv6: ipv6.length ? ipv6 : undefined,
        speedMbps: count(n.speed),
        virtual: n.virtual,
      });
    })
    .map((n) => (n.mac === '00:00:00:00:00:00' ? compact({ ...n, mac: undefined }) : n));
  return out.length > 0 ? out : undefined;
}

function gpus(gfx: SI.GraphicsData): Gpu[] | undefined {
  const out = gfx.controllers.map((c) =>
    compact<Gpu>({
      vendor: text(c.vendor),
      model: text(c.model),
      vramBytes: c.vram && c.vram > 0 ? c.vram * 1024 * 1024 : undefined,
    }),
  );
  return out.length > 0 ? out : undefined;
}

function monitors(gfx: SI.GraphicsData): Monitor[] | undefined {
  const out = gfx.displays
    .map((d) => compact<Monitor>({ vendor: text(d.vendor), model: text(d.model), serial: text(d.serial) }))
    .filter((m) => m.vendor !== undefined || m.model !== undefined);
  return out.length > 0 ? out : undefined;
}

function toWh(value: number, unit: string, voltage: number): number | undefined {
  if (!(value > 0)) return undefined;
  if (unit === 'Wh') return value;
  if (unit === 'mWh') return value / 1000;
  if (unit === 'mAh' && voltage > 0) return Math.round(((value * voltage) / 1000) * 100) / 100;
  return undefined;
}

function batteries(bat: SI.BatteryData): Battery[] | undefined {
  if (!bat.hasBattery) return undefined;
  return [
    compact<Battery>({
      manufacturer: text(bat.manufacturer),
      model: text(bat.model),
      serial: text(bat.serial),
      designCapacityWh: toWh(bat.designedCapacity, bat.capacityUnit, bat.voltage),
      fullCapacityWh: toWh(bat.maxCapacity, bat.capacityUnit, bat.voltage),
      cycleCount: count(bat.cycleCount),
    }),
  ];
}

/** Maps systeminformation's answers to the contract, keeping only what the machine reported. */
export function hardwareFromSystemInformation(si: SystemInformationHardware): Hardware {
  const cpuVendor = text(si.cpu.manufacturer);
  const brand = text(si.cpu.brand);
  const cpuModel =
    brand && cpuVendor && !brand.toLowerCase().startsWith(cpuVendor.toLowerCase()) ? `${cpuVendor} ${brand}` : brand;
  const hw: Hardware = {
    system: compact({
      vendor: text(si.system.manufacturer),
      model: text(si.system.model),
      version: text(si.system.version),
      serial: text(si.system.serial),
      uuid: hardwareUuid(si.system.uuid) ?? hardwareUuid(si.uuid.hardware),
      sku: text(si.system.sku),
      chassisType: text(si.chassis.type)?.toLowerCase(),
      virtual: si.system.virtual,
    }),
    bios: compact({
      vendor: text(si.bios.vendor),
      version: text(si.bios.version),
      releaseDate: isoDate(si.bios.releaseDate),
    }),
    cpu: compact({
      vendor: cpuVendor,
      model: cpuModel,
      sockets: count(si.cpu.processors),
      cores: count(si.cpu.physicalCores),
      threads: count(si.cpu.cores),
      speedMHz: si.cpu.speed > 0 ? Math.round(si.cpu.speed * 1000) : undefined,
    }),
    memory: compact({ totalBytes: count(si.mem.total), modules: memoryModules(si.memLayout) }),
    disks: disks(si.disk),
    nics: nics(si.nets),
    gpus: gpus(si.gfx),
    batteries: batteries(si.bat),
    monitors: monitors(si.gfx),
  };
  if (hw.bios && Object.keys(hw.bios).length === 0) delete hw.bios;
  return compact(hw);
}
