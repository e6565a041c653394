import { describe, expect, it } from 'vitest';
import { catalogueOf, findingRules, ruleFileOf } from './registry.ts';
import { defineRule } from './rule.ts';

const rule = (type: string) =>
  defineRule({
    type,
    subjectKind: 'device',
    defaultSeverity: 'low',
    description: `flags ${type}`,
    reads: ['devices'],
    evaluate: () => [],
  });

describe('the rule registry', () => {
  it('finds every rule file in rules/, one finding type each, in file-name order', async () => {
    const { rules, types } = await findingRules();
    expect(rules.length).toBeGreaterThanOrEqual(10);
    expect(types.map((t) => ruleFileOf(t.type))).toEqual(types.map((t) => ruleFileOf(t.type)).sort());
    for (const r of rules) {
      expect(r.description.length, r.type).toBeGreaterThan(0);
      expect(r.reads.length, r.type).toBeGreaterThan(0);
    }
  });

  it('answers whether a type is known, and refuses two rules of one type', () => {
    const catalogue = catalogueOf([rule('a_rule'), rule('b_rule')]);
    expect(catalogue.has('a_rule')).toBe(true);
    expect(catalogue.has('c_rule')).toBe(false);
    expect(catalogue.types).toEqual([
      { type: 'a_rule', subjectKind: 'device', defaultSeverity: 'low', description: 'flags a_rule' },
      { type: 'b_rule', subjectKind: 'device', defaultSeverity: 'low', description: 'flags b_rule' },
    ]);
    expect(() => catalogueOf([rule('a_rule'), rule('a_rule')])).toThrow('two rules register the finding type "a_rule"');
  });

  it('names the file of a type', () => {
    expect(ruleFileOf('retired_asset_active')).toBe('retired-asset-active.rule.ts');
  });
});
