import {
  type Battery,
  type Cpu,
  cleanString,
  type Disk,
  type MemoryModule,
  type NetworkInterface,
  normalizeMac,
} from '@stocktake/shared/core';
import { compact, count, hardwareUuid, text } from '../hardware/parse.ts';

/** SMBIOS chassis types (DMTF DSP0134, 7.4.1) that say something; "Other"/"Unknown" say nothing. */
const CHASSIS_TYPES: Record<number, string> = {
  3: 'desktop',
  4: 'low profile desktop',
  5: 'pizza box',
  6: 'mini tower',
  7: 'tower',
  8: 'portable',
  9: 'laptop',
  10: 'notebook',
  11: 'hand held',
  12: 'docking station',
  13: 'all in one',
  14: 'sub notebook',
  15: 'space-saving',
  16: 'lunch box',
  17: 'main server chassis',
  18: 'expansion chassis',
  19: 'sub chassis',
  20: 'bus expansion chassis',
  21: 'peripheral chassis',
  22: 'raid chassis',
  23: 'rack mount chassis',
  24: 'sealed-case pc',
  25: 'multi-system chassis',
  26: 'compact pci',
  27: 'advanced tca',
  28: 'blade',
  29: 'blade enclosure',
  30: 'tablet',
  31: 'convertible',
  32: 'detachable',
  33: 'iot gateway',
  34: 'embedded pc',
  35: 'mini pc',
  36: 'stick pc',
};

export function chassisTypeName(raw: string | undefined): string | undefined {
  const n = Number.parseInt(raw ?? '', 10);
  return CHASSIS_TYPES[n];
}

/** `/sys/class/dmi/id/*` file contents by file name (product_serial and product_uuid need root). */
export type DmiId = Partial<Record<string, string>>;

const VM_PRODUCTS = /\b(kvm|qemu|vmware|virtualbox|virtual machine|hvm domu|bochs|parallels|standard pc)\b/i;

export function systemFromDmi(dmi: DmiId, hypervisorFlag: boolean) {
  const model = text(dmi.product_name);
  const vendor = text(dmi.sys_vendor);
  return {
    system: compact({
      vendor,
      model,
      version: text(dmi.product_version),
      serial: text(dmi.product_serial),
      uuid: hardwareUuid(dmi.product_uuid),
      sku: text(dmi.product_sku),
      chassisType: chassisTypeName(dmi.chassis_type),
      virtual: hypervisorFlag || VM_PRODUCTS.test(`${vendor ?? ''} ${model ?? ''}`),
    }),
    bios: compact({
      vendor: text(dmi.bios_vendor),
      version: text(dmi.bios_version),
      releaseDate: dmiDate(dmi.bios_date),
    }),
  };
}

/** DMI dates are MM/DD/YYYY. */
export function dmiDate(raw: string | undefined): string | undefined {
  const s = text(raw);
  if (!s) return undefined;
  const m = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(s);
  return m ? `${m[3]}-${m[1]}-${m[2]}` : s;
}

export interface CpuInfo extends Cpu {
  hypervisor: boolean;
}

/** `/proc/cpuinfo` on x86 and ARM: counts from physical id / core id, model from the first processor. */
export function parseCpuinfo(textIn: string): CpuInfo {
  const sockets = new Set<string>();
  const cores = new Set<string>();
  let threads = 0;
  let model: string | undefined;
  let vendor: string | undefined;
  let mhz: number | undefined;
  let hypervisor = false;
  let physical = '0';
  for (const line of textIn.split('\n')) {
    const idx = line.indexOf(':');
    if (idx < 0) continue;
    const key = line.slice(0, idx).trim();
    const value = line.slice(idx + 1).trim();
    switch (key) {
      case 'processor':
        threads++;
        physical = '0';
        break;
      case 'physical id':
        physical = value;
        sockets.add(value);
        break;
      case 'core id':
        cores.add(`${physical}:${value}`);
        break;
      case 'model name':
      case 'Processor':
        model ??= cleanString(value.replace(/\((R|TM|tm|r)\)/g, ''));
        break;
      case 'vendor_id':
      case 'CPU implementer':
        vendor ??= cpuVendor(value);
        break;
      case 'cpu MHz':
        mhz ??= Number.parseFloat(value);
        break;
      case 'flags':
      case 'Features':
        if (/\bhypervisor\b/.test(value)) hypervisor = true;
        break;
    }
  }
  return {
    ...compact<Cpu>({
      vendor,
      model,
      sockets: sockets.size || (threads > 0 ? 1 : undefined),
      cores: cores.size || undefined,
      threads: threads || undefined,
      speedMHz: count(mhz),
    }),
    hypervisor,
  };
}

