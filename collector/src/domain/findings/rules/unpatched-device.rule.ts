import type { FindingSeverity } from '@stocktake/shared/api';
import { globToRegExp } from '../../licenses/license-match.ts';
import { compareVersions } from '../../licenses/versions.ts';
import { compileEndOfSupport, type EndOfSupportMatcher } from '../end-of-support.ts';
import { OS_FAMILIES, type OsBaseline, type OsFamily, type PatchPolicy } from '../policies.ts';
import type { DeviceFact } from '../ports.ts';
import { type Candidate, daysSince, defineRule, each, plural, type RuleContext, today } from '../rule.ts';
import { maxSeverity } from '../severity.ts';
import { deviceRef, isActive } from '../subjects.ts';

interface Violation {
  rule: 'pending_security' | 'security_age' | 'last_patch' | 'os_baseline' | 'end_of_support';
  severity: FindingSeverity;
  text: string;
  facts: Record<string, unknown>;
}

export interface PatchRules {
  eos: EndOfSupportMatcher;
  baselines: Record<OsFamily, { osName: RegExp; baseline: OsBaseline }[]>;
}

export function compilePatchRules(ctx: RuleContext, eos: EndOfSupportMatcher): PatchRules {
  const baselines = {} as PatchRules['baselines'];
  for (const family of OS_FAMILIES) {
    baselines[family] = ctx.policy.patch[family].baselines.map((b) => ({
      osName: globToRegExp(b.osName),
      baseline: b,
    }));
  }
  return { eos, baselines };
}

function familyOf(d: DeviceFact): OsFamily {
  return (OS_FAMILIES as readonly string[]).includes(d.osFamily ?? '') ? (d.osFamily as OsFamily) : 'other';
}

const latest = (...dates: (string | null)[]) =>
  dates
    .filter((x): x is string => x !== null && !Number.isNaN(Date.parse(x)))
    .sort((a, b) => Date.parse(b) - Date.parse(a))[0];

function violations(d: DeviceFact, ctx: RuleContext, rules: PatchRules): Violation[] {
  const family = familyOf(d);
  const policy: PatchPolicy = ctx.policy.patch[family];
  const out: Violation[] = [];
  const security = d.pendingSecurityUpdates;
  if (policy.maxPendingSecurity !== null && security !== null && security > policy.maxPendingSecurity) {
    out.push({
      rule: 'pending_security',
      severity: 'medium',
      text: `${plural(security, 'security update')} pending (policy ${policy.maxPendingSecurity})`,
      facts: { pendingSecurity: security, max: policy.maxPendingSecurity },
    });
  }
  if (policy.maxSecurityAgeDays !== null && security !== null && security > 0) {
    const since = d.oldestPendingSecuritySince ?? d.trackedSecuritySince;
    if (since && !Number.isNaN(Date.parse(since))) {
      const age = daysSince(since, ctx.now);
      if (age > policy.maxSecurityAgeDays) {
        out.push({
          rule: 'security_age',
          severity: 'high',
          text: `security updates pending for ${plural(age, 'day')} (policy ${policy.maxSecurityAgeDays})`,
          facts: {
            pendingSince: since,
            source: d.oldestPendingSecuritySince ? 'agent' : 'collector',
            maxDays: policy.maxSecurityAgeDays,
          },
        });
      }
    }
  }
  if (policy.maxDaysSinceLastPatch !== null) {
    // Nothing to install means nothing overdue: an up-to-date machine may go months without a change.
    const nothingPending = d.pendingUpdates === 0 || (d.pendingUpdates === null && d.pendingSecurityUpdates === 0);
    const last = latest(d.lastPackageChange, d.lastInstall);
    if (!nothingPending && last) {
      const age = daysSince(last, ctx.now);
      if (age > policy.maxDaysSinceLastPatch) {
        out.push({
          rule: 'last_patch',
          severity: 'medium',
          text: `last patched ${plural(age, 'day')} ago (policy ${policy.maxDaysSinceLastPatch})`,
          facts: { lastPatchAt: last, pendingUpdates: d.pendingUpdates, maxDays: policy.maxDaysSinceLastPatch },
        });
      }
    }
  }
  const baseline = d.osName ? rules.baselines[family].find((b) => b.osName.test(d.osName ?? ''))?.baseline : undefined;
  if (baseline) {
    const belowVersion =
      baseline.minVersion !== undefined &&
      d.osVersion !== null &&
      compareVersions(d.osVersion, baseline.minVersion) < 0;
    const belowBuild =
      baseline.minBuild !== undefined && d.osBuild !== null && compareVersions(d.osBuild, baseline.minBuild) < 0;
    if (belowVersion || belowBuild) {
      const what = belowVersion
        ? `${d.osName} ${d.osVersion} is below ${baseline.minVersion}`
        : `${d.osName} build ${d.osBuild} is below ${baseline.minBuild}`;
      out.push({
        rule: 'os_baseline',
        severity: 'medium',
        text: what,
        facts: {
          osName: d.osName,
          osVersion: d.osVersion,
          osBuild: d.osBuild,
          ...(baseline.minVersion ? { minVersion: baseline.minVersion } : {}),
          ...(baseline.minBuild ? { minBuild: baseline.minBuild } : {}),
        },
      });
    }
  }
  if (policy.endOfSupport) {
    const entry = rules.eos({ family: d.osFamily, name: d.osName, version: d.osVersion });
    if (entry && entry.endOfSupport < today(ctx.now)) {
      out.push({
        rule: 'end_of_support',
        severity: 'high',
        text: `${entry.product} past end of support since ${entry.endOfSupport}`,
        facts: { product: entry.product, endOfSupport: entry.endOfSupport, osName: d.osName, osVersion: d.osVersion },
      });
    }
  }
  return out;
}

/** Patch state below the policy of the device's OS family: one finding per device listing every rule it breaks. */
export function unpatchedDevice(d: DeviceFact, ctx: RuleContext, rules: PatchRules): Candidate | undefined {
  if (!isActive(d, ctx)) return undefined;
  const found = violations(d, ctx, rules);
  if (found.length === 0) return undefined;
  return {
    type: 'unpatched_device',
    subjectKind: 'device',
    subjectId: d.id,
    subKey: '',
    severity: maxSeverity(found.map((v) => v.severity)),
    summary: `${d.hostname}: ${found.map((v) => v.text).join('; ')}`,
    facts: {
      hostname: d.hostname,
      osFamily: familyOf(d),
      violations: found.map((v) => ({ rule: v.rule, ...v.facts })),
    },
    observed: { lastSeenAt: d.lastSeenAt },
    refs: [deviceRef(d), ...(d.assetId ? [{ kind: 'asset' as const, id: d.assetId }] : [])],
  };
}

export default defineRule({
  type: 'unpatched_device',
  subjectKind: 'device',
  defaultSeverity: 'medium',
  description:
    'A present device below the patch policy of its OS family: pending or old security updates, no recent patching, below the OS baseline, or past end of support.',
  reads: ['devices'],
  evaluate({ devices }, ctx) {
    const rules = compilePatchRules(ctx, compileEndOfSupport(ctx.policy.endOfSupport));
    return each(devices, (d) => unpatchedDevice(d, ctx, rules));
  },
});
