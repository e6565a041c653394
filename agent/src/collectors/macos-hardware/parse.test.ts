import { readFileSync } from 'node:fs';
import path from 'node:path';
import { type Hardware, HardwareSchema } from '@stocktake/shared';
import { Compile } from 'typebox/compile';
import { describe, expect, it } from 'vitest';
import { runCommand } from '../../runner/run-command.ts';
import { FAKE_TIMEOUT_MS, fakeContext, timeoutError } from './fake-context.ts';
import { macosHardwareCollector } from './index.ts';
import { HARDWARE_ARGS, parseMacHardware } from './parse.ts';
import { binarySizeBytes, SYSTEM_PROFILER } from './system-profiler.ts';

const fixture = (name: string) => readFileSync(path.join(import.meta.dirname, 'fixtures', name), 'utf8');
const COMMAND = `${SYSTEM_PROFILER} ${HARDWARE_ARGS.join(' ')}`;
const validHardware = Compile(HardwareSchema);
const GiB = 1024 ** 3;

const cases: { fixture: string; expected: Partial<Hardware> }[] = [
  {
    // Apple silicon laptop: proc TOTAL:PERF:EFF, unified memory (no modules), battery.
    fixture: 'macbook-pro-m3-pro-sonoma-14.5.json',
    expected: {
      system: {
        vendor: 'Apple Inc.',
        model: 'Mac15,6',
        serial: 'K7QW3X9R2F',
        uuid: '8d4c2e4a-3b51-5f0e-9c7d-2a6b1e0f4c93',
        sku: 'MRX33LL/A',
        chassisType: 'laptop',
        virtual: false,
      },
      bios: { version: '10151.121.1' },
      cpu: { vendor: 'Apple', model: 'Apple M3 Pro', cores: 12, threads: 12 },
      memory: { totalBytes: 18 * GiB },
      batteries: [{ serial: 'F8Y3452ABCDQ6DXA', cycleCount: 88 }],
    },
  },
  {
    // Four-number proc string on an Ultra; a desktop has no battery block.
    fixture: 'mac-studio-m2-ultra-sonoma-14.4.json',
    expected: {
      system: {
        vendor: 'Apple Inc.',
        model: 'Mac14,14',
        serial: 'QX4T7N2JW9',
        uuid: '3f9a1c07-6e2b-5d84-a1f3-7c0e9b2d5a68',
        sku: 'Z180000AEBZ/A',
        chassisType: 'desktop',
        virtual: false,
      },
      bios: { version: '10151.101.3' },
      cpu: { vendor: 'Apple', model: 'Apple M2 Ultra', cores: 24, threads: 24 },
      memory: { totalBytes: 64 * GiB },
    },
  },
  {
    // Intel laptop: hyper-threading, decimal comma in the clock, DIMMs with JEDEC codes and
    // hex part numbers, old-style battery with a manufacturer.
    fixture: 'macbook-pro-2019-intel-monterey-12.7.json',
    expected: {
      system: {
        vendor: 'Apple Inc.',
        model: 'MacBookPro16,1',
        serial: 'C02ZK1ABMD6T',
        uuid: '5b2c9e81-0d4f-5a73-8e16-c4f09a7b3d21',
        chassisType: 'laptop',
        virtual: false,
      },
      bios: { version: '2022.100.22.0.0 (iBridge: 21.16.4222.0.0,0)' },
      cpu: { vendor: 'Intel', model: '8-Core Intel Core i9', cores: 8, sockets: 1, threads: 16, speedMHz: 2300 },
      memory: {
        totalBytes: 16 * GiB,
        modules: [
          {
            sizeBytes: 8 * GiB,
            slot: 'BANK 0/ChannelA-DIMM0',
            type: 'DDR4',
            speedMHz: 2667,
            manufacturer: 'Samsung',
            partNumber: 'K4A8G165WC-BCTD',
          },
          {
            sizeBytes: 8 * GiB,
            slot: 'BANK 2/ChannelB-DIMM0',
            type: 'DDR4',
            speedMHz: 2667,
            manufacturer: 'Samsung',
            partNumber: 'K4A8G165WC-BCTD',
          },
        ],
      },
      batteries: [{ serial: 'D869435A0F5KDPJAW', manufacturer: 'SMP', cycleCount: 412 }],
    },
  },
  {
    // Intel desktop: empty slots skipped, no hyper-threading key (threads unknown), a
    // placeholder serial dropped, a plain-text part number kept.
    fixture: 'imac-2017-intel-ventura-13.6.json',
    expected: {
      system: {
        vendor: 'Apple Inc.',
        model: 'iMac18,3',
        serial: 'C02VN0ABJ1GJ',
        uuid: '1e7f3a52-8c09-5b6d-a4e2-90d1c7b38f45',
        chassisType: 'desktop',
        virtual: false,
      },
      bios: { version: '529.140.2.0.0' },
      cpu: { vendor: 'Intel', model: 'Quad-Core Intel Core i5', cores: 4, sockets: 1, speedMHz: 3400 },
      memory: {
        totalBytes: 16 * GiB,
        modules: [
          {
            sizeBytes: 8 * GiB,
            slot: 'DIMM1/BANK 0',
            type: 'DDR4',
            speedMHz: 2400,
            manufacturer: 'Micron',
            partNumber: '16ATF1G64HZ-2G3B1',
            serial: '0x1E2A3B4C',
          },
          {
            sizeBytes: 8 * GiB,
            slot: 'DIMM1/BANK 1',
            type: 'DDR4',
            speedMHz: 2400,
            manufacturer: 'Kingston',
            partNumber: 'KVR24S17S8/8',
          },
        ],
      },
    },
  },
  {
    // macOS guest on Apple's Virtualization framework: virtual, no chassis, cores as a number.
    fixture: 'apple-virtual-machine-sequoia-15.0.json',
    expected: {
      system: {
        vendor: 'Apple Inc.',
        model: 'VirtualMac2,1',
        serial: 'ZFQYR4XYHG',
        uuid: '50dcc3ef-6ad8-5eaa-ac56-451ad340113c',
        sku: 'VM0001LL/A',
        virtual: true,
      },
      bios: { version: '11881.1.1' },
      cpu: { vendor: 'Apple', model: 'Apple M2 (Virtual)', cores: 4, threads: 4 },
      memory: { totalBytes: 8 * GiB },
    },
  },
  {
    // Placeholders and all-zero UUID dropped; cores unreadable; cycle count as a string.
    fixture: 'handmade-missing-fields.json',
    expected: {
      system: { chassisType: 'desktop', virtual: false },
      batteries: [{ cycleCount: 17 }],
    },
  },
  {
    // Wrong types everywhere: skipped field by field, spaces collapsed.
    fixture: 'handmade-odd-types.json',
    expected: {
      system: { serial: 'C02 SPACED' },
      batteries: [{ cycleCount: 4 }],
    },
  },
];

