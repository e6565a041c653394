/** Absolute path: the agent runs as root, so it never resolves tools through PATH. */
export const SYSTEM_PROFILER = '/usr/sbin/system_profiler';

export type ProfilerEntry = Record<string, unknown>;

/**
 * Parses what `system_profiler -json` printed. The document is one object keyed by data type;
 * anything else means the tool failed mid-way, and returning nothing would read as "no apps" or
 * "no hardware", so it is an error naming the command.
 */
export function parseProfilerDocument(text: string, command: string): Record<string, unknown> {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new Error(`${command} printed invalid JSON (${text.length} bytes): ${why}`);
  }
  if (!isObject(doc)) throw new Error(`${command} printed JSON that is not an object`);
  return doc;
}

/** The entries of one data type, or undefined when the document does not have it. Non-objects are skipped. */
export function profilerEntries(doc: Record<string, unknown>, dataType: string): ProfilerEntry[] | undefined {
  const value = doc[dataType];
  if (!Array.isArray(value)) return undefined;
  return value.filter(isObject);
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A trimmed, non-empty string field; numbers and other types are not strings. */
export function stringField(entry: Record<string, unknown>, key: string): string | undefined {
  const value = entry[key];
  if (typeof value !== 'string') return undefined;
  const s = value.trim();
  return s === '' ? undefined : s;
}

/** A field that system_profiler prints as a number on some Macs and as a numeric string on others. */
export function numberField(entry: Record<string, unknown>, key: string): number | undefined {
  const value = entry[key];
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && /^\s*\d+(?:[.,]\d+)?\s*$/.test(value)) return Number(value.trim().replace(',', '.'));
  return undefined;
}

export function objectField(entry: Record<string, unknown>, key: string): Record<string, unknown> | undefined {
  const value = entry[key];
  return isObject(value) ? value : undefined;
}

/**
 * Sizes as system_profiler prints them ("16 GB", "512 MB", "8 GB"). Apple means binary units
 * here: "16 GB" of RAM is 16 GiB.
 */
export function binarySizeBytes(raw: string | undefined): number | undefined {
  if (!raw) return undefined;
  const m = /^(\d+(?:[.,]\d+)?)\s*(KB|MB|GB|TB)$/i.exec(raw.trim());
  if (!m) return undefined;
  const value = Number((m[1] ?? '').replace(',', '.'));
  const power = { KB: 1, MB: 2, GB: 3, TB: 4 }[(m[2] ?? '').toUpperCase() as 'KB' | 'MB' | 'GB' | 'TB'];
  const bytes = Math.round(value * 1024 ** power);
  return bytes > 0 ? bytes : undefined;
}
