import SerializerSelector from '@fastify/fast-json-stringify-compiler';
import * as wire from '@stocktake/shared';
import * as api from '@stocktake/shared/api';
import type { TSchema } from 'typebox';
import { Compile } from 'typebox/compile';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test-support/test-app.ts';
import type { RegisteredRoute } from '../plugins/route-table.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

/** Every value the contract packages export: a response schema must be one of these very objects. */
const contract = new Set<unknown>([...Object.values(wire), ...Object.values(api)]);

type Responses = Record<string, unknown>;

/** The schemas a route answers with: one per status, or one per media type of a status that has several. */
function responseSchemas(route: RegisteredRoute): { where: string; schema: unknown }[] {
  const responses = (route.schema?.response ?? {}) as Responses;
  return Object.entries(responses).flatMap(([status, declared]) => {
    const content = (declared as { content?: Record<string, { schema: unknown }> } | null)?.content;
    if (!content) return [{ where: `${route.method} ${route.url} ${status}`, schema: declared }];
    return Object.entries(content).map(([type, media]) => ({
      where: `${route.method} ${route.url} ${status} ${type}`,
      schema: media.schema,
    }));
  });
}

/** The routes of the API, the documentation's own aside. */
const apiRoutes = () => t.app.registeredRoutes.filter((r) => !r.hidden && r.url !== '/openapi.json');

describe('the routes answer with the contract', () => {
  it('declare a response schema on every API route', () => {
    const routes = apiRoutes();
    expect(routes.length).toBeGreaterThan(40);
    const undeclared = routes.filter((r) => responseSchemas(r).length === 0).map((r) => `${r.method} ${r.url}`);
    expect(undeclared).toEqual(['GET /api/v1/agent/ws']);
  });

  it('take every response schema, of every status, from @stocktake/shared or @stocktake/shared/api', () => {
    const schemas = t.app.registeredRoutes.flatMap(responseSchemas);
    expect(schemas.length).toBeGreaterThan(100);
    const own = schemas.filter(({ schema }) => !contract.has(schema)).map(({ where }) => where);
    expect(own).toEqual([]);
  });
});

// The collector compiles serializers and validators when a route first needs them, not at start,
// so a schema that cannot compile would only show on that route's first request: here every one does.
describe('every schema compiles', () => {
  it('response schemas, with the serializer the collector uses', () => {
    const compile = SerializerSelector()(undefined, undefined);
    const failed = t.app.registeredRoutes.flatMap((route) =>
      Object.entries((route.schema?.response ?? {}) as Responses).flatMap(([status, schema]) => {
        try {
          compile({ method: route.method, url: route.url, httpStatus: status, schema });
          return [];
        } catch (err) {
          return [`${route.method} ${route.url} ${status}: ${(err as Error).message}`];
        }
      }),
    );
    expect(failed).toEqual([]);
  });

  it('request schemas, with the validator the collector uses', () => {
    const parts = ['body', 'querystring', 'params', 'headers'] as const;
    const schemas = t.app.registeredRoutes.flatMap((route) =>
      parts.flatMap((part) => {
        const schema = (route.schema as Record<string, unknown> | undefined)?.[part];
        return schema ? [{ where: `${route.method} ${route.url} ${part}`, schema: schema as TSchema }] : [];
      }),
    );
    expect(schemas.length).toBeGreaterThan(40);
    const failed = schemas.flatMap(({ where, schema }) => {
      try {
        Compile(schema);
        return [];
      } catch (err) {
        return [`${where}: ${(err as Error).message}`];
      }
    });
    expect(failed).toEqual([]);
  });
});