describe('parseMacHardware', () => {
  it.each(cases)('$fixture', ({ fixture: name, expected }) => {
    const hw = parseMacHardware(fixture(name));
    expect(hw).toEqual(expected);
    // Complete the record the way the section merge would, then check it against the contract.
    expect(validHardware.Check({ system: {}, ...hw })).toBe(true);
  });

  it('refuses output without a hardware overview, or cut off, with an error naming the command', () => {
    expect(() => parseMacHardware(fixture('truncated-output.json'))).toThrow(`${COMMAND} printed invalid JSON`);
    expect(() => parseMacHardware('{"SPHardwareDataType": []}')).toThrow('printed no SPHardwareDataType entry');
    expect(() => parseMacHardware('{}')).toThrow('printed no SPHardwareDataType entry');
    expect(() => parseMacHardware('null')).toThrow('not an object');
  });
});

describe('binarySizeBytes', () => {
  it('reads Apple sizes as binary units', () => {
    expect(binarySizeBytes('16 GB')).toBe(17_179_869_184);
    expect(binarySizeBytes('512 MB')).toBe(536_870_912);
    expect(binarySizeBytes('1,5 TB')).toBe(1.5 * 1024 ** 4);
    expect(binarySizeBytes('0 GB')).toBeUndefined();
    expect(binarySizeBytes('empty')).toBeUndefined();
    expect(binarySizeBytes(undefined)).toBeUndefined();
  });
});

describe('macosHardwareCollector', () => {
  it('runs system_profiler once for the three data types', async () => {
    const text = fixture('macbook-pro-m3-pro-sonoma-14.5.json');
    const { ctx, calls } = fakeContext({ [COMMAND]: text });
    expect(await macosHardwareCollector.collect(ctx)).toEqual(parseMacHardware(text));
    expect(calls).toEqual([
      { cmd: '/usr/sbin/system_profiler', args: HARDWARE_ARGS, timeoutMs: FAKE_TIMEOUT_MS, okExitCodes: undefined },
    ]);
  });

  it('rejects on timeout and where system_profiler does not exist', async () => {
    const { ctx } = fakeContext({ [COMMAND]: timeoutError(SYSTEM_PROFILER, HARDWARE_ARGS) });
    await expect(macosHardwareCollector.collect(ctx)).rejects.toThrow(
      `${COMMAND} timed out after ${FAKE_TIMEOUT_MS} ms`,
    );
    const real = fakeContext({}, { run: runCommand });
    await expect(macosHardwareCollector.collect(real.ctx)).rejects.toThrow('/usr/sbin/system_profiler not found');
  });

  it('detects only on darwin with system_profiler present', async () => {
    const present = (p: string) => Promise.resolve(p === '/r/usr/sbin/system_profiler');
    expect(await macosHardwareCollector.detect(fakeContext({}, { root: '/r', exists: present }).ctx)).toBe(true);
    expect(
      await macosHardwareCollector.detect(fakeContext({}, { root: '/r', exists: present, platform: 'linux' }).ctx),
    ).toBe(false);
  });
});
