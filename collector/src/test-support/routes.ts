import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import { routeAccess } from '../http/plugins/access/route-access.ts';
import { bearer, type TestApp } from './test-app.ts';

export type Method = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** The routes a test can call with every parameter filled in (the websocket and preflights aside). */
export const callableRoutes = (app: FastifyInstance) =>
  app.registeredRoutes.filter((r) => r.url !== '/api/v1/agent/ws' && r.method !== 'OPTIONS');

/** The credentials a route wants: the agent's on agent routes, the admin's on the API, none on public ones. */
export function routeCredentials(t: TestApp, agentToken: string, method: string, url: string): Record<string, string> {
  const access = routeAccess(method, url);
  return access.kind === 'agent' ? bearer(agentToken) : access.kind === 'api' ? bearer(t.adminToken) : {};
}

/** An answer as inject gives it, or as read off a socket. */
export interface Answer {
  statusCode: number;
  headers: Record<string, string | string[] | number | undefined>;
  body: string;
}

/** The answer is problem details with this status and type. */
export function expectProblem(res: Answer, status: number, type: string): void {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.headers['content-type']).toContain('application/problem+json');
  expect(JSON.parse(res.body)).toMatchObject({ status, type, title: expect.any(String), detail: expect.any(String) });
}
