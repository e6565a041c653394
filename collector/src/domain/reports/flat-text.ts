/**
 * A value as one line of text for a CSV cell or a PDF table: plain values as they are, lists
 * joined with commas, objects as "key: value" pairs joined with semicolons (nested keys dotted).
 * Spreadsheets and people read it; nobody has to parse JSON out of a cell.
 */
export function flatText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.map((v) => (isObject(v) ? `(${flatText(v)})` : flatText(v))).join(', ');
  if (isObject(value)) return pairs(value, '').join('; ');
  return String(value);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function pairs(obj: Record<string, unknown>, prefix: string): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(obj)) {
    if (v === undefined) continue;
    if (isObject(v) && Object.keys(v).length > 0) out.push(...pairs(v, `${prefix}${k}.`));
    else out.push(`${prefix}${k}: ${flatText(v)}`);
  }
  return out;
}