function cpuVendor(raw: string): string | undefined {
  switch (raw) {
    case 'GenuineIntel':
      return 'Intel';
    case 'AuthenticAMD':
      return 'AMD';
    case '0x41':
      return 'ARM';
    case '0x61':
      return 'Apple';
    case '0x51':
      return 'Qualcomm';
    default:
      return text(raw);
  }
}

export function parseMeminfo(textIn: string): number | undefined {
  const m = /^MemTotal:\s+(\d+)\s+kB/m.exec(textIn);
  return m ? Number(m[1]) * 1024 : undefined;
}

const SIZE_UNITS: Record<string, number> = { kB: 1024, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3, TB: 1024 ** 4 };

/** `dmidecode -t 17` (Memory Device) records; empty slots are skipped. */
export function parseDmidecodeMemory(textIn: string): MemoryModule[] {
  const modules: MemoryModule[] = [];
  for (const block of textIn.split(/\n(?=Handle )/)) {
    if (!/\nMemory Device\s*\n/.test(block)) continue;
    const fields = new Map<string, string>();
    for (const line of block.split('\n')) {
      const m = /^\t([^\t:][^:]*):\s*(.*)$/.exec(line);
      if (m?.[1] && m[2] !== undefined) fields.set(m[1].trim(), m[2].trim());
    }
    const size = /^(\d+)\s*(kB|KB|MB|GB|TB)$/.exec(fields.get('Size') ?? '');
    if (!size?.[1] || !size[2]) continue; // "No Module Installed", "Unknown"
    const speed = /^(\d+)\s*(MT\/s|MHz)$/.exec(
      fields.get('Configured Memory Speed') ?? fields.get('Configured Clock Speed') ?? fields.get('Speed') ?? '',
    );
    const type = text(fields.get('Type'));
    modules.push(
      compact<MemoryModule>({
        slot: text(fields.get('Locator')) ?? text(fields.get('Bank Locator')),
        sizeBytes: Number(size[1]) * (SIZE_UNITS[size[2]] ?? 1),
        type: type && type !== 'Other' ? type : undefined,
        speedMHz: speed?.[1] ? count(Number(speed[1])) : undefined,
        manufacturer: moduleText(fields.get('Manufacturer')),
        partNumber: moduleText(fields.get('Part Number')),
        serial: moduleText(fields.get('Serial Number')),
      }),
    );
  }
  return modules;
}

/** SPD fields come padded, or as JEDEC placeholders when the module does not fill them. */
function moduleText(raw: string | undefined): string | undefined {
  const s = text(raw);
  if (
    !s ||
    /^(unknown|not specified|none|0+|f+|manufacturer\d*|partnum\d*|sernum\d*|assettagnum\d*|\[empty\])$/i.test(s)
  )
    return undefined;
  return s;
}

/** What sysfs says about one block device under /sys/block/<name>. */
export interface BlockDeviceFacts {
  name: string;
  /** Target of the /sys/block/<name> link: the bus path tells the interface. */
  devicePath?: string;
  sizeSectors?: string;
  rotational?: string;
  removable?: string;
  model?: string;
  vendor?: string;
  serial?: string;
  /** Resolved PCI vendor name for virtio devices, whose vendor file holds an id. */
  pciVendorName?: string;
}

/** Kernel devices that are not disks: loop, RAM and compressed-RAM devices, device-mapper, md and optical. */
export function isPhysicalDiskName(name: string): boolean {
  return !/^(loop|ram|zram|dm-|md|sr|fd|nbd|rbd)\d*/.test(name);
}

export function diskFromSysfs(f: BlockDeviceFacts): Disk | undefined {
  const sectors = Number(f.sizeSectors);
  if (!(sectors > 0)) return undefined; // empty card reader slots, ejected media
  const path = f.devicePath ?? '';
  const iface = /\/nvme\//.test(path)
    ? 'NVMe'
    : /\/virtio\d+\//.test(path)
      ? 'virtio'
      : /\/usb\d*\//.test(path)
        ? 'USB'
        : /\/ata\d+\//.test(path)
          ? 'SATA'
          : /\/(host\d+|target\d+)\//.test(path)
            ? 'SCSI'
            : /\/mmc/.test(path)
              ? 'MMC'
              : undefined;
  const type =
    iface === 'NVMe'
      ? 'NVMe'
      : iface === 'virtio'
        ? 'virtual'
        : f.rotational === '0'
          ? 'SSD'
          : f.rotational === '1'
            ? 'HDD'
            : undefined;
  const rawVendor = text(f.vendor);
  return compact<Disk>({
    name: f.name,
    model: text(f.model),
    vendor: rawVendor && /^0x[0-9a-f]{4}$/i.test(rawVendor) ? f.pciVendorName : rawVendor,
    serial: text(f.serial),
    // The kernel counts block devices in 512-byte sectors whatever the physical sector size.
    sizeBytes: sectors * 512,
    type,
    interface: iface,
  });
}

