import {
  type Battery,
  type Bios,
  type Cpu,
  cleanString,
  type Hardware,
  type MemoryModule,
  type SystemInfo,
} from '@stocktake/shared/core';
import {
  binarySizeBytes,
  numberField,
  objectField,
  type ProfilerEntry,
  parseProfilerDocument,
  profilerEntries,
  SYSTEM_PROFILER,
  stringField,
} from './system-profiler.ts';

export const HARDWARE_ARGS: readonly string[] = ['SPHardwareDataType', 'SPMemoryDataType', 'SPPowerDataType', '-json'];

const COMMAND = `${SYSTEM_PROFILER} ${HARDWARE_ARGS.join(' ')}`;
const APPLE = 'Apple Inc.';

/** Values Macs print for "not known" (VMs, replaced logic boards, empty DIMM fields). */
const PLACEHOLDERS: ReadonlySet<string> = new Set([
  '-',
  '0',
  '0x00000000',
  'empty',
  'n/a',
  'not available',
  'not specified',
  'unknown',
]);

/** Model identifiers of virtual Macs: Apple's Virtualization framework, VMware, Parallels. */
const VIRTUAL_MODEL = /^(VirtualMac|VMware|Parallels)/;

/** Marketing names (`machine_name`) to chassis. */
const CHASSIS_BY_NAME: readonly [RegExp, string][] = [
  [/^MacBook/, 'laptop'],
  [/^(iMac|Mac mini|Mac Studio|Mac Pro|eMac|Power Mac)/, 'desktop'],
  [/^Xserve/, 'server'],
];

/** JEDEC manufacturer codes that Intel Macs print instead of a name. */
const JEDEC_MANUFACTURERS: Readonly<Record<string, string>> = {
  '0x802C': 'Micron',
  '0x80AD': 'SK Hynix',
  '0x80CE': 'Samsung',
};

/**
 * Maps `system_profiler SPHardwareDataType SPMemoryDataType SPPowerDataType -json` to the
 * hardware fields it knows: system identity, firmware version, CPU, memory (with modules on
 * Intel Macs, whose DIMMs are listed), batteries. Disks, NICs and GPUs are left to the generic
 * hardware collector. A document without a hardware overview is an error naming the command.
 */
export function parseMacHardware(text: string): Partial<Hardware> {
  const doc = parseProfilerDocument(text, COMMAND);
  const overview = profilerEntries(doc, 'SPHardwareDataType')?.[0];
  if (!overview) throw new Error(`${COMMAND} printed no SPHardwareDataType entry`);

  const hw: Partial<Hardware> = { system: systemInfo(overview) };
  const bios = biosInfo(overview);
  if (bios) hw.bios = bios;
  const cpu = cpuInfo(overview);
  if (cpu) hw.cpu = cpu;
  const memoryEntries = profilerEntries(doc, 'SPMemoryDataType') ?? [];
  const totalBytes =
    binarySizeBytes(stringField(overview, 'physical_memory')) ??
    binarySizeBytes(memoryEntries.map((e) => stringField(e, 'SPMemoryDataType')).find((s) => s !== undefined));
  const modules = memoryModules(memoryEntries);
  if (totalBytes !== undefined || modules.length > 0) {
    hw.memory = {
      ...(totalBytes !== undefined ? { totalBytes } : {}),
      ...(modules.length > 0 ? { modules } : {}),
    };
  }
  const batteries = batteryInfo(profilerEntries(doc, 'SPPowerDataType') ?? []);
  if (batteries.length > 0) hw.batteries = batteries;
  return hw;
}

function systemInfo(overview: ProfilerEntry): SystemInfo {
  const model = known(stringField(overview, 'machine_model'));
  const name = known(stringField(overview, 'machine_name'));
  const system: SystemInfo = {};
  const virtual = model !== undefined && VIRTUAL_MODEL.test(model);
  // Apple builds every Mac and Apple's own virtual Mac; VMware's and Parallels' are theirs.
  if (model && (!virtual || model.startsWith('VirtualMac'))) system.vendor = APPLE;
  if (model) system.model = model;
  const serial = known(stringField(overview, 'serial_number'));
  if (serial) system.serial = serial;
  const uuid = platformUuid(stringField(overview, 'platform_UUID'));
  if (uuid) system.uuid = uuid;
  const sku = known(stringField(overview, 'model_number'));
  if (sku) system.sku = sku;
  const chassis = CHASSIS_BY_NAME.find(([pattern]) => name && pattern.test(name))?.[1];
  if (chassis && !virtual) system.chassisType = chassis;
  if (virtual) system.virtual = true;
  else if (chassis) system.virtual = false;
  return system;
}

function biosInfo(overview: ProfilerEntry): Bios | undefined {
  const version = known(stringField(overview, 'boot_rom_version'));
  return version ? { version } : undefined;
}

/**
 * Apple silicon: `chip_type` and `number_processors` as `proc TOTAL:PERF:EFF[:...]` (a plain
 * number in VMs); no SMT, so threads equal cores. Intel: `cpu_type`, cores in
 * `number_processors`, sockets in `packages`, hyper-threading in `platform_cpu_htt`, clock in
 * `current_processor_speed` (`2,3 GHz` with a decimal comma in some locales).
 */
