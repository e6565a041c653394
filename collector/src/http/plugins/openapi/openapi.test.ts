import { compileErrors, validate } from '@readme/openapi-parser';
import { ROUTE_EXAMPLES } from '@stocktake/shared/api';
import type { OpenAPIV3_1 } from 'openapi-types';
import type { TSchema } from 'typebox';
import { Compile } from 'typebox/compile';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test-support/test-app.ts';

let t: TestApp;
let doc: OpenAPIV3_1.Document;
beforeAll(async () => {
  t = await createTestApp();
  const res = await t.app.inject('/openapi.json');
  expect(res.statusCode).toBe(200);
  doc = res.json();
});
afterAll(async () => t.close());

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

/** `/api/v1/devices/:id` as OpenAPI writes it. */
const openapiPath = (url: string) => url.replace(/:([A-Za-z]+)/g, '{$1}');

function operations(): { key: string; op: OpenAPIV3_1.OperationObject }[] {
  const out: { key: string; op: OpenAPIV3_1.OperationObject }[] = [];
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const m of METHODS) {
      const op = item?.[m];
      if (op) out.push({ key: `${m.toUpperCase()} ${path}`, op });
    }
  }
  return out;
}

/** Where an example breaks the schema it illustrates, by the collector's own validator. */
function exampleErrors(where: string, schema: unknown, example: unknown): string[] {
  const compiled = Compile(schema as TSchema);
  if (compiled.Check(example)) return [];
  return [...compiled.Errors(example)].map((e) => `${where}: ${e.instancePath} ${e.message}`);
}

describe('the OpenAPI document', () => {
  it('is valid OpenAPI 3.1 according to a standard validator', async () => {
    expect(doc.openapi).toBe('3.1.0');
    const result = await validate(structuredClone(doc) as Parameters<typeof validate>[0]);
    expect(result.valid, result.valid ? '' : compileErrors(result)).toBe(true);
  });

  it('lists every route Fastify registered (HEAD twins and the documentation itself aside)', () => {
    const documented = new Set(operations().map((o) => o.key));
    const registered = t.app.registeredRoutes
      .filter((r) => !r.hidden && r.method !== 'HEAD' && r.url !== '/openapi.json')
      .map((r) => `${r.method} ${openapiPath(r.url)}`);
    expect(registered.length).toBeGreaterThan(40);
    expect(registered.filter((r) => !documented.has(r))).toEqual([]);
    expect([...documented].filter((d) => !registered.includes(d))).toEqual([]);
  });

  it('documents every operation with a summary, a tag, its security and its refusals', () => {
    const schemes = doc.components?.securitySchemes ?? {};
    expect(schemes).toMatchObject({
      apiToken: { type: 'http', scheme: 'bearer' },
      agentToken: { type: 'http', scheme: 'bearer' },
      sessionCookie: { type: 'apiKey', in: 'cookie', name: 'stocktake_session' },
    });
    for (const { key, op } of operations()) {
      expect(op.summary, key).toBeTruthy();
      expect(op.tags?.length, key).toBeGreaterThan(0);
      expect(op.security, key).toBeDefined();
      const isPublic = op.security?.length === 0;
      if (!isPublic) {
        for (const status of ['401', '403', '429']) {
          const content = (op.responses?.[status] as OpenAPIV3_1.ResponseObject | undefined)?.content;
          expect(content, `${key} ${status}`).toBeDefined();
        }
      }
    }
    // People's sessions open the API routes, not the agents' or the metrics route.
    expect(doc.paths?.['/api/v1/devices']?.get?.security).toEqual([{ apiToken: [] }, { sessionCookie: [] }]);
    expect(doc.paths?.['/api/v1/agent/snapshots']?.post?.security).toEqual([{ agentToken: [] }]);
    const publicOps = operations()
      .filter((o) => o.op.security?.length === 0)
      .map((o) => o.key)
      .sort();
    expect(publicOps).toEqual(['GET /healthz', 'GET /readyz', 'POST /api/v1/agent/enroll', 'POST /api/v1/session']);
  });

  it('gives an example for every request body and every JSON success response, each valid against its schema', () => {
    let checked = 0;
    const problems: string[] = [];
    for (const { key, op } of operations()) {
      const body = (op.requestBody as OpenAPIV3_1.RequestBodyObject | undefined)?.content;
      for (const [type, media] of Object.entries(body ?? {})) {
        if (media.example === undefined) problems.push(`${key} request ${type}: no example`);
        else if (type === 'application/json')
          problems.push(...exampleErrors(`${key} request`, media.schema, media.example));
        checked++;
      }
      const successes = Object.entries(op.responses ?? {})
        .filter(([code]) => code.startsWith('2'))
        .map(([code, r]) => {
          const json = (r as OpenAPIV3_1.ResponseObject).content?.['application/json'];
          // A response declared per media type keeps its example in the schema (JSON Schema `examples`).
          const inSchema = (json?.schema as { examples?: unknown[] } | undefined)?.examples?.[0];
          return [code, json && { ...json, example: json.example ?? inSchema }] as const;
        })
        .filter(([, json]) => json?.schema && (json.schema as { type?: string }).type !== 'null');
      if (successes.length > 0 && !successes.some(([, json]) => json?.example !== undefined)) {
        problems.push(`${key} response: no example`);
      }
      for (const [code, json] of successes) {
        if (json?.example === undefined) continue;
        problems.push(...exampleErrors(`${key} response ${code}`, json.schema, json.example));
        checked++;
      }
    }
    expect(problems).toEqual([]);
    expect(checked).toBeGreaterThan(40);
    // No example for a route that does not exist.
    const known = new Set(operations().map((o) => o.key.replace(/\{([A-Za-z]+)\}/g, ':$1')));
    expect(Object.keys(ROUTE_EXAMPLES).filter((r) => !known.has(r))).toEqual([]);
  });

  it('serves the browsable documentation from the collector itself', async () => {
    const page = await t.app.inject('/docs/');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('swagger-ui');
    expect(page.body).not.toMatch(/https?:\/\/(?!127\.0\.0\.1)/);
    const json = await t.app.inject('/docs/json');
    expect(json.json().paths).toEqual(doc.paths);
  });
});
