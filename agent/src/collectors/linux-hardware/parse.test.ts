import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  batteryFromUevent,
  chassisTypeName,
  diskFromSysfs,
  isPhysicalDiskName,
  nicFromSysfs,
  parseCpuinfo,
  parseDmidecodeMemory,
  parseMeminfo,
  pciName,
  systemFromDmi,
} from './parse.ts';

const fixture = (name: string) => readFileSync(join(import.meta.dirname, 'fixtures', name), 'utf8');

describe('parseCpuinfo', () => {
  it.each([
    [
      'debian-12-kvm-cpuinfo.txt',
      { vendor: 'Intel', model: 'Intel Xeon Processor', sockets: 1, cores: 2, threads: 2, hypervisor: true },
    ],
    [
      'dual-xeon-gold-6230-cpuinfo.txt',
      {
        vendor: 'Intel',
        model: 'Intel Xeon Gold 6230 CPU @ 2.10GHz',
        sockets: 2,
        cores: 4,
        threads: 8,
        speedMHz: 2100,
        hypervisor: false,
      },
    ],
    // ARM kernels print no model name; the implementer still tells the vendor.
    ['graviton2-cpuinfo.txt', { vendor: 'ARM', sockets: 1, threads: 2, hypervisor: false }],
  ])('%s', (file, expected) => {
    expect(parseCpuinfo(fixture(file))).toMatchObject(expected);
  });

  it('survives empty and junk input', () => {
    expect(parseCpuinfo('')).toEqual({ hypervisor: false });
    expect(parseCpuinfo('\u0000garbage\nno colon here\n')).toEqual({ hypervisor: false });
  });
});

describe('parseMeminfo', () => {
  it('reads MemTotal in bytes', () => {
    expect(parseMeminfo(fixture('debian-12-kvm-meminfo.txt'))).toBeGreaterThan(1024 ** 3);
    expect(parseMeminfo('MemTotal:       16166428 kB\n')).toBe(16166428 * 1024);
    expect(parseMeminfo('nothing')).toBeUndefined();
  });
});

describe('parseDmidecodeMemory', () => {
  it('lists installed modules and skips empty slots and placeholders', () => {
    expect(parseDmidecodeMemory(fixture('thinkpad-t14-dmidecode-t17.txt'))).toEqual([
      {
        slot: 'ChannelA-DIMM0',
        sizeBytes: 16 * 1024 ** 3,
        type: 'DDR4',
        speedMHz: 3200,
        manufacturer: 'Samsung',
        partNumber: 'M471A2K43EB1-CWE',
        serial: '04C5A1B2',
      },
      {
        slot: 'Controller0-ChannelB',
        sizeBytes: 8192 * 1024 ** 2,
        type: 'LPDDR4',
        speedMHz: 4267,
        manufacturer: 'Micron Technology',
        partNumber: 'MT53E1G32D2FW-046 WT:B',
      },
    ]);
  });

  it('reads the older MHz and Configured Clock Speed wording', () => {
    expect(parseDmidecodeMemory(fixture('hp-proliant-dmidecode-t17-old.txt'))).toEqual([
      {
        slot: 'PROC 1 DIMM 1',
        sizeBytes: 32 * 1024 ** 3,
        type: 'DDR4',
        speedMHz: 2133,
        manufacturer: 'HP',
        partNumber: '809083-091',
      },
    ]);
  });

  it('returns nothing for output without memory devices', () => {
    expect(
      parseDmidecodeMemory('# dmidecode 3.4\n/sys/firmware/dmi/tables/smbios_entry_point: Permission denied\n'),
    ).toEqual([]);
  });
});

