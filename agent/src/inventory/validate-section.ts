import {
  type FieldError,
  HardwareSchema,
  OsSchema,
  PatchStateSchema,
  type SectionName,
  SoftwareSchema,
  UsersSchema,
} from '@stocktake/shared';

const SCHEMAS = {
  hardware: HardwareSchema,
  os: OsSchema,
  software: SoftwareSchema,
  patches: PatchStateSchema,
  users: UsersSchema,
};

/**
 * What merging can break: collectors each give part of a record, so together they may still
 * miss a member the contract requires. Item contents are typed by the parsers and checked in
 * full by the collector; compiling the whole schema on every run would cost the agent more
 * CPU than the rest of the check is worth.
 */
export function missingRequired(name: SectionName, data: unknown): FieldError[] {
  const schema = SCHEMAS[name] as { type?: string; required?: readonly string[] };
  if (schema.type === 'array') return Array.isArray(data) ? [] : [{ path: '', message: 'must be an array' }];
  if (typeof data !== 'object' || data === null) return [{ path: '', message: 'must be an object' }];
  return (schema.required ?? [])
    .filter((key) => (data as Record<string, unknown>)[key] === undefined)
    .map((key) => ({ path: `/${key}`, message: 'is required and no source reported it' }));
}
