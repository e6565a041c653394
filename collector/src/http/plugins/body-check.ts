import type { TSchema } from 'typebox';
import { Compile } from 'typebox/compile';

/**
 * Body validation whose cost follows the size of the body once, never a walk per fault.
 *
 * TypeBox's compiled `Check` is fast, but listing why a value failed (`Errors`) walks the whole
 * value without the compiled code, even once its error buffer is full: a 10 MiB snapshot with
 * an over-long array held the event loop for seconds before `maxItems` refused it. So a body is
 * first checked for arrays longer than the schema allows (lengths only), then checked, and only
 * a failed body has its errors listed, on a copy that keeps nothing but the failing elements of
 * each array.
 */

/** One schema violation, in the shape of TypeBox's errors (what Fastify puts in `error.validation`). */
export interface BodyIssue {
  keyword: string;
  schemaPath: string;
  instancePath: string;
  params: Record<string, unknown>;
  message: string;
}

/** Failing elements kept per array when errors are listed: as many as a refusal names. */
const KEPT_PER_ARRAY = 8;

/** The parts of a JSON schema the walks follow (TypeBox builds plain JSON Schema). */
interface SchemaNode {
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode | SchemaNode[];
  anyOf?: SchemaNode[];
  maxItems?: number;
  const?: unknown;
}

/** What the walks need of a compiled validator. */
interface Compiled {
  Check(value: unknown): boolean;
  Errors(value: unknown): unknown[];
}

const compiledOf = new WeakMap<object, Compiled>();
function compiled(schema: SchemaNode): Compiled {
  let c = compiledOf.get(schema);
  if (!c) {
    c = Compile(schema as unknown as TSchema) as Compiled;
    compiledOf.set(schema, c);
  }
  return c;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const segment = (key: string | number) => String(key).replace(/~/g, '~0').replace(/\//g, '~1');
const itemsOf = (schema: SchemaNode): SchemaNode | undefined =>
  schema.items !== undefined && !Array.isArray(schema.items) ? schema.items : undefined;

const holdsArraysCache = new WeakMap<object, boolean>();
/** Whether a value of this schema can hold a bounded array anywhere inside it. */
function holdsArrays(schema: SchemaNode): boolean {
  const known = holdsArraysCache.get(schema);
  if (known !== undefined) return known;
  holdsArraysCache.set(schema, false);
  const items = itemsOf(schema);
  const result =
    schema.maxItems !== undefined ||
    (items !== undefined && holdsArrays(items)) ||
    Object.values(schema.properties ?? {}).some(holdsArrays) ||
    (schema.anyOf ?? []).some(holdsArrays);
  holdsArraysCache.set(schema, result);
  return result;
}

/**
 * The variants of a union an object can be: those whose constant properties (a `change` or
 * `type` discriminator) it matches. A value that is not an object, or a union without
 * constants, may be any of them.
 */
function candidates(variants: SchemaNode[], value: unknown): SchemaNode[] {
  if (!isRecord(value)) return variants;
  return variants.filter((variant) =>
    Object.entries(variant.properties ?? {}).every(([key, sub]) => !('const' in sub) || value[key] === sub.const),
  );
}

/**
 * The first array longer than its schema's `maxItems`, found by lengths alone: elements are
 * visited only when their schema can hold arrays of its own. Inside a union the value is
 * refused only if every variant it can be refuses it.
 */
export function oversizedArray(schema: TSchema, value: unknown): BodyIssue | undefined {
  return findOversized(schema as unknown as SchemaNode, value, '');
}

function findOversized(schema: SchemaNode, value: unknown, path: string): BodyIssue | undefined {
  if (schema.anyOf) {
    let first: BodyIssue | undefined;
    for (const variant of candidates(schema.anyOf, value)) {
      const issue = findOversized(variant, value, path);
      if (!issue) return undefined;
      first ??= issue;
    }
    return first;
  }
  if (Array.isArray(value)) {
    if (schema.maxItems !== undefined && value.length > schema.maxItems) {
      return {
        keyword: 'maxItems',
        schemaPath: '#',
        instancePath: path,
        params: { limit: schema.maxItems },
        message: `must not have more than ${schema.maxItems} items (has ${value.length})`,
      };
    }
    const items = itemsOf(schema);
    if (!items || !holdsArrays(items)) return undefined;
    for (let i = 0; i < value.length; i++) {
      const issue = findOversized(items, value[i], `${path}/${i}`);
      if (issue) return issue;
    }
    return undefined;
  }
  if (isRecord(value) && schema.properties) {
    for (const [key, sub] of Object.entries(schema.properties)) {
      if (!(key in value) || !holdsArrays(sub)) continue;
      const issue = findOversized(sub, value[key], `${path}/${segment(key)}`);
      if (issue) return issue;
    }
  }
  return undefined;
}

/** Where an array was thinned: its path in the thinned copy → the original index of each element kept. */
type Kept = Map<string, number[]>;

/**
 * A copy of `value` that fails where it failed, with every array reduced to its first failing
 * elements (found by the compiled check of the element schema). The original indices are
 * recorded in `kept`, so errors on the copy can be pointed back at the body.
 */
function thin(schema: SchemaNode, value: unknown, path: string, kept: Kept): unknown {
  if (schema.anyOf) {
    const possible = candidates(schema.anyOf, value);
    const [only] = possible;
    if (possible.length === 1 && only) return thin(only, value, path, kept);
    // A discriminator that matches no variant is the fault; the arrays beside it are not looked at.
    if (possible.length === 0 && isRecord(value)) {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, Array.isArray(v) ? [] : v]));
    }
    return value;
  }
  const items = itemsOf(schema);
  if (Array.isArray(value) && items) {
    const check = compiled(items);
    const indices: number[] = [];
    const elements: unknown[] = [];
    for (let i = 0; i < value.length && indices.length < KEPT_PER_ARRAY; i++) {
      if (check.Check(value[i])) continue;
      elements.push(thin(items, value[i], `${path}/${indices.length}`, kept));
      indices.push(i);
    }
    kept.set(path, indices);
    return elements;
  }
  if (isRecord(value) && schema.properties) {
    const copy: Record<string, unknown> = { ...value };
    for (const [key, sub] of Object.entries(schema.properties)) {
      if (key in value) copy[key] = thin(sub, value[key], `${path}/${segment(key)}`, kept);
    }
    return copy;
  }
  return value;
}