describe('systemFromDmi', () => {
  it('maps a laptop', () => {
    const out = systemFromDmi(
      {
        sys_vendor: 'LENOVO',
        product_name: '21AH00BXGE',
        product_version: 'ThinkPad T14 Gen 3',
        product_serial: 'PF3XYZ12',
        product_uuid: '4C4C4544-0058-4B10-8033-B7C04F515733',
        product_sku: 'LENOVO_MT_21AH_BU_Think_FM_ThinkPad T14 Gen 3',
        chassis_type: '10',
        bios_vendor: 'LENOVO',
        bios_version: 'R1YET58W (1.27 )',
        bios_date: '03/14/2024',
      },
      false,
    );
    expect(out.system).toEqual({
      vendor: 'LENOVO',
      model: '21AH00BXGE',
      version: 'ThinkPad T14 Gen 3',
      serial: 'PF3XYZ12',
      uuid: '4c4c4544-0058-4b10-8033-b7c04f515733',
      sku: 'LENOVO_MT_21AH_BU_Think_FM_ThinkPad T14 Gen 3',
      chassisType: 'notebook',
      virtual: false,
    });
    expect(out.bios).toEqual({ vendor: 'LENOVO', version: 'R1YET58W (1.27 )', releaseDate: '2024-03-14' });
  });

  it('drops firmware placeholders and recognises virtual machines', () => {
    const out = systemFromDmi(
      {
        sys_vendor: 'QEMU',
        product_name: 'Standard PC (Q35 + ICH9, 2009)',
        product_serial: 'To Be Filled By O.E.M.',
        product_uuid: '00000000-0000-0000-0000-000000000000',
        chassis_type: '1',
      },
      false,
    );
    expect(out.system).toEqual({ vendor: 'QEMU', model: 'Standard PC (Q35 + ICH9, 2009)', virtual: true });
  });

  it('names SMBIOS chassis types and ignores Other/Unknown', () => {
    expect(chassisTypeName('9')).toBe('laptop');
    expect(chassisTypeName('23')).toBe('rack mount chassis');
    expect(chassisTypeName('2')).toBeUndefined();
    expect(chassisTypeName(undefined)).toBeUndefined();
  });
});

describe('disks', () => {
  it('keeps real disks and skips loop, zram, device-mapper and optical devices', () => {
    expect(['vda', 'nvme0n1', 'sda', 'mmcblk0'].every(isPhysicalDiskName)).toBe(true);
    expect(['loop0', 'zram0', 'dm-0', 'sr0', 'md127', 'ram0'].some(isPhysicalDiskName)).toBe(false);
  });

  it.each([
    [
      'virtio disk of this machine',
      {
        name: 'vda',
        devicePath: '../devices/pci0000:00/0000:00:02.0/virtio1/block/vda',
        sizeSectors: '536870912',
        rotational: '1',
        vendor: '0x1af4',
        serial: '2186636956361590',
        pciVendorName: 'Red Hat, Inc.',
      },
      {
        name: 'vda',
        vendor: 'Red Hat, Inc.',
        serial: '2186636956361590',
        sizeBytes: 274877906944,
        type: 'virtual',
        interface: 'virtio',
      },
    ],
    [
      'NVMe SSD',
      {
        name: 'nvme0n1',
        devicePath: '../devices/pci0000:00/0000:00:06.0/0000:02:00.0/nvme/nvme0/nvme0n1',
        sizeSectors: '1000215216',
        rotational: '0',
        model: 'SAMSUNG MZVL2512HCJQ-00BL7',
        serial: 'S64KNX0T123456',
      },
      {
        name: 'nvme0n1',
        model: 'SAMSUNG MZVL2512HCJQ-00BL7',
        serial: 'S64KNX0T123456',
        sizeBytes: 512110190592,
        type: 'NVMe',
        interface: 'NVMe',
      },
    ],
    [
      'SATA hard disk',
      {
        name: 'sda',
        devicePath: '../devices/pci0000:00/0000:00:17.0/ata1/host0/target0:0:0/0:0:0:0/block/sda',
        sizeSectors: '3907029168',
        rotational: '1',
        model: 'WDC WD20EZAZ-00G',
        vendor: 'ATA     ',
      },
      {
        name: 'sda',
        model: 'WDC WD20EZAZ-00G',
        vendor: 'ATA',
        sizeBytes: 2000398934016,
        type: 'HDD',
        interface: 'SATA',
      },
    ],
    [
      'USB stick',
      {
        name: 'sdb',
        devicePath: '../devices/pci0000:00/0000:00:14.0/usb2/2-1/2-1:1.0/host1/target1:0:0/1:0:0:0/block/sdb',
        sizeSectors: '60437492',
        rotational: '1',
        model: 'Ultra Fit',
        vendor: 'SanDisk ',
        removable: '1',
      },
      { name: 'sdb', model: 'Ultra Fit', vendor: 'SanDisk', sizeBytes: 30943995904, type: 'HDD', interface: 'USB' },
    ],
  ])('%s', (_label, facts, expected) => {
    expect(diskFromSysfs(facts)).toEqual(expected);
  });

  it('skips an empty card-reader slot', () => {
    expect(diskFromSysfs({ name: 'sdc', sizeSectors: '0' })).toBeUndefined();
  });
});

