/**
 * How much of a solid-state disk's rated endurance is used, in percent, from what the disk
 * itself reports: smartctl's JSON (`smartctl --json -a /dev/X`) or the kernel's eMMC
 * attributes. Pure: the text in, a whole percentage (which may pass 100) or undefined out.
 */

/** smartctl's exit status bits 0 and 1: the command line was refused or the device would not open. */
const SMARTCTL_NO_DATA = 0b11;

/**
 * SATA attributes whose normalised value counts the endurance left, 100 when new, by the names
 * smartctl's drive database gives them (Samsung's Wear_Leveling_Count, Intel's
 * Media_Wearout_Indicator, SandForce-based and Kingston's SSD_Life_Left, Crucial and Micron's
 * Percent_Lifetime_Remain, and their kin). The raw values are vendor-defined; the normalised
 * value is what the vendors agree on.
 */
const REMAINING_LIFE_ATTRIBUTES = [
  'Media_Wearout_Indicator',
  'SSD_Life_Left',
  'Wear_Leveling_Count',
  'Percent_Lifetime_Remain',
  'Perc_Rated_Life_Remain',
  'Remaining_Lifetime_Perc',
  'Percent_Life_Remaining',
  'PCT_Life_Remaining',
  'Lifetime_Remaining',
  'Lifetime_Left',
];

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const percent = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 255 ? value : undefined;

/** Endurance used from `smartctl --json -a`; undefined for a spinning disk, a refusal or no such figure. */
export function wearFromSmartctl(text: string): number | undefined {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return undefined;
  }
  return wearFromSmartctlDocument(doc);
}

/** The same from smartctl's document already parsed (systeminformation's `diskLayout()` `smartData`). */
export function wearFromSmartctlDocument(doc: unknown): number | undefined {
  if (!isObject(doc)) return undefined;
  const status = isObject(doc.smartctl) ? doc.smartctl.exit_status : undefined;
  if (typeof status === 'number' && (status & SMARTCTL_NO_DATA) !== 0) return undefined;

  // NVMe: the health log's Percentage Used, which the specification lets pass 100.
  const nvme = doc.nvme_smart_health_information_log;
  if (isObject(nvme)) return percent(nvme.percentage_used);
  // SAS and SCSI SSDs: the Solid State Media log page's Percentage Used Endurance Indicator.
  const scsi = percent(doc.scsi_percentage_used_endurance_indicator);
  if (scsi !== undefined) return scsi;

  if (typeof doc.rotation_rate === 'number' && doc.rotation_rate > 0) return undefined;
  return deviceStatisticsWear(doc.ata_device_statistics) ?? attributeWear(doc.ata_smart_attributes);
}

/** ATA Device Statistics, page 7 (Solid State Device Statistics): Percentage Used Endurance Indicator. */
function deviceStatisticsWear(statistics: unknown): number | undefined {
  if (!isObject(statistics) || !Array.isArray(statistics.pages)) return undefined;
  for (const page of statistics.pages) {
    if (!isObject(page) || !Array.isArray(page.table)) continue;
    for (const entry of page.table) {
      if (isObject(entry) && entry.name === 'Percentage Used Endurance Indicator') return percent(entry.value);
    }
  }
  return undefined;
}

/** The first remaining-life attribute smartctl names, as endurance used (100 less its normalised value). */
function attributeWear(attributes: unknown): number | undefined {
  if (!isObject(attributes) || !Array.isArray(attributes.table)) return undefined;
  const rows = attributes.table.filter(isObject);
  for (const name of REMAINING_LIFE_ATTRIBUTES) {
    const row = rows.find((r) => r.name === name);
    const left = percent(row?.value);
    if (left !== undefined && left <= 100) return 100 - left;
  }
  return undefined;
}

/**
 * An eMMC's `life_time` attribute (`0x01 0x02`): the device's two life-time estimates (types A
 * and B of JEDEC's DEVICE_LIFE_TIME_EST), each 0x01 for 0-10% used up to 0x0A for 90-100% and
 * 0x0B for past its rated life. The more worn of the two, at the top of its step: a 10% step
 * says no more precisely than that, and a warning should come early rather than late.
 */
export function wearFromEmmcLifeTime(text: string): number | undefined {
  const steps = text
    .trim()
    .split(/\s+/)
    .map((field) => (/^0x[0-9a-f]{1,2}$/i.test(field) ? Number.parseInt(field, 16) : Number.NaN))
    .filter((step) => step >= 0x01 && step <= 0x0b);
  if (steps.length === 0) return undefined;
  return Math.min(Math.max(...steps), 0x0a) * 10;
}
