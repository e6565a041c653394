import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, resolveConfig } from '../../config.ts';
import { defaultPolicy, loadPolicyFile, PolicyError, resolvePolicy, validatePolicyInput } from './policies.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'stocktake-policies-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const errorsOf = (value: unknown) => {
  try {
    validatePolicyInput(value);
  } catch (err) {
    if (err instanceof PolicyError) return err.errors;
    throw err;
  }
  return [];
};

describe('reconciliation policy', () => {
  it('has the defaults of the issue and the bundled end-of-support list', () => {
    const p = defaultPolicy();
    expect(p).toMatchObject({ ghostAfterDays: 30, staleAfterDays: 7, warrantyHorizonDays: 90 });
    expect(p.patch.windows).toMatchObject({ maxSecurityAgeDays: 14, endOfSupport: true, baselines: [] });
    expect(p.endOfSupport.map((e) => e.product)).toEqual(
      expect.arrayContaining(['Ubuntu 18.04 LTS', 'Ubuntu 20.04 LTS', 'Debian 10 (buster)', 'CentOS Linux 7']),
    );
  });

  it('overrides key by key, per OS family, keeping defaults for what the document leaves out', () => {
    const p = resolvePolicy({
      staleAfterDays: 3,
      patch: { linux: { maxSecurityAgeDays: 7 } },
      shelfware: { minUnusedSeats: 2 },
    });
    expect(p.staleAfterDays).toBe(3);
    expect(p.ghostAfterDays).toBe(30);
    expect(p.patch.linux).toMatchObject({ maxSecurityAgeDays: 7, maxPendingSecurity: 10 });
    expect(p.patch.windows.maxSecurityAgeDays).toBe(14);
    expect(p.shelfware).toEqual({ minUnusedSeats: 2, renewalHorizonDays: 90 });
  });

  it('names every bad key', () => {
    expect(errorsOf({ ghostAfterDay: 30 })).toEqual([{ path: '/ghostAfterDay', message: expect.any(String) }]);
    expect(errorsOf({ patch: { linux: { maxSecurityAgeDays: -1 } } })[0]?.path).toBe('/patch/linux/maxSecurityAgeDays');
    expect(errorsOf({ patch: { bsd: {} } })[0]?.path).toBe('/patch/bsd');
    expect(errorsOf({ patch: { windows: { baselines: [{ osName: 'Windows 11*' }] } } })).toEqual([
      { path: '/patch/windows/baselines/0', message: 'needs minVersion or minBuild' },
    ]);
    expect(errorsOf({ notifications: { webhookUrl: 'ftp://x' } })).toEqual([
      { path: '/notifications/webhookUrl', message: 'must be an http or https URL' },
    ]);
    expect(errorsOf({ endOfSupport: [{ product: 'X', name: 'X', endOfSupport: '2024-13-45' }] })).toEqual([
      { path: '/endOfSupport/0/endOfSupport', message: 'is not a calendar date' },
    ]);
    expect(errorsOf({ ghostStatuses: ['deployed', 'shelved'] })[0]?.path).toBe('/ghostStatuses/1');
  });

  it('loads a policy file given to the collector, refusing a bad one with the key in the message', () => {
    const good = join(dir, 'good.json');
    writeFileSync(good, JSON.stringify({ ghostAfterDays: 45 }));
    expect(loadPolicyFile(good)).toEqual({ ghostAfterDays: 45 });
    expect(resolveConfig({ policies: good }, {}).reconciliation.policies).toEqual({ ghostAfterDays: 45 });
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ shelfware: { minUnusedSeats: 0 } }));
    expect(() => resolveConfig({ policies: bad }, {})).toThrow(ConfigError);
    expect(() => resolveConfig({}, { STOCKTAKE_POLICIES: bad })).toThrow(/shelfware\/minUnusedSeats/);
    writeFileSync(bad, '{ not json');
    expect(() => loadPolicyFile(bad)).toThrow(/is not JSON/);
    expect(() => loadPolicyFile(join(dir, 'missing.json'))).toThrow(/cannot be read/);
  });

  it('checks the schedule and the webhook settings of the command line', () => {
    expect(resolveConfig({}, {}).reconciliation.schedule).toBe('*/15 * * * *');
    expect(resolveConfig({ 'reconcile-cron': 'off' }, {}).reconciliation.schedule).toBeNull();
    expect(resolveConfig({}, { STOCKTAKE_RECONCILE_CRON: '0 * * * *' }).reconciliation.schedule).toBe('0 * * * *');
    expect(() => resolveConfig({ 'reconcile-cron': '*/15 * *' }, {})).toThrow(/reconcile-cron/);
    expect(() => resolveConfig({ 'reconcile-cron': '99 * * * *' }, {})).toThrow(ConfigError);
    expect(() => resolveConfig({ 'webhook-url': 'not a url' }, {})).toThrow(/webhook-url/);
    expect(() => resolveConfig({ 'webhook-min-severity': 'urgent' }, {})).toThrow(/webhook-min-severity/);
    expect(
      resolveConfig({ 'webhook-url': 'https://hooks.example/x', 'webhook-min-severity': 'medium' }, {}).reconciliation,
    ).toMatchObject({ webhookUrl: 'https://hooks.example/x', webhookMinSeverity: 'medium' });
  });
});
