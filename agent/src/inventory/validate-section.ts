import { type FieldError, SECTION_SHAPES, type SectionName } from '@stocktake/shared/core';

/**
 * What merging can break: collectors each give part of a record, so together they may still
 * miss a member the contract requires. Item contents are typed by the parsers and checked in
 * full by the collector; compiling the whole schema on every run would cost the agent more
 * CPU than the rest of the check is worth, and loading TypeBox at all costs it memory, so the
 * top-level shape comes from SECTION_SHAPES (kept equal to the schemas by shared's tests).
 */
export function missingRequired(name: SectionName, data: unknown): FieldError[] {
  const shape = SECTION_SHAPES[name];
  if (shape.type === 'array') return Array.isArray(data) ? [] : [{ path: '', message: 'must be an array' }];
  if (typeof data !== 'object' || data === null) return [{ path: '', message: 'must be an object' }];
  return shape.required
    .filter((key) => (data as Record<string, unknown>)[key] === undefined)
    .map((key) => ({ path: `/${key}`, message: 'is required and no source reported it' }));
}
