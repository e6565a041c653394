import { describe, expect, it } from 'vitest';
import * as wire from '../index.ts';
import { createValidator } from '../validate.ts';
import { type Example, example } from './common.ts';
import { ROUTE_EXAMPLES } from './examples.ts';
import { FINDING_EXAMPLE, FindingSchema } from './findings.ts';
import * as api from './index.ts';

/** Where an example breaks the schema it is paired with. */
function problemsOf(where: string, pair: Example): string[] {
  const result = createValidator(pair.schema)(pair.value);
  return result.ok ? [] : result.errors.map((e) => `${where}: ${e.path || '/'} ${e.message}`);
}

const pairs = Object.entries(ROUTE_EXAMPLES).flatMap(([route, { body, response }]) => [
  ...(body ? [[`${route} body`, body] as const] : []),
  ...(response ? [[`${route} response`, response] as const] : []),
]);

describe('the documented examples', () => {
  it('cover the API: a response for nearly every route', () => {
    expect(Object.values(ROUTE_EXAMPLES).filter((r) => r.response).length).toBeGreaterThan(40);
  });

  it.each(pairs)('%s matches its schema', (where, pair) => {
    expect(problemsOf(where, pair)).toEqual([]);
  });

  it('would catch an example that breaks its schema', () => {
    const broken = example(FindingSchema, { ...FINDING_EXAMPLE });
    (broken.value as Record<string, unknown>).severity = 'dire';
    delete (broken.value as Record<string, unknown>).summary;
    expect(problemsOf('broken', broken)).toEqual([
      'broken: / must have required properties summary',
      'broken: /severity must be equal to one of the allowed values',
    ]);
  });

  it('pair each value with a schema the contracts export', () => {
    const exported = new Set<unknown>([...Object.values(api), ...Object.values(wire)]);
    const stray = pairs.filter(([, pair]) => !exported.has(pair.schema)).map(([where]) => where);
    expect(stray).toEqual([]);
  });
});
