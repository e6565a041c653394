import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hardwareFromSystemInformation, hardwareUuid, type SystemInformationHardware, text } from './parse.ts';

const fixture = (name: string) =>
  JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures', name), 'utf8')) as SystemInformationHardware;

describe('hardwareFromSystemInformation', () => {
  it('reports only what a container exposes and invents nothing', () => {
    const hw = hardwareFromSystemInformation(fixture('debian-12-docker-container.json'));
    expect(hw.system).toEqual({ model: 'Docker Container', virtual: true });
    expect(hw.bios).toBeUndefined();
    expect(hw.cpu).toEqual({ vendor: 'Intel', model: 'Intel Xeon® Processor', sockets: 1, cores: 2, threads: 2 });
    // systeminformation fabricates one module the size of all memory without dmidecode.
    expect(hw.memory).toEqual({ totalBytes: 25276063744 });
    expect(hw.disks).toBeUndefined();
    expect(hw.nics).toEqual([
      { name: 'eth0', mac: '02:fc:00:00:00:01', ipv4: ['192.0.2.2'], ipv6: ['fd00::2'], virtual: false },
    ]);
    expect(hw.gpus).toBeUndefined();
    expect(hw.batteries).toBeUndefined();
  });

  it("reads a disk's wear from the smartctl document systeminformation attaches when smartmontools is installed", () => {
    const si = fixture('dell-latitude-7440-ubuntu-24.04.json');
    const smartData = JSON.parse(
      readFileSync(
        join(import.meta.dirname, '../disk-wear/fixtures/samsung-970-evo-plus-nvme-smartctl-7.3.json'),
        'utf8',
      ),
    );
    const disk = si.disk[0] as (typeof si.disk)[number];
    const hw = hardwareFromSystemInformation({ ...si, disk: [{ ...disk, smartData }] });
    expect(hw.disks?.[0]).toMatchObject({ name: '/dev/nvme0n1', wearPercent: 23 });
    // Without smartctl's document, no figure.
    expect(hardwareFromSystemInformation(si).disks?.[0]).not.toHaveProperty('wearPercent');
  });

  it('maps a laptop completely', () => {
    const hw = hardwareFromSystemInformation(fixture('dell-latitude-7440-ubuntu-24.04.json'));
    expect(hw.system).toEqual({
      vendor: 'Dell Inc.',
      model: 'Latitude 7440',
      serial: '7XK3QW3',
      uuid: '4c4c4544-0058-4b10-8033-b7c04f515733',
      sku: '0C0B',
      chassisType: 'notebook',
      virtual: false,
    });
    expect(hw.bios).toEqual({ vendor: 'Dell Inc.', version: '1.14.1', releaseDate: '2024-05-08' });
    expect(hw.cpu).toEqual({
      vendor: 'Intel',
      model: 'Intel Core™ i7-1365U',
      sockets: 1,
      cores: 10,
      threads: 12,
      speedMHz: 1800,
    });
    expect(hw.memory?.modules).toEqual([
      {
        slot: 'BANK 0',
        sizeBytes: 17179869184,
        type: 'LPDDR5',
        speedMHz: 6000,
        manufacturer: 'Micron Technology',
        partNumber: 'MT62F2G32D4DS-026 WT:B',
      },
      {
        slot: 'BANK 1',
        sizeBytes: 17179869184,
        type: 'LPDDR5',
        speedMHz: 6000,
        manufacturer: 'Micron Technology',
        partNumber: 'MT62F2G32D4DS-026 WT:B',
        serial: '2A3B4C5D',
      },
    ]);
    expect(hw.disks).toEqual([
      {
        name: '/dev/nvme0n1',
        model: 'KXG80ZNV512G KIOXIA',
        vendor: 'KIOXIA',
        serial: 'X2QF81ZSK4W1',
        sizeBytes: 512110190592,
        type: 'NVMe',
        interface: 'PCIe',
      },
    ]);
    expect(hw.nics?.map((n) => [n.name, n.mac, n.virtual])).toEqual([
      ['wlp0s20f3', '3c:22:fb:7a:19:c4', false],
      ['docker0', '02:42:8e:11:22:33', true],
    ]);
    expect(hw.gpus).toEqual([{ vendor: 'Intel Corporation', model: 'Raptor Lake-P [Iris Xe Graphics]' }]);
    expect(hw.monitors).toEqual([{ vendor: 'Dell', model: 'DELL U2723QE' }]);
    expect(hw.batteries).toEqual([
      {
        manufacturer: 'SMP',
        model: 'DELL VJF0X',
        serial: '1024',
        designCapacityWh: 57,
        fullCapacityWh: 49.59,
        cycleCount: 214,
      },
    ]);
  });
});

describe('placeholders', () => {
  it.each(['To Be Filled By O.E.M.', 'Default string', 'System Serial Number', '-', '  ', '0123456789'])(
    '%j is not a value',
    (raw) => {
      expect(text(raw)).toBeUndefined();
    },
  );

  it('drops all-zero and all-F UUIDs', () => {
    expect(hardwareUuid('00000000-0000-0000-0000-000000000000')).toBeUndefined();
    expect(hardwareUuid('FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF')).toBeUndefined();
    expect(hardwareUuid('4C4C4544-0058-4B10-8033-B7C04F515733')).toBe('4c4c4544-0058-4b10-8033-b7c04f515733');
  });
});
