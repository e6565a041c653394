import { type AddressInfo, connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type Answer, expectProblem } from '../../../test-support/routes.ts';
import { createTestApp, type TestApp } from '../../../test-support/test-app.ts';

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

/** Sends bytes as they are over a TCP connection and reads the answer until the server closes it. */
function exchange(port: number, request: string): Promise<Answer> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      text += chunk;
    });
    // The server may close while a large request is still being written: the answer came first.
    socket.on('error', () => undefined);
    socket.on('close', () => {
      const [head = '', body = ''] = text.split('\r\n\r\n');
      const [statusLine = '', ...lines] = head.split('\r\n');
      const headers = Object.fromEntries(
        lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]),
      );
      resolve({ statusCode: Number(statusLine.split(' ')[1]), headers, body });
    });
    socket.write(request);
  });
}

describe("the framework's and Node's own refusals, on a real socket", () => {
  it('answers a malformed request, a bad URL, an over-long path id and oversized headers with problem+json', async () => {
    t = await createTestApp();
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    const port = (t.app.server.address() as AddressInfo).port;
    const get = (path: string, extra = '') =>
      `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n${extra}Connection: close\r\n\r\n`;

    const malformed = await exchange(port, 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nno colon here\r\n\r\n');
    expectProblem(malformed, 400, 'urn:stocktake:problem:bad-request');
    const badUrl = await exchange(port, get('/api/v1/devices/%E0%A4%A'));
    expectProblem(badUrl, 400, 'urn:stocktake:problem:bad-request');
    const longId = await exchange(port, get(`/api/v1/devices/${'a'.repeat(200)}`));
    expectProblem(longId, 414, 'urn:stocktake:problem:uri-too-long');
    const bigHeaders = await exchange(port, get('/healthz', `X-Padding: ${'a'.repeat(20_000)}\r\n`));
    expectProblem(bigHeaders, 431, 'urn:stocktake:problem:request-header-fields-too-large');
    const notJson = await exchange(
      port,
      `POST /api/v1/assets HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${t.adminToken}\r\nContent-Type: application/json\r\nContent-Length: 12\r\nConnection: close\r\n\r\n{"assetTag":`,
    );
    expectProblem(notJson, 400, 'urn:stocktake:problem:bad-request');
    for (const answer of [malformed, badUrl, longId, bigHeaders, notJson]) {
      expect(answer.headers['x-content-type-options']).toBe('nosniff');
      expect(answer.headers['x-stocktake-collector']).toEqual(expect.any(String));
    }
    // The server still answers.
    expect((await exchange(port, get('/healthz'))).statusCode).toBe(200);
  });
});