function cpuInfo(overview: ProfilerEntry): Cpu | undefined {
  const chip = known(stringField(overview, 'chip_type'));
  const cpuType = known(stringField(overview, 'cpu_type'));
  const cores = coreCount(overview.number_processors);
  const cpu: Cpu = {};
  if (chip) {
    cpu.vendor = 'Apple';
    cpu.model = chip;
    if (cores) {
      cpu.cores = cores;
      cpu.threads = cores;
    }
    return cpu;
  }
  if (cpuType) {
    if (/\bIntel\b/.test(cpuType)) cpu.vendor = 'Intel';
    cpu.model = cpuType;
  }
  if (cores) cpu.cores = cores;
  const sockets = positive(numberField(overview, 'packages'));
  if (sockets) cpu.sockets = sockets;
  const htt = stringField(overview, 'platform_cpu_htt');
  if (cores && htt === 'htt_enabled') cpu.threads = cores * 2;
  else if (cores && htt === 'htt_disabled') cpu.threads = cores;
  const speed = clockMHz(stringField(overview, 'current_processor_speed'));
  if (speed) cpu.speedMHz = speed;
  return Object.keys(cpu).length > 0 ? cpu : undefined;
}

function coreCount(raw: unknown): number | undefined {
  if (typeof raw === 'number') return positive(raw);
  if (typeof raw !== 'string') return undefined;
  const m = /^\s*(?:proc\s+)?(\d+)(?::\d+)*\s*$/.exec(raw);
  return m ? positive(Number(m[1])) : undefined;
}

function clockMHz(raw: string | undefined): number | undefined {
  const m = /^(\d+(?:[.,]\d+)?)\s*(GHz|MHz)$/i.exec(raw ?? '');
  if (!m) return undefined;
  const value = Number((m[1] ?? '').replace(',', '.'));
  return positive(Math.round((m[2] ?? '').toUpperCase() === 'GHZ' ? value * 1000 : value));
}

/**
 * Intel Macs list DIMM slots under `_items`; empty slots say `empty`. Apple silicon prints one
 * entry with the total and no slots: unified memory is part of the chip, not modules.
 */
function memoryModules(entries: ProfilerEntry[]): MemoryModule[] {
  const modules: MemoryModule[] = [];
  for (const entry of entries) {
    const items = Array.isArray(entry._items) ? entry._items : [];
    for (const item of items) {
      if (typeof item !== 'object' || item === null || Array.isArray(item)) continue;
      const slot = item as ProfilerEntry;
      const sizeBytes = binarySizeBytes(stringField(slot, 'dimm_size'));
      if (sizeBytes === undefined || stringField(slot, 'dimm_status') === 'empty') continue;
      const module: MemoryModule = { sizeBytes };
      const name = known(stringField(slot, '_name'));
      if (name) module.slot = name;
      const type = known(stringField(slot, 'dimm_type'));
      if (type) module.type = type;
      const speed = /^(\d+)\s*(?:MHz|MT\/s)$/i.exec(stringField(slot, 'dimm_speed') ?? '')?.[1];
      if (speed && Number(speed) > 0) module.speedMHz = Number(speed);
      const manufacturer = known(stringField(slot, 'dimm_manufacturer'));
      if (manufacturer)
        module.manufacturer = JEDEC_MANUFACTURERS[manufacturer.toUpperCase().replace('0X', '0x')] ?? manufacturer;
      const part = partNumber(stringField(slot, 'dimm_part_number'));
      if (part) module.partNumber = part;
      const serial = known(stringField(slot, 'dimm_serial_number'));
      if (serial) module.serial = serial;
      modules.push(module);
    }
  }
  return modules;
}

/** Intel Macs print the SPD part number as hex-encoded ASCII (`0x484D41...2020`); decode it when it is text. */
function partNumber(raw: string | undefined): string | undefined {
  const value = known(raw);
  if (!value) return undefined;
  const hex = /^0x((?:[0-9a-f]{2})+)$/i.exec(value)?.[1];
  if (!hex) return value;
  const decoded = Buffer.from(hex, 'hex').toString('latin1');
  if (!/^[\x20-\x7e]+$/.test(decoded)) return value;
  return cleanString(decoded) ?? undefined;
}

/**
 * The battery block (`spbattery_information`): serial, manufacturer (older Intel Macs only),
 * cycle count (in the health block on current macOS, the model block on older). The gauge
 * chip name (`bq40z651`) is not the battery's model and is not reported. Health and maximum
 * capacity (a percentage) and charge in mAh have no field in the contract; capacities in Wh
 * cannot be derived from them.
 */
function batteryInfo(entries: ProfilerEntry[]): Battery[] {
  const batteries: Battery[] = [];
  for (const entry of entries) {
    const health = objectField(entry, 'sppower_battery_health_info');
    const model = objectField(entry, 'sppower_battery_model_info');
    if (!health && !model) continue;
    const battery: Battery = {};
    const serial = known(model && stringField(model, 'sppower_battery_serial_number'));
    if (serial) battery.serial = serial;
    const manufacturer = known(model && stringField(model, 'sppower_battery_manufacturer'));
    if (manufacturer) battery.manufacturer = manufacturer;
    const cycles =
      (health && numberField(health, 'sppower_battery_cycle_count')) ??
      (model && numberField(model, 'sppower_battery_cycle_count'));
    if (cycles !== undefined && cycles >= 0) battery.cycleCount = Math.round(cycles);
    if (Object.keys(battery).length > 0) batteries.push(battery);
  }
  return batteries;
}

function platformUuid(raw: string | undefined): string | undefined {
  const uuid = known(raw)?.toLowerCase();
  if (!uuid || !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(uuid)) return undefined;
  const hex = uuid.replace(/-/g, '');
  return /^0+$/.test(hex) || /^f+$/.test(hex) ? undefined : uuid;
}

function known(raw: string | undefined): string | undefined {
  const s = cleanString(raw);
  return s === undefined || PLACEHOLDERS.has(s.toLowerCase()) ? undefined : s;
}

function positive(n: number | undefined): number | undefined {
  return n !== undefined && Number.isFinite(n) && n > 0 ? Math.round(n) : undefined;
}