describe('pciName', () => {
  const ids = Buffer.from(fixture('pci.ids.excerpt'));
  it('finds vendor and device names', () => {
    expect(pciName(ids, '0x1af4')).toEqual({ vendor: 'Red Hat, Inc.' });
    expect(pciName(ids, '0x8086', '0xa7a0')).toEqual({
      vendor: 'Intel Corporation',
      device: 'Raptor Lake-P [Iris Xe Graphics]',
    });
    expect(pciName(ids, '0x10de', '0x2684')).toEqual({
      vendor: 'NVIDIA Corporation',
      device: 'AD102 [GeForce RTX 4090]',
    });
  });
  it('does not take a device line from the next vendor', () => {
    expect(pciName(ids, '0x10de', '0x1041')).toEqual({ vendor: 'NVIDIA Corporation' });
    expect(pciName(ids, '0xffff')).toEqual({});
  });
});

describe('nicFromSysfs', () => {
  it('tells physical from software interfaces and drops loopback', () => {
    expect(
      nicFromSysfs({
        name: 'eth0',
        devicePath: '../../devices/pci0000:00/0000:00:03.0/virtio2/net/eth0',
        address: '02:fc:00:00:00:01',
        speed: '-1',
        ipv4: ['192.0.2.2'],
        ipv6: [],
      }),
    ).toEqual({ name: 'eth0', mac: '02:fc:00:00:00:01', ipv4: ['192.0.2.2'], virtual: false });
    expect(
      nicFromSysfs({
        name: 'docker0',
        devicePath: '../../devices/virtual/net/docker0',
        address: '02:42:8e:11:22:33',
        ipv4: [],
        ipv6: [],
      }),
    ).toEqual({ name: 'docker0', mac: '02:42:8e:11:22:33', virtual: true });
    expect(
      nicFromSysfs({ name: 'enp0s31f6', address: '8C:16:45:AA:BB:CC', speed: '1000', ipv4: [], ipv6: [] }),
    ).toMatchObject({
      mac: '8c:16:45:aa:bb:cc',
      speedMbps: 1000,
    });
    expect(nicFromSysfs({ name: 'lo', ipv4: ['127.0.0.1'], ipv6: [] })).toBeUndefined();
  });
});

describe('batteryFromUevent', () => {
  it('reads an energy-reporting battery', () => {
    expect(batteryFromUevent(fixture('thinkpad-t14-BAT0-uevent.txt'))).toEqual({
      manufacturer: 'SMP',
      model: '5B10W13975',
      serial: '2377',
      designCapacityWh: 50.5,
      fullCapacityWh: 44.27,
      cycleCount: 187,
    });
  });

  it('converts a charge-reporting battery with its design voltage, and omits a zero cycle count', () => {
    expect(batteryFromUevent(fixture('dell-latitude-BAT0-charge-uevent.txt'))).toEqual({
      manufacturer: 'BYD',
      model: 'DELL 1VX1H',
      serial: '5429',
      designCapacityWh: 39.9,
      fullCapacityWh: 36.71,
    });
  });

  it("ignores mains adapters and peripherals' batteries", () => {
    expect(batteryFromUevent(fixture('AC-uevent.txt'))).toBeUndefined();
    expect(batteryFromUevent(fixture('logitech-mouse-uevent.txt'))).toBeUndefined();
  });
});
