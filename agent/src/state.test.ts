import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Credentials, loadCredentials, openCredentials, saveCredentials } from './state.ts';

const log = pino({ level: 'silent' });
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'stocktake-state-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const good: Credentials = {
  serverUrl: 'https://collector.example/',
  agentId: 'agent-1',
  agentToken: 'sta_token',
  enrolledAt: '2026-12-07T10:00:00.000Z',
  confirmed: true,
};
const file = () => join(dir, 'credentials.json');

describe('credentials', () => {
  it('writes only the fields it knows, and reads them back', async () => {
    await saveCredentials(dir, { ...good, padding: 'x'.repeat(1000) } as Credentials);
    expect(Object.keys(JSON.parse(readFileSync(file(), 'utf8'))).sort()).toEqual([
      'agentId',
      'agentToken',
      'confirmed',
      'enrolledAt',
      'serverUrl',
    ]);
    expect(openCredentials(dir, log)).toEqual(good);
  });

  it('takes a file from an agent that did not record acceptance as an accepted token', () => {
    const { confirmed: _, ...older } = good;
    writeFileSync(file(), JSON.stringify(older));
    expect(openCredentials(dir, log)?.confirmed).toBe(true);
  });

  it.each([
    ['truncated', '{"serverUrl":"https://collector.example/","agentId":"a'],
    ['empty', ''],
    ['not an object', '[1,2]'],
    ['without a token', JSON.stringify({ ...good, agentToken: undefined })],
    ['with a token too long', JSON.stringify({ ...good, agentToken: 'x'.repeat(513) })],
    ['huge', JSON.stringify({ ...good, padding: 'x'.repeat(64 * 1024) })],
  ])('sets a %s file aside and reads as not enrolled', async (_name, content) => {
    writeFileSync(file(), content);
    expect(await loadCredentials(dir)).toBeUndefined();
    // Reading alone (status, inventory) changes nothing.
    expect(readdirSync(dir)).toEqual(['credentials.json']);
    expect(openCredentials(dir, log, new Date('2026-12-07T10:00:00.000Z'))).toBeUndefined();
    expect(readdirSync(dir)).toEqual(['credentials.json.corrupt-2026-12-07T10-00-00-000Z']);
    expect(readFileSync(join(dir, 'credentials.json.corrupt-2026-12-07T10-00-00-000Z'), 'utf8')).toBe(content);
  });
});
