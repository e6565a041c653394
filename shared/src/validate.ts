import type { TSchema } from 'typebox';
import { Compile } from 'typebox/compile';
import { type Snapshot, SnapshotSchema } from './snapshot.ts';

export interface FieldError {
  /** JSON Pointer to the offending value (`/sections/os/data/hostname`); empty for the root. */
  path: string;
  message: string;
}

export type Validation<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };

/**
 * One compiled validator per schema, compiled on first use: compiling is the expensive part,
 * and the agent imports this module without ever validating.
 */
export function createValidator<T>(schema: TSchema) {
  let compiled: ReturnType<typeof Compile> | undefined;
  return (value: unknown): Validation<T> => {
    compiled ??= Compile(schema);
    if (compiled.Check(value)) return { ok: true, value: value as T };
    return { ok: false, errors: toFieldErrors(compiled.Errors(value)) };
  };
}

interface RawError {
  instancePath: string;
  message: string;
  keyword: string;
  params?: unknown;
}

export function toFieldErrors(errors: readonly RawError[]): FieldError[] {
  const seen = new Set<string>();
  const out: FieldError[] = [];
  for (const e of errors) {
    // A closed object also reports each extra member as "schema is false"; the
    // additionalProperties error says the same thing more clearly.
    if (e.message === 'schema is false') continue;
    const path = e.keyword === 'additionalProperties' ? withExtraProperty(e) : e.instancePath;
    const key = `${path}\u0000${e.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ path, message: e.message });
  }
  return out;
}

/** Point at the unknown property itself rather than at the object that holds it. */
function withExtraProperty(e: RawError): string {
  const params = e.params as { additionalProperties?: string[] } | undefined;
  const extra = params?.additionalProperties?.[0];
  return extra === undefined ? e.instancePath : `${e.instancePath}/${extra}`;
}

export const validateSnapshot = createValidator<Snapshot>(SnapshotSchema);
