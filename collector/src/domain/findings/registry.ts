import { readdirSync } from 'node:fs';
import {
  type FINDING_LIST,
  FINDING_TYPE_PATTERN,
  type FindingSeverity,
  type FindingSubjectKind,
  type FindingType,
} from '@stocktake/shared/api';
import { ValidationError } from '../errors.ts';
import type { Lister, ListQuery } from '../lists/list-query.ts';
import type { Finding } from './ports.ts';
import type { FindingRule } from './rule.ts';

/** A finding type as the API lists it. */
export interface FindingTypeInfo {
  type: FindingType;
  subjectKind: FindingSubjectKind;
  defaultSeverity: FindingSeverity;
  description: string;
}

/** Every registered rule, in file-name order, and the finding types they raise. */
export interface RuleCatalogue {
  rules: readonly FindingRule[];
  types: readonly FindingTypeInfo[];
  has(type: string): boolean;
}

/**
 * Rules are the `*.rule.ts` files of `rules/`, each default-exporting its rule: adding a
 * rule is adding a file, with no list to keep. The import is a template literal over that one
 * folder, which a bundler can follow and include whole.
 */
const RULES_DIR = new URL('./rules/', import.meta.url);

/**
 * When the collector is bundled, there is no folder to read at run time: the bundler defines
 * this constant from `findingRulesDefine()` at build time (esbuild `define`), and the import in
 * `findingRules()` brings every rule module into the bundle.
 */
declare const STOCKTAKE_FINDING_RULES: readonly string[] | undefined;

/**
 * A rule's file ends in `.rule.ts`, its test in `.test.ts`: the import's pattern (`*.rule.ts`)
 * then takes in the rules and never their tests when the collector is bundled.
 */
const RULE_SUFFIX = '.rule.ts';

/** The file a type's rule lives in: `ghost_asset` in `ghost-asset.ts`. */
export const ruleFileOf = (type: string) => `${type.replace(/_/g, '-')}${RULE_SUFFIX}`;

const TYPE_PATTERN = new RegExp(FINDING_TYPE_PATTERN);

function ruleNames(): string[] {
  return readdirSync(RULES_DIR)
    .filter((f) => f.endsWith(RULE_SUFFIX))
    .map((f) => f.slice(0, -RULE_SUFFIX.length))
    .sort();
}

/** What to pass esbuild's `define` so a bundle knows the rules without reading `rules/`. */
export function findingRulesDefine(): Record<string, string> {
  return { STOCKTAKE_FINDING_RULES: JSON.stringify(ruleNames()) };
}

function checked(name: string, value: unknown): FindingRule {
  const rule = value as Partial<FindingRule> | undefined;
  if (!rule || typeof rule.type !== 'string' || typeof rule.evaluate !== 'function' || !Array.isArray(rule.reads)) {
    throw new Error(
      `rules/${name}${RULE_SUFFIX} must default-export a rule (defineRule({ type, reads, evaluate, ... }))`,
    );
  }
  if (!TYPE_PATTERN.test(rule.type))
    throw new Error(`rules/${name}${RULE_SUFFIX}: type "${rule.type}" is not lower snake case`);
  if (ruleFileOf(rule.type) !== `${name}${RULE_SUFFIX}`) {
    throw new Error(
      `rules/${name}${RULE_SUFFIX} registers "${rule.type}"; it belongs in rules/${ruleFileOf(rule.type)}`,
    );
  }
  return rule as FindingRule;
}

/** Builds a catalogue from rules, refusing two rules of one type. */
export function catalogueOf(rules: readonly FindingRule[]): RuleCatalogue {
  const types = new Set<string>();
  for (const r of rules) {
    if (types.has(r.type)) throw new Error(`two rules register the finding type "${r.type}"`);
    types.add(r.type);
  }
  return {
    rules,
    types: rules.map(({ type, subjectKind, defaultSeverity, description }) => ({
      type,
      subjectKind,
      defaultSeverity,
      description,
    })),
    has: (type) => types.has(type),
  };
}

let loading: Promise<RuleCatalogue> | undefined;

/** The registered rules, loaded from `rules/` once per process. */
export function findingRules(): Promise<RuleCatalogue> {
  loading ??= Promise.all(
    (typeof STOCKTAKE_FINDING_RULES !== 'undefined' ? STOCKTAKE_FINDING_RULES : ruleNames()).map(async (name) =>
      checked(name, ((await import(`./rules/${name}.rule.ts`)) as { default: unknown }).default),
    ),
  ).then(catalogueOf);
  return loading;
}

/**
 * The findings list, refusing a type filter that no registered rule raises (naming those that
 * do): the set of types is open, so the query's schema checks only the form.
 */
export function refuseUnknownFindingTypes<Q extends ListQuery<typeof FINDING_LIST>>(
  lister: Lister<Finding, Q>,
  catalogue: Pick<RuleCatalogue, 'has' | 'types'>,
): Lister<Finding, Q> {
  return {
    list(query) {
      const type = query.filters.type;
      if (type !== undefined && !catalogue.has(type)) {
        const names = catalogue.types.map((t) => t.type).join(', ');
        return Promise.reject(
          new ValidationError(`Unknown finding type "${type}"; known types: ${names}`, [
            { field: 'type', message: `must be one of ${names}` },
          ]),
        );
      }
      return lister.list(query);
    },
  };
}
