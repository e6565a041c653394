import type { FieldError } from '@stocktake/shared';
import { HttpProblem } from './problem.ts';

/** One schema violation as the validator reports it (TypeBox; what Fastify puts in `error.validation`). */
export interface SchemaIssue {
  instancePath: string;
  schemaPath?: string;
  keyword: string;
  message?: string;
  params?: unknown;
}

/**
 * Field errors that name the offending field: a missing property and an unknown one point at
 * that property, not at the object holding it.
 */
function fieldErrors(v: SchemaIssue): FieldError[] {
  const params = (v.params ?? {}) as { additionalProperties?: string[]; requiredProperties?: string[] };
  const at = (name: string) => `${v.instancePath}/${name.replace(/~/g, '~0').replace(/\//g, '~1')}`;
  // A closed object reports each unknown member as "schema is false" at its own path, then one
  // entry listing them all. The validator stops at its first 8 errors, so past 8 unknown members
  // only the per-member entries are left: each names its field.
  if (v.keyword === 'boolean' && v.schemaPath?.endsWith('/additionalProperties')) {
    return [{ path: v.instancePath, message: 'is not a known property' }];
  }
  if (v.message === 'schema is false') return [];
  if (v.keyword === 'additionalProperties' && params.additionalProperties) {
    return params.additionalProperties.map((name) => ({ path: at(name), message: 'is not a known property' }));
  }
  if (v.keyword === 'required' && params.requiredProperties) {
    return params.requiredProperties.map((name) => ({ path: at(name), message: 'is required' }));
  }
  return [{ path: v.instancePath, message: v.message ?? 'invalid' }];
}

/**
 * The 400 problem for a value that breaks its schema: the error handler maps Fastify's
 * validation errors with it, and the live channel its own, so a snapshot refused over the
 * websocket gets the body it would have got over HTTP (a test compares the two).
 */
export function schemaProblem(issues: readonly SchemaIssue[], where: string): HttpProblem {
  const errors = issues.flatMap(fieldErrors);
  const unique = errors.filter((e, i) => errors.findIndex((o) => o.path === e.path && o.message === e.message) === i);
  return HttpProblem.validation(
    `The ${where} does not match the schema: ${unique.map((e) => `${e.path || '/'} ${e.message}`).join('; ')}`,
    unique,
  );
}
