import { type SoftwareItem, validateSnapshot } from '@stocktake/shared';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createContext } from '../collectors/context.ts';
import type { Collector } from '../collectors/types.ts';
import { collectSnapshot } from './collect-snapshot.ts';

const log = pino({ level: 'silent' });
const ctx = createContext({ log, timeoutMs: 200, platform: 'linux' });
const item = (name: string, source: SoftwareItem['source']): SoftwareItem => ({ name, version: '1.0', source });

const os: Collector<'os'> = {
  name: 'os-test',
  section: 'os',
  platforms: ['linux'],
  detect: async () => true,
  collect: async () => ({ family: 'linux', name: 'Test Linux', hostname: 'host-under-test' }),
};
const hardware: Collector<'hardware'> = {
  name: 'hw-test',
  section: 'hardware',
  platforms: ['linux'],
  detect: async () => true,
  collect: async () => ({ system: { serial: 'SN-1' }, nics: [{ name: 'eth0', mac: '3c:22:fb:00:11:22' }] }),
};
const software = (
  name: SoftwareItem['source'],
  behaviour: 'ok' | 'throw' | 'hang' | 'absent',
): Collector<'software'> => ({
  name,
  section: 'software',
  platforms: ['linux'],
  detect: async () => behaviour !== 'absent',
  collect: () => {
    if (behaviour === 'throw') return Promise.reject(new Error('database is locked'));
    if (behaviour === 'hang') return new Promise(() => {});
    return Promise.resolve([item(`${name}-pkg`, name)]);
  },
});

describe('collectSnapshot', () => {
  it('marks a section partial when one source fails and names the source', async () => {
    const snapshot = await collectSnapshot({
      collectors: [os, hardware, software('dpkg', 'ok'), software('snap', 'throw')] as Collector[],
      ctx,
      agent: { version: '0.0.0' },
    });
    expect(snapshot.sections.software).toMatchObject({
      status: 'partial',
      failedSources: ['snap'],
      reason: 'snap: database is locked',
      data: [item('dpkg-pkg', 'dpkg')],
    });
    expect(snapshot.sections.os.status).toBe('ok');
    expect(validateSnapshot(snapshot).ok).toBe(true);
  });

  it('fails a section whose only source hangs past its time limit, and still returns the rest', async () => {
    const started = Date.now();
    const snapshot = await collectSnapshot({
      collectors: [os, hardware, software('rpm', 'hang')] as Collector[],
      ctx,
      agent: { version: '0.0.0' },
    });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(snapshot.sections.software.status).toBe('failed');
    expect(snapshot.sections.software.reason).toMatch(/rpm timed out after 200 ms/);
    expect(snapshot.sections.software.data).toBeUndefined();
    expect(snapshot.sections.os.data?.hostname).toBe('host-under-test');
    expect(validateSnapshot(snapshot).ok).toBe(true);
  });

  it('says when no source of a section exists on this system', async () => {
    const snapshot = await collectSnapshot({
      collectors: [os, hardware, software('dpkg', 'absent')] as Collector[],
      ctx,
      agent: { version: '0.0.0' },
    });
    expect(snapshot.sections.software).toMatchObject({
      status: 'failed',
      reason: 'no software source available on this system',
    });
    expect(snapshot.sections.patches.status).toBe('failed');
  });

  it('derives the identity from the hardware and OS sections', async () => {
    const snapshot = await collectSnapshot({
      collectors: [os, hardware] as Collector[],
      ctx,
      agent: { id: 'a-1', version: '0.0.0' },
    });
    expect(snapshot.identity).toEqual({
      hostname: 'host-under-test',
      hardwareSerial: 'SN-1',
      macs: ['3c:22:fb:00:11:22'],
    });
    expect(snapshot.agent).toEqual({ id: 'a-1', version: '0.0.0', platform: 'linux' });
  });

  it('skips collectors of other platforms', async () => {
    const windowsOnly: Collector<'software'> = { ...software('registry', 'throw'), platforms: ['win32'] };
    const snapshot = await collectSnapshot({
      collectors: [os, hardware, software('dpkg', 'ok'), windowsOnly] as Collector[],
      ctx,
      agent: { version: '0' },
    });
    expect(snapshot.sections.software.status).toBe('ok');
  });
});

describe('merged sections', () => {
  it('fails a record section whose collectors together miss a required field', async () => {
    const partialUsers: Collector<'users'> = {
      name: 'last-only',
      section: 'users',
      platforms: ['linux'],
      detect: async () => true,
      // knows the last user but not who is logged in now
      collect: async () => ({ lastLoggedIn: { user: 'alice' } }),
    };
    const snapshot = await collectSnapshot({
      collectors: [os, hardware, partialUsers] as Collector[],
      ctx,
      agent: { version: '0' },
    });
    expect(snapshot.sections.users.status).toBe('failed');
    expect(snapshot.sections.users.reason).toMatch(/incomplete users data: .*loggedIn/);
    expect(validateSnapshot(snapshot).ok).toBe(true);
  });

  it('gives a slow source its own time budget', async () => {
    const slow: Collector<'software'> = {
      ...software('dpkg', 'ok'),
      timeoutMs: 1000,
      collect: () => new Promise((resolve) => setTimeout(() => resolve([item('late', 'dpkg')]), 400)),
    };
    const snapshot = await collectSnapshot({
      collectors: [os, hardware, slow] as Collector[],
      ctx,
      agent: { version: '0' },
    });
    expect(snapshot.sections.software.reason).toBeUndefined();
    expect(snapshot.sections.software.status).toBe('ok');
  });
});