/**
 * Name of a PCI vendor (and device) from the pci.ids database, searched as bytes: the file
 * is over a megabyte and only one or two of its lines are wanted.
 */
export function pciName(ids: Buffer, vendorId: string, deviceId?: string): { vendor?: string; device?: string } {
  const vendor = vendorId.replace(/^0x/i, '').toLowerCase();
  const needle = `${vendor}  `;
  const atStart = ids.toString('latin1', 0, needle.length) === needle;
  const found = atStart ? 0 : ids.indexOf(`\n${needle}`);
  if (found < 0) return {};
  const at = atStart ? 0 : found + 1;
  const lineEnd = endOfLine(ids, at);
  const vendorName = ids.toString('utf8', at + vendor.length + 2, lineEnd).trim();
  if (!deviceId) return { vendor: vendorName };
  const device = deviceId.replace(/^0x/i, '').toLowerCase();
  // Device lines follow their vendor, indented by one tab, until the next unindented line.
  let pos = lineEnd + 1;
  while (pos < ids.length) {
    const end = endOfLine(ids, pos);
    const c = ids[pos];
    if (c !== 0x09 && c !== 0x23 && end > pos) break; // next vendor
    if (
      c === 0x09 &&
      ids[pos + 1] !== 0x09 &&
      ids.toString('latin1', pos + 1, pos + 1 + device.length + 2) === `${device}  `
    ) {
      return { vendor: vendorName, device: ids.toString('utf8', pos + device.length + 3, end).trim() };
    }
    pos = end + 1;
  }
  return { vendor: vendorName };
}

function endOfLine(buf: Buffer, from: number): number {
  const end = buf.indexOf(0x0a, from);
  return end < 0 ? buf.length : end;
}

export interface NicFacts {
  name: string;
  /** Target of /sys/class/net/<name>: software interfaces live under /devices/virtual/. */
  devicePath?: string;
  address?: string;
  speed?: string;
  ipv4: string[];
  ipv6: string[];
}

export function nicFromSysfs(f: NicFacts): NetworkInterface | undefined {
  if (f.name === 'lo') return undefined;
  const mac = normalizeMac(f.address);
  const speed = Number.parseInt(f.speed ?? '', 10);
  return compact<NetworkInterface>({
    name: f.name,
    mac: mac && mac !== '00:00:00:00:00:00' ? mac : undefined,
    ipv4: f.ipv4.length ? f.ipv4 : undefined,
    ipv6: f.ipv6.length ? f.ipv6 : undefined,
    speedMbps: speed > 0 ? speed : undefined,
    virtual: (f.devicePath ?? '').includes('/devices/virtual/'),
  });
}

/** `/sys/class/power_supply/<name>/uevent` (KEY=VALUE lines); undefined unless it is a battery. */
export function batteryFromUevent(textIn: string): Battery | undefined {
  const v = new Map<string, string>();
  for (const line of textIn.split('\n')) {
    const idx = line.indexOf('=');
    if (idx > 0) v.set(line.slice(0, idx).replace(/^POWER_SUPPLY_/, ''), line.slice(idx + 1).trim());
  }
  if (v.get('TYPE') !== 'Battery') return undefined;
  // Peripheral batteries (mice, keyboards) report SCOPE=Device; the laptop's own has none or System.
  if (v.get('SCOPE') === 'Device') return undefined;
  const num = (key: string) => {
    const n = Number(v.get(key));
    return Number.isFinite(n) && n > 0 ? n : undefined;
  };
  // Energy in µWh; or charge in µAh, converted with the design voltage (µV).
  const voltage = num('VOLTAGE_MIN_DESIGN');
  const wh = (energy: string, charge: string) => {
    const e = num(energy);
    if (e !== undefined) return Math.round(e / 10_000) / 100;
    const c = num(charge);
    if (c !== undefined && voltage !== undefined) return Math.round((c * voltage) / 1e10) / 100;
    return undefined;
  };
  return compact<Battery>({
    manufacturer: text(v.get('MANUFACTURER')),
    model: text(v.get('MODEL_NAME')),
    serial: text(v.get('SERIAL_NUMBER')),
    designCapacityWh: wh('ENERGY_FULL_DESIGN', 'CHARGE_FULL_DESIGN'),
    fullCapacityWh: wh('ENERGY_FULL', 'CHARGE_FULL'),
    cycleCount: count(num('CYCLE_COUNT')),
  });
}
