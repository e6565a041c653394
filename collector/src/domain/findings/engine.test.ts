import { describe, expect, it } from 'vitest';
import { evaluate } from './engine.ts';
import { defaultPolicy } from './policies.ts';
import type { FactSource, ReconciliationFacts } from './ports.ts';
import { catalogueOf } from './registry.ts';
import { defineRule, type FactName } from './rule.ts';
import { asset, ctx, device } from './rule-fixtures.ts';

/** A fact source over fixed facts that records what was read. */
function source(facts: Partial<ReconciliationFacts>) {
  const read: string[] = [];
  const give = <K extends FactName>(name: K) => {
    read.push(name);
    return facts[name] ?? ([] as ReconciliationFacts[K]);
  };
  const port: FactSource = {
    matchAll: async () => ({ devices: 0, changed: 0, linked: 0 }),
    trackSecurityPending: async () => {},
    devices: async () => give('devices'),
    assets: async () => give('assets'),
    conflicts: async () => give('conflicts'),
    hardwareRemovals: async () => give('hardwareRemovals'),
    licenses: async (_present, progress) => {
      progress?.('license_match');
      return give('licenses');
    },
    coverage: async () => ({ inUse: 0, seen: 0 }),
    installs: {
      catalogue: async () => [],
      licenseUsage: async () => [],
      installsOf: async () => [],
      consistently: (work) => work(port.installs),
    },
  };
  return { port, read };
}

const countRule = (type: string, reads: FactName[]) =>
  defineRule({
    type,
    subjectKind: 'device',
    defaultSeverity: 'info',
    description: `counts ${reads.join(' and ')}`,
    reads,
    evaluate: (facts) => [
      {
        type,
        subjectKind: 'device',
        subjectId: 'all',
        subKey: '',
        severity: 'info',
        summary: reads.map((f) => `${f} ${(facts as ReconciliationFacts)[f].length}`).join(', '),
        facts: {},
        refs: [],
      },
    ],
  });

describe('the engine', () => {
  it('runs whatever rules it is given, each over the facts it reads, reading each fact once', async () => {
    const { port, read } = source({ devices: [device(), device({ id: 'dev-2' })], assets: [asset()] });
    const rules = catalogueOf([countRule('a_rule', ['devices']), countRule('b_rule', ['devices', 'assets'])]).rules;
    const phases: string[] = [];
    const found = await evaluate(port, rules, ctx(defaultPolicy()), (p) => phases.push(p));
    expect(found.map((c) => [c.type, c.summary])).toEqual([
      ['a_rule', 'devices 2'],
      ['b_rule', 'devices 2, assets 1'],
    ]);
    expect(read).toEqual(['devices', 'assets']);
    expect(phases).toEqual(['devices', 'rules', 'assets', 'rules']);
  });

  it('loads license usage (over present devices) only when a rule reads licenses, timing each step', async () => {
    const { port, read } = source({});
    const phases: string[] = [];
    await evaluate(port, [countRule('l_rule', ['licenses'])], ctx(defaultPolicy()), (p) => phases.push(p));
    expect(read).toEqual(['devices', 'licenses']);
    expect(phases).toEqual(['devices', 'license_match', 'license_usage']);
    expect(await evaluate(port, [], ctx(defaultPolicy()))).toEqual([]);
  });
});
