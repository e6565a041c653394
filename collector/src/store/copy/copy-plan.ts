import { type ColumnKind, CopyRefusedError, type RawValue, type TableShape } from './tables.ts';

/** A source value as the target's driver takes it for a column of `kind`. */
type Convert = (value: RawValue) => RawValue;

export interface PlannedColumn {
  name: string;
  /** The column's kind on each side. */
  from: ColumnKind;
  to: ColumnKind;
  identity: boolean;
  convert: Convert;
}

export interface PlannedTable {
  name: string;
  columns: readonly PlannedColumn[];
}

/** A value that is not what its column declares. */
export class BadValue extends Error {}

export function isoInstant(value: RawValue): string {
  if (typeof value !== 'string' && !(value instanceof Date)) throw new BadValue(`not a time: ${String(value)}`);
  const at = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(at.getTime())) throw new BadValue(`not a time: ${String(value)}`);
  return at.toISOString();
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

export function isoDay(value: RawValue): string {
  if (typeof value !== 'string' || !DAY.test(value)) throw new BadValue(`not a day (YYYY-MM-DD): ${String(value)}`);
  return value;
}

export function jsonText(value: RawValue): string {
  if (typeof value !== 'string') throw new BadValue(`not JSON text: ${String(value)}`);
  try {
    JSON.parse(value);
  } catch {
    throw new BadValue(`not JSON: ${value.slice(0, 40)}`);
  }
  return value;
}

export function integer(value: RawValue): number {
  const n = typeof value === 'bigint' ? Number(value) : typeof value === 'string' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isSafeInteger(n)) throw new BadValue(`not an integer: ${String(value)}`);
  return n;
}

export function flag(value: RawValue): boolean {
  if (typeof value === 'boolean') return value;
  if (value === 0 || value === 1 || value === 0n || value === 1n) return Number(value) === 1;
  throw new BadValue(`not a boolean (0 or 1): ${String(value)}`);
}

export function text(value: RawValue): string {
  if (typeof value !== 'string') throw new BadValue(`not text: ${String(value)}`);
  return value;
}

export function bytes(value: RawValue): Buffer {
  if (!Buffer.isBuffer(value)) throw new BadValue(`not bytes: ${typeof value}`);
  return value;
}

/**
 * How a value kept as one kind is written as another: each pair the two schemas hold today. A
 * pair not here (a column whose type differs in a way no conversion covers) stops the plan.
 */
const CONVERSIONS: Readonly<Record<string, Convert>> = {
  'text>text': text,
  'text>instant': isoInstant,
  'instant>instant': isoInstant,
  'text>day': isoDay,
  'day>day': isoDay,
  'json>json': jsonText,
  'integer>integer': integer,
  'boolean>boolean': flag,
  'bytes>bytes': bytes,
};

/** Every conversion the copy knows, as "from>to" (for the tests). */
export const KNOWN_CONVERSIONS: readonly string[] = Object.keys(CONVERSIONS);

/**
 * The tables of `target` in an order that fills every table after those its foreign keys point
 * at. A cycle (none today) would leave no such order, and is refused.
 */
function dependencyOrder(target: readonly TableShape[]): TableShape[] {
  const byName = new Map(target.map((t) => [t.name, t]));
  const ordered: TableShape[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (table: TableShape, path: readonly string[]) => {
    const seen = state.get(table.name);
    if (seen === 'done') return;
    if (seen === 'visiting') {
      throw new CopyRefusedError(
        `the tables' foreign keys form a cycle: ${[...path, table.name].join(' -> ')}`,
        'schemas-differ',
      );
    }
    state.set(table.name, 'visiting');
    for (const name of [...table.references].sort()) {
      const referenced = byName.get(name);
      if (referenced && name !== table.name) visit(referenced, [...path, table.name]);
    }
    state.set(table.name, 'done');
    ordered.push(table);
  };
  for (const table of [...target].sort((a, b) => a.name.localeCompare(b.name))) visit(table, []);
  return ordered;
}

/**
 * The copy of `source` into `target`, table by table in dependency order, each column with the
 * conversion from the source's kind to the target's. Both schemas must hold the same tables and
 * columns (schema-parity.test.ts checks that they do): anything one side has and the other lacks,
 * or a pair of kinds no conversion covers, is refused before a row is read.
 */
export function planCopy(source: readonly TableShape[], target: readonly TableShape[]): PlannedTable[] {
  const problems: string[] = [];
  const sourceByName = new Map(source.map((t) => [t.name, t]));
  const targetNames = new Set(target.map((t) => t.name));
  for (const t of source) if (!targetNames.has(t.name)) problems.push(`table ${t.name} is only in the source`);
  const plan: PlannedTable[] = [];
  for (const table of dependencyOrder(target)) {
    const from = sourceByName.get(table.name);
    if (!from) {
      problems.push(`table ${table.name} is only in the target`);
      continue;
    }
    const fromColumns = new Map(from.columns.map((c) => [c.name, c]));
    const toNames = new Set(table.columns.map((c) => c.name));
    for (const c of from.columns) {
      if (!toNames.has(c.name)) problems.push(`column ${table.name}.${c.name} is only in the source`);
    }
    const columns: PlannedColumn[] = [];
    for (const c of table.columns) {
      const sourceColumn = fromColumns.get(c.name);
      if (!sourceColumn) {
        problems.push(`column ${table.name}.${c.name} is only in the target`);
        continue;
      }
      const convert = CONVERSIONS[`${sourceColumn.kind}>${c.kind}`];
      if (!convert) {
        problems.push(`column ${table.name}.${c.name}: no conversion from ${sourceColumn.kind} to ${c.kind}`);
        continue;
      }
      columns.push({ name: c.name, from: sourceColumn.kind, to: c.kind, identity: c.identity === true, convert });
    }
    plan.push({ name: table.name, columns });
  }
  if (problems.length > 0) {
    throw new CopyRefusedError(
      `the two stores' schemas do not match, so nothing was copied: ${problems.join('; ')}`,
      'schemas-differ',
    );
  }
  return plan;
}

/** One source row as the target takes it; a value that does not fit says where it is. */
export function convertRow(table: PlannedTable, row: readonly RawValue[]): RawValue[] {
  return table.columns.map((column, i) => {
    const value = row[i] ?? null;
    if (value === null) return null;
    try {
      return column.convert(value);
    } catch (err) {
      if (!(err instanceof BadValue)) throw err;
      const key = table.columns[0] ? ` (${table.columns[0].name} ${String(row[0])})` : '';
      throw new CopyRefusedError(`${table.name}.${column.name}${key}: ${err.message}`, 'bad-row');
    }
  });
}
