import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { wearFromEmmcLifeTime, wearFromSmartctl } from './parse.ts';

const fixture = (name: string) => readFileSync(join(import.meta.dirname, 'fixtures', name), 'utf8');

describe('wearFromSmartctl', () => {
  it.each([
    // NVMe health log: Percentage Used 23.
    ['samsung-970-evo-plus-nvme-smartctl-7.3.json', 23],
    // Samsung's Wear_Leveling_Count (177) at normalised 13: 87% of its endurance used.
    ['samsung-860-evo-sata-smartctl-7.3.json', 87],
    // A spinning disk has no endurance figure.
    ['wd-red-hdd-smartctl-7.3.json', undefined],
    // smartctl could not open the device (exit status bit 1).
    ['open-denied-smartctl-7.3.json', undefined],
    ['truncated-output.json', undefined],
    // No normalised value on 177, a string on 233.
    ['handmade-missing-fields.json', undefined],
  ])('%s → %s', (name, expected) => {
    expect(wearFromSmartctl(fixture(name))).toBe(expected);
  });

  it('prefers the Device Statistics figure and reads past 100 on NVMe', () => {
    const sata = JSON.parse(fixture('samsung-860-evo-sata-smartctl-7.3.json'));
    sata.ata_device_statistics = {
      pages: [
        {
          number: 1,
          name: 'General Statistics',
          table: [{ offset: 8, name: 'Lifetime Power-On Resets', value: 1187 }],
        },
        {
          number: 7,
          name: 'Solid State Device Statistics',
          table: [{ offset: 8, name: 'Percentage Used Endurance Indicator', size: 1, value: 91 }],
        },
      ],
    };
    expect(wearFromSmartctl(JSON.stringify(sata))).toBe(91);
    const nvme = JSON.parse(fixture('samsung-970-evo-plus-nvme-smartctl-7.3.json'));
    nvme.nvme_smart_health_information_log.percentage_used = 112;
    expect(wearFromSmartctl(JSON.stringify(nvme))).toBe(112);
  });

  it('reads Intel’s Media_Wearout_Indicator when the Samsung attribute is absent', () => {
    const sata = JSON.parse(fixture('samsung-860-evo-sata-smartctl-7.3.json'));
    sata.ata_smart_attributes.table = [
      { id: 233, name: 'Media_Wearout_Indicator', value: 98, worst: 98, thresh: 0, raw: { value: 0, string: '0' } },
    ];
    expect(wearFromSmartctl(JSON.stringify(sata))).toBe(2);
  });

  it('survives what is not smartctl JSON', () => {
    for (const text of ['', 'null', '[]', '{"nvme_smart_health_information_log":{"percentage_used":-1}}']) {
      expect(wearFromSmartctl(text)).toBeUndefined();
    }
  });
});

describe('wearFromEmmcLifeTime', () => {
  it.each([
    ['0x02 0x03\n', 30], // the more worn estimate, at the top of its 10% step
    ['0x01 0x01', 10],
    ['0x0B 0x0A', 100], // past its rated life
    ['0x00 0x00', undefined], // not defined by the device
    ['', undefined],
    ['garbage', undefined],
  ])('%j → %s', (text, expected) => {
    expect(wearFromEmmcLifeTime(text)).toBe(expected);
  });
});
