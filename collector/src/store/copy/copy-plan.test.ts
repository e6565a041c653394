import { describe, expect, it } from 'vitest';
import { postgresTableShapes } from '../postgres/copy/postgres-table-writer.ts';
import { sqliteTableShapes } from '../sqlite/copy/sqlite-table-reader.ts';
import { canonicalValue } from './checksum.ts';
import { convertRow, planCopy } from './copy-plan.ts';
import { CopyRefusedError, type TableShape } from './tables.ts';

const names = (shapes: readonly { name: string }[]) => shapes.map((t) => t.name).sort();

describe('the copy plan from SQLite to PostgreSQL', () => {
  it('covers every table and column of both engines’ schemas, each with a conversion', () => {
    const source = sqliteTableShapes();
    const target = postgresTableShapes();
    const plan = planCopy(source, target);
    expect(names(plan)).toEqual(names(source));
    expect(names(plan)).toEqual(names(target));
    for (const table of plan) {
      const declared = target.find((t) => t.name === table.name);
      expect(table.columns.map((c) => c.name).sort()).toEqual(declared?.columns.map((c) => c.name).sort());
    }
  });

  it('fills every table after the tables its foreign keys point at', () => {
    const plan = planCopy(sqliteTableShapes(), postgresTableShapes());
    const position = new Map(plan.map((t, i) => [t.name, i]));
    for (const table of postgresTableShapes()) {
      for (const referenced of table.references.filter((r) => r !== table.name)) {
        expect(position.get(referenced), `${referenced} before ${table.name}`).toBeLessThan(
          position.get(table.name) ?? -1,
        );
      }
    }
  });

  it('refuses a table or a column one schema has and the other lacks, and kinds no conversion covers', () => {
    const source = sqliteTableShapes();
    const target = postgresTableShapes();
    const extra: TableShape = { name: 'new_things', columns: [{ name: 'id', kind: 'integer' }], references: [] };
    expect(() => planCopy([...source, extra], target)).toThrow(/table new_things is only in the source/);
    expect(() => planCopy(source, [...target, extra])).toThrow(/table new_things is only in the target/);
    const withColumn = target.map((t) =>
      t.name === 'devices' ? { ...t, columns: [...t.columns, { name: 'colour', kind: 'text' as const }] } : t,
    );
    expect(() => planCopy(source, withColumn)).toThrow(/column devices.colour is only in the target/);
    const retyped = target.map((t) =>
      t.name === 'devices'
        ? { ...t, columns: t.columns.map((c) => (c.name === 'hostname' ? { ...c, kind: 'bytes' as const } : c)) }
        : t,
    );
    expect(() => planCopy(source, retyped)).toThrow(/devices.hostname: no conversion from text to bytes/);
    expect(() => planCopy(source, retyped)).toThrow(CopyRefusedError);
  });

  it('converts SQLite’s values to PostgreSQL’s, and refuses one that is not what its column says, naming it', () => {
    const table = {
      name: 't',
      columns:
        planCopy(
          [
            {
              name: 't',
              references: [],
              columns: [
                { name: 'id', kind: 'integer' },
                { name: 'at', kind: 'text' },
                { name: 'on', kind: 'text' },
                { name: 'ok', kind: 'boolean' },
                { name: 'doc', kind: 'json' },
              ],
            },
          ],
          [
            {
              name: 't',
              references: [],
              columns: [
                { name: 'id', kind: 'integer', identity: true },
                { name: 'at', kind: 'instant' },
                { name: 'on', kind: 'day' },
                { name: 'ok', kind: 'boolean' },
                { name: 'doc', kind: 'json' },
              ],
            },
          ],
        )[0]?.columns ?? [],
    };
    expect(convertRow(table, [7, '2026-01-02T03:04:05Z', '2026-01-02', 1, '{"b":1,"a":[2]}'])).toEqual([
      7,
      '2026-01-02T03:04:05.000Z',
      '2026-01-02',
      true,
      '{"b":1,"a":[2]}',
    ]);
    expect(convertRow(table, [8, null, null, 0, null])).toEqual([8, null, null, false, null]);
    expect(() => convertRow(table, [9, 'yesterday', null, 0, null])).toThrow(/t\.at \(id 9\): not a time: yesterday/);
    expect(() => convertRow(table, [9, null, '2/1/2026', 0, null])).toThrow(/t\.on \(id 9\): not a day/);
    expect(() => convertRow(table, [9, null, null, 2, null])).toThrow(/t\.ok \(id 9\): not a boolean/);
    expect(() => convertRow(table, [9, null, null, 0, '{oops'])).toThrow(/t\.doc \(id 9\): not JSON/);
  });

  it('gives a value one canonical spelling, whichever engine kept it', () => {
    expect(canonicalValue('instant', '2026-01-02T03:04:05Z')).toBe(
      canonicalValue('instant', new Date('2026-01-02T03:04:05.000Z')),
    );
    expect(canonicalValue('json', '{"b":1,"a":{"d":[1,{"f":2,"e":3}],"c":null}}')).toBe(
      canonicalValue('json', '{"a": {"c": null, "d": [1, {"e": 3, "f": 2}]}, "b": 1}'),
    );
    expect(canonicalValue('json', '[2,1]')).not.toBe(canonicalValue('json', '[1,2]'));
    expect(canonicalValue('integer', '9007199254740991')).toBe(9007199254740991);
    expect(canonicalValue('boolean', 1)).toBe(true);
    expect(canonicalValue('bytes', Buffer.from([1, 255]))).toBe('\\x01ff');
  });
});
