import { readdirSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { catalogueOf, findingRules, findingRulesDefine, ruleFileOf } from './registry.ts';
import { defineRule } from './rule.ts';

const ROOT = resolve(import.meta.dirname, '..', '..', '..', '..');

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

  it('survives bundling: esbuild takes in every rule and no test, and the bundle carries the list of rules', async () => {
    const result = await build({
      entryPoints: [resolve(import.meta.dirname, 'registry.ts')],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node22',
      packages: 'external',
      define: findingRulesDefine(),
      write: false,
      metafile: true,
      absWorkingDir: ROOT,
      logLevel: 'silent',
    });
    const inputs = Object.keys(result.metafile.inputs).map((p) => relative(ROOT, resolve(ROOT, p)));
    const ruleFiles = readdirSync(resolve(import.meta.dirname, 'rules')).filter((f) => f.endsWith('.rule.ts'));
    expect(ruleFiles.length).toBeGreaterThanOrEqual(10);
    for (const file of ruleFiles) expect(inputs).toContain(`collector/src/domain/findings/rules/${file}`);
    expect(inputs.filter((p) => p.includes('.test'))).toEqual([]);
    // The names are in the bundle itself: nothing is read from rules/ at run time.
    const code = result.outputFiles?.[0]?.text ?? '';
    const list = /define_STOCKTAKE_FINDING_RULES_default = (\[[^\]]*\])/.exec(code)?.[1];
    expect(JSON.parse(list ?? 'null')).toEqual(ruleFiles.map((f) => f.slice(0, -'.rule.ts'.length)).sort());
  });
});
