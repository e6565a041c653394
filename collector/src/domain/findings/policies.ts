import { readFileSync } from 'node:fs';
import { type FieldError, type OsFamilySchema, toFieldErrors } from '@stocktake/shared';
import {
  type OsBaseline,
  type PatchPolicy,
  type Policy,
  type PolicyInput,
  PolicyInputSchema,
} from '@stocktake/shared/api';
import type { Static } from 'typebox';
import { Compile } from 'typebox/compile';
import { loadBundledEndOfSupport } from './end-of-support.ts';

export const OS_FAMILIES = ['linux', 'windows', 'macos', 'other'] as const;
export type OsFamily = Static<typeof OsFamilySchema>;

// The policy's types are the API contract's; the rules import them from here, with the defaults.
export type { OsBaseline, PatchPolicy, Policy, PolicyInput };

const DEFAULT_PATCH: PatchPolicy = {
  maxPendingSecurity: 10,
  maxSecurityAgeDays: 14,
  maxDaysSinceLastPatch: 35,
  baselines: [],
  endOfSupport: true,
};

export function defaultPolicy(): Policy {
  return {
    ghostAfterDays: 30,
    ghostStatuses: ['deployed', 'in_stock'],
    staleAfterDays: 7,
    warrantyHorizonDays: 90,
    hardwareChangeWindowDays: 30,
    hardwareKinds: ['memory', 'disk', 'nic'],
    shelfware: { minUnusedSeats: 5, renewalHorizonDays: 90 },
    patch: {
      linux: { ...DEFAULT_PATCH },
      windows: { ...DEFAULT_PATCH },
      macos: { ...DEFAULT_PATCH },
      other: { ...DEFAULT_PATCH },
    },
    endOfSupport: loadBundledEndOfSupport(),
    notifications: { webhookUrl: null, minSeverity: 'high' },
  };
}

export class PolicyError extends Error {
  constructor(
    readonly errors: FieldError[],
    source: string,
  ) {
    super(`${source}: ${errors.map((e) => `${e.path || '/'} ${e.message}`).join('; ')}`);
    this.name = 'PolicyError';
  }
}

let compiled: ReturnType<typeof Compile> | undefined;

/** Checks a policy document; returns it typed, or throws a PolicyError naming each bad key. */
export function validatePolicyInput(value: unknown, source = 'policy'): PolicyInput {
  compiled ??= Compile(PolicyInputSchema);
  if (!compiled.Check(value)) throw new PolicyError(toFieldErrors(compiled.Errors(value)), source);
  const input = value as PolicyInput;
  const errors: FieldError[] = [];
  const url = input.notifications?.webhookUrl;
  if (url) {
    let parsed: URL | undefined;
    try {
      parsed = new URL(url);
    } catch {
      parsed = undefined;
    }
    if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
      errors.push({ path: '/notifications/webhookUrl', message: 'must be an http or https URL' });
    }
  }
  for (const family of OS_FAMILIES) {
    const baselines = input.patch?.[family]?.baselines ?? [];
    baselines.forEach((b, i) => {
      if (!b.minVersion && !b.minBuild) {
        errors.push({ path: `/patch/${family}/baselines/${i}`, message: 'needs minVersion or minBuild' });
      }
    });
  }
  input.endOfSupport?.forEach((e, i) => {
    if (Number.isNaN(Date.parse(`${e.endOfSupport}T00:00:00Z`))) {
      errors.push({ path: `/endOfSupport/${i}/endOfSupport`, message: 'is not a calendar date' });
    }
  });
  if (errors.length > 0) throw new PolicyError(errors, source);
  return input;
}

/** The policy in force: defaults, overridden key by key (and per OS family) by the document. */
export function resolvePolicy(input: PolicyInput | undefined): Policy {
  const base = defaultPolicy();
  if (!input) return base;
  const patch = { ...base.patch };
  for (const family of OS_FAMILIES) {
    const over = input.patch?.[family] as Partial<PatchPolicy> | undefined;
    if (over) patch[family] = { ...patch[family], ...over };
  }
  return {
    ghostAfterDays: input.ghostAfterDays ?? base.ghostAfterDays,
    ghostStatuses: input.ghostStatuses ?? base.ghostStatuses,
    staleAfterDays: input.staleAfterDays ?? base.staleAfterDays,
    warrantyHorizonDays: input.warrantyHorizonDays ?? base.warrantyHorizonDays,
    hardwareChangeWindowDays: input.hardwareChangeWindowDays ?? base.hardwareChangeWindowDays,
    hardwareKinds: input.hardwareKinds ?? base.hardwareKinds,
    shelfware: { ...base.shelfware, ...input.shelfware },
    patch,
    endOfSupport: input.endOfSupport ?? base.endOfSupport,
    notifications: { ...base.notifications, ...input.notifications },
  };
}

/** Reads and checks a policy file (JSON); errors name the file and each bad key. */
export function loadPolicyFile(path: string): PolicyInput {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new PolicyError([{ path: '', message: `cannot be read: ${(err as Error).message}` }], path);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new PolicyError([{ path: '', message: `is not JSON: ${(err as Error).message}` }], path);
  }
  return validatePolicyInput(value, path);
}
