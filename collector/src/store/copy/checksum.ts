import { createHash } from 'node:crypto';
import { flag, integer, isoDay, isoInstant, type PlannedTable } from './copy-plan.ts';
import type { ColumnKind, RawValue, TableReader } from './tables.ts';

/** JSON with every object's keys sorted: one spelling for one value, whichever engine kept it. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * A value as what it means, the same from either engine: an instant as ISO-8601 in UTC with
 * milliseconds, a day as YYYY-MM-DD, JSON with sorted keys (jsonb reorders them), bytes as hex.
 */
export function canonicalValue(kind: ColumnKind, value: RawValue): string | number | boolean | null {
  if (value === null) return null;
  switch (kind) {
    case 'instant':
      return isoInstant(value);
    case 'day':
      return isoDay(value instanceof Date ? value.toISOString().slice(0, 10) : value);
    case 'json':
      return canonicalJson(typeof value === 'string' ? JSON.parse(value) : value);
    case 'integer':
      return integer(value);
    case 'boolean':
      return flag(value);
    case 'bytes':
      return `\\x${Buffer.isBuffer(value) ? value.toString('hex') : String(value)}`;
    case 'text':
      return String(value);
  }
}

const MODULUS = 1n << 128n;

/** One table's figures on one store: its rows, and a checksum that does not depend on their order. */
export interface TableFigures {
  rows: number;
  /** The sum (mod 2^128) of each row's SHA-256 (first 128 bits), over its canonical values. */
  checksum: string;
}

/**
 * Reads every row of `table` on `store` and sums their hashes: two stores holding the same rows
 * in any order, each value kept in its engine's way, give the same figures. `side` says whether
 * the store's values are the source's (converted first, as the copy writes them) or the target's.
 */
export async function tableFigures(
  store: TableReader,
  table: PlannedTable,
  side: 'source' | 'target',
  batchSize: number,
): Promise<TableFigures> {
  const names = table.columns.map((c) => c.name);
  // Canonical rows list the columns by name, so the order each schema declares them in does not count.
  const order = names.map((_, i) => i).sort((a, b) => ((names[a] ?? '') < (names[b] ?? '') ? -1 : 1));
  let sum = 0n;
  let rows = 0;
  for await (const batch of store.rows(table.name, names, batchSize)) {
    for (const row of batch) {
      const values = order.map((i) => {
        const column = table.columns[i];
        const raw = row[i] ?? null;
        if (!column || raw === null) return null;
        return canonicalValue(column.to, side === 'source' ? column.convert(raw) : raw);
      });
      const digest = createHash('sha256').update(JSON.stringify(values)).digest('hex');
      sum = (sum + BigInt(`0x${digest.slice(0, 32)}`)) % MODULUS;
      rows++;
    }
  }
  return { rows, checksum: sum.toString(16).padStart(32, '0') };
}