/** A path in the thinned copy, as a path in the body. */
function original(path: string, kept: Kept): string {
  if (kept.size === 0 || path === '') return path;
  const parts = path.split('/').slice(1);
  let thinned = '';
  let out = '';
  for (const part of parts) {
    const indices = kept.get(thinned);
    const index = indices && /^\d+$/.test(part) ? indices[Number(part)] : undefined;
    thinned += `/${part}`;
    out += `/${index ?? part}`;
  }
  return out;
}

/**
 * Why `value` fails `schema`, at the cost of one compiled check per array element. Length
 * faults of a thinned array (its elements were dropped, not the body's) are left out.
 */
export function listIssues(schema: TSchema, value: unknown): BodyIssue[] {
  const kept: Kept = new Map();
  const root = schema as unknown as SchemaNode;
  const thinned = thin(root, value, '', kept);
  return (compiled(root).Errors(thinned) as BodyIssue[])
    .filter((e) => !(e.keyword === 'minItems' && kept.has(e.instancePath)))
    .map((e) => ({ ...e, instancePath: original(e.instancePath, kept) }));
}

/**
 * Checks a body: too-long arrays first (lengths only), then the compiled check, then, for a
 * body that fails, its issues (`listIssues`). Undefined when the body is valid.
 */
export function checkBody(
  schema: TSchema,
  check: { Check(value: unknown): boolean },
  value: unknown,
): BodyIssue[] | undefined {
  const tooLong = oversizedArray(schema, value);
  if (tooLong) return [tooLong];
  if (check.Check(value)) return undefined;
  return listIssues(schema, value);
}
