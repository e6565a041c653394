import { describe, expect, it } from 'vitest';
import * as api from './index.ts';

interface Node {
  description?: string;
  type?: string;
  properties?: Record<string, Node>;
  items?: Node;
  anyOf?: Node[];
  patternProperties?: Record<string, Node>;
}

const isSchema = (value: unknown): value is Node =>
  typeof value === 'object' && value !== null && ('type' in value || 'anyOf' in value || 'enum' in value);

/** A property says what it is: itself, or (nullable) the schema it makes nullable. */
const described = (node: Node): boolean =>
  Boolean(node.description) || (node.anyOf ?? []).some((n) => n.type !== 'null' && described(n));

/** Paths of the properties, at any depth, that say nothing about themselves. */
function undescribed(node: Node, path: string): string[] {
  const out: string[] = [];
  for (const [name, child] of Object.entries(node.properties ?? {})) {
    if (!described(child)) out.push(`${path}.${name}`);
    out.push(...undescribed(child, `${path}.${name}`));
  }
  for (const child of node.anyOf ?? []) out.push(...undescribed(child, path));
  if (node.items) out.push(...undescribed(node.items, `${path}[]`));
  return out;
}

describe('the contract', () => {
  it('describes every field of every schema it exports', () => {
    const schemas = Object.entries(api).filter(([name, value]) => name.endsWith('Schema') && isSchema(value));
    expect(schemas.length).toBeGreaterThan(50);
    const missing = schemas.flatMap(([name, schema]) => undescribed(schema as Node, name));
    expect(missing).toEqual([]);
  });
});
