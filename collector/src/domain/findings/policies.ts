import { readFileSync } from 'node:fs';
import { createValidator, type FieldError, type OsFamily, OsFamilySchema } from '@stocktake/shared';
import {
  type OsBaseline,
  type PatchPolicy,
  type Policy,
  type PolicyInput,
  PolicyInputSchema,
} from '@stocktake/shared/api';
import { DEFAULT_DISPOSAL_RECENT_CONTACT_DAYS } from '../register/register-service.ts';
import { loadBundledEndOfSupport } from './end-of-support.ts';

/** The OS families of the wire contract, in its order. */
export const OS_FAMILIES: readonly OsFamily[] = OsFamilySchema.anyOf.map((s) => s.const);
// The policy's types are the API contract's; the rules import them from here, with the defaults.
export type { OsBaseline, OsFamily, PatchPolicy, Policy, PolicyInput };

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
    disposalRecentContactDays: DEFAULT_DISPOSAL_RECENT_CONTACT_DAYS,
    hardwareChangeWindowDays: 30,
    hardwareKinds: ['memory', 'disk', 'nic'],
    shelfware: { minUnusedSeats: 5, renewalHorizonDays: 90 },
    usage: { usedWithinDays: 30, unusedAfterDays: 90 },
    reclamation: { minSeats: 1 },
    idleAfterDays: 30,
    patch: {
      linux: { ...DEFAULT_PATCH },
      windows: { ...DEFAULT_PATCH },
      macos: { ...DEFAULT_PATCH },
      other: { ...DEFAULT_PATCH },
    },
    endOfSupport: loadBundledEndOfSupport(),
    importStatusMap: {},
    // Useful lives from the refresh cycles the domain quotes: laptops 3–4 years (the later end:
    // books usually write a laptop off over four), desktops and servers 5–7 (desktops at the
    // early end, servers in the middle).
    costs: {
      currency: 'EUR',
      depreciation: 'straight_line',
      decliningBalanceFactor: 2,
      usefulLifeMonths: { laptop: 48, desktop: 60, server: 72 },
      defaultUsefulLifeMonths: 48,
      replacementCost: {},
    },
    refresh: { minBatteryHealth: 0.8, minMemoryGiB: 8, maxDiskWear: 90 },
    reports: { collectorName: null },
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

const checkPolicyInput = createValidator<PolicyInput>(PolicyInputSchema);

/** Checks a policy document; returns it typed, or throws a PolicyError naming each bad key. */
export function validatePolicyInput(value: unknown, source = 'policy'): PolicyInput {
  const checked = checkPolicyInput(value);
  if (!checked.ok) throw new PolicyError(checked.errors, source);
  const input = checked.value;
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
  const used = input.usage?.usedWithinDays ?? 30;
  const unused = input.usage?.unusedAfterDays ?? 90;
  if (unused < used) {
    errors.push({ path: '/usage/unusedAfterDays', message: `must be at least usedWithinDays (${used})` });
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
    disposalRecentContactDays: input.disposalRecentContactDays ?? base.disposalRecentContactDays,
    hardwareChangeWindowDays: input.hardwareChangeWindowDays ?? base.hardwareChangeWindowDays,
    hardwareKinds: input.hardwareKinds ?? base.hardwareKinds,
    shelfware: { ...base.shelfware, ...input.shelfware },
    usage: { ...base.usage, ...input.usage },
    reclamation: { ...base.reclamation, ...input.reclamation },
    idleAfterDays: input.idleAfterDays ?? base.idleAfterDays,
    patch,
    endOfSupport: input.endOfSupport ?? base.endOfSupport,
    importStatusMap: input.importStatusMap ?? base.importStatusMap,
    costs: { ...base.costs, ...input.costs },
    refresh: { ...base.refresh, ...input.refresh },
    reports: { ...base.reports, ...input.reports },
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
