import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { createForeground, type RequestsInFlight } from '../../domain/csv/pace.ts';
import foregroundPlugin from './foreground.ts';

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function appCounting(foreground: RequestsInFlight): Promise<{ server: FastifyInstance; seen: number[] }> {
  const seen: number[] = [];
  const server = Fastify();
  app = server;
  await server.register(foregroundPlugin, { foreground });
  server.get('/work', async () => {
    seen.push(foreground.inFlight);
    return { ok: true };
  });
  server.post('/import', { config: { background: true } }, async () => {
    seen.push(foreground.inFlight);
    return { ok: true };
  });
  server.post('/upload', async () => ({ ok: true }));
  return { server, seen };
}

describe('the requests in flight the collector counts for its background work', () => {
  it('counts a request until its answer is sent, and not a route that is background work', async () => {
    const foreground = createForeground();
    const { server, seen } = await appCounting(foreground);
    expect((await server.inject({ url: '/work' })).statusCode).toBe(200);
    expect((await server.inject({ method: 'POST', url: '/import', payload: {} })).statusCode).toBe(200);
    expect((await server.inject({ url: '/missing' })).statusCode).toBe(404);
    expect(seen).toEqual([1, 0]);
    expect(foreground.inFlight).toBe(0);
  });

  it('stops counting a request whose client went away before sending its body', async () => {
    const foreground = createForeground();
    const { server } = await appCounting(foreground);
    await server.listen({ host: '127.0.0.1', port: 0 });
    const { port } = server.server.address() as AddressInfo;
    const socket = connect(port, '127.0.0.1');
    await new Promise((r) => socket.once('connect', r));
    socket.write(
      'POST /upload HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"a":',
    );
    for (let i = 0; i < 100 && foreground.inFlight === 0; i++) await new Promise((r) => setTimeout(r, 5));
    expect(foreground.inFlight).toBe(1);
    socket.destroy();
    for (let i = 0; i < 100 && foreground.inFlight > 0; i++) await new Promise((r) => setTimeout(r, 5));
    expect(foreground.inFlight).toBe(0);
  });
});
