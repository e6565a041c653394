import Type, { type Static } from 'typebox';
import { MacAddressSchema } from './identity.ts';

const Str = (description: string) => Type.Optional(Type.String({ maxLength: 512, description }));
const Int = (description: string) => Type.Optional(Type.Integer({ minimum: 0, description }));

export const SystemInfoSchema = Type.Object(
  {
    vendor: Str('System manufacturer.'),
    model: Str('System product name.'),
    version: Str('System version string.'),
    serial: Str('System serial number.'),
    uuid: Str('SMBIOS system UUID, lower case.'),
    sku: Str('SKU number.'),
    chassisType: Str('Chassis type (desktop, laptop, notebook, server, virtual machine, ...).'),
    virtual: Type.Optional(Type.Boolean({ description: 'Runs as a virtual machine or container.' })),
  },
  { additionalProperties: false },
);

export const BiosSchema = Type.Object(
  {
    vendor: Str('Firmware vendor.'),
    version: Str('Firmware version.'),
    releaseDate: Str('Firmware release date as reported (ISO date when parseable).'),
  },
  { additionalProperties: false },
);

export const CpuSchema = Type.Object(
  {
    vendor: Str('CPU vendor.'),
    model: Str('CPU model name.'),
    sockets: Int('Physical packages.'),
    cores: Int('Physical cores in total.'),
    threads: Int('Logical processors in total.'),
    speedMHz: Int('Nominal clock speed in MHz.'),
  },
  { additionalProperties: false },
);

export const MemoryModuleSchema = Type.Object(
  {
    slot: Str('Bank or slot label.'),
    sizeBytes: Int('Module size.'),
    type: Str('DDR4, DDR5, LPDDR5, ...'),
    speedMHz: Int('Configured speed in MT/s (MHz as firmware reports).'),
    manufacturer: Str('Module manufacturer.'),
    partNumber: Str('Part number.'),
    serial: Str('Module serial number.'),
  },
  { additionalProperties: false },
);

export const MemorySchema = Type.Object(
  {
    totalBytes: Int('Memory the OS sees.'),
    modules: Type.Optional(Type.Array(MemoryModuleSchema, { maxItems: 256 })),
  },
  { additionalProperties: false },
);

export const DiskSchema = Type.Object(
  {
    name: Str('Device name (sda, nvme0n1, \\\\.\\PHYSICALDRIVE0, disk0).'),
    model: Str('Model.'),
    vendor: Str('Vendor.'),
    serial: Str('Serial number.'),
    sizeBytes: Int('Capacity.'),
    type: Str('HDD, SSD, NVMe, virtual, ...'),
    interface: Str('SATA, NVMe, USB, SCSI, ...'),
    wearPercent: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 255,
        description:
          'Endurance used, percent, as SMART reports it (NVMe "Percentage Used", SATA SSD wear levelling); may pass 100.',
      }),
    ),
  },
  { additionalProperties: false },
);

export const NetworkInterfaceSchema = Type.Object(
  {
    name: Type.String({ maxLength: 256, description: 'Interface name.' }),
    mac: Type.Optional(MacAddressSchema),
    ipv4: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 64 })),
    ipv6: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 64 })),
    speedMbps: Int('Link speed when known.'),
    virtual: Type.Optional(Type.Boolean({ description: 'Software interface (bridge, veth, tun, loopback).' })),
  },
  { additionalProperties: false },
);

export const GpuSchema = Type.Object(
  {
    vendor: Str('GPU vendor.'),
    model: Str('GPU model.'),
    vramBytes: Int('Dedicated memory.'),
  },
  { additionalProperties: false },
);

export const BatterySchema = Type.Object(
  {
    manufacturer: Str('Battery manufacturer.'),
    model: Str('Battery model.'),
    serial: Str('Battery serial.'),
    designCapacityWh: Type.Optional(Type.Number({ minimum: 0, description: 'Capacity when new.' })),
    fullCapacityWh: Type.Optional(Type.Number({ minimum: 0, description: 'Capacity when fully charged now.' })),
    cycleCount: Int('Charge cycles.'),
  },
  { additionalProperties: false },
);

export const MonitorSchema = Type.Object(
  {
    vendor: Str('Monitor vendor.'),
    model: Str('Monitor model.'),
    serial: Str('Monitor serial.'),
  },
  { additionalProperties: false },
);

export const HardwareSchema = Type.Object(
  {
    system: SystemInfoSchema,
    bios: Type.Optional(BiosSchema),
    cpu: Type.Optional(CpuSchema),
    memory: Type.Optional(MemorySchema),
    disks: Type.Optional(Type.Array(DiskSchema, { maxItems: 1024 })),
    nics: Type.Optional(Type.Array(NetworkInterfaceSchema, { maxItems: 1024 })),
    gpus: Type.Optional(Type.Array(GpuSchema, { maxItems: 64 })),
    batteries: Type.Optional(Type.Array(BatterySchema, { maxItems: 16 })),
    monitors: Type.Optional(Type.Array(MonitorSchema, { maxItems: 64 })),
  },
  {
    additionalProperties: false,
    description:
      'Hardware as the OS and firmware report it. Absent fields mean the machine did not tell; the agent never invents values.',
  },
);

export type SystemInfo = Static<typeof SystemInfoSchema>;
export type Bios = Static<typeof BiosSchema>;
export type Cpu = Static<typeof CpuSchema>;
export type MemoryModule = Static<typeof MemoryModuleSchema>;
export type Memory = Static<typeof MemorySchema>;
export type Disk = Static<typeof DiskSchema>;
export type NetworkInterface = Static<typeof NetworkInterfaceSchema>;
export type Gpu = Static<typeof GpuSchema>;
export type Battery = Static<typeof BatterySchema>;
export type Monitor = Static<typeof MonitorSchema>;
export type Hardware = Static<typeof HardwareSchema>;
