import type { FindingSeverity } from '@stocktake/shared/api';
import type { IdentityConflict } from '../../../store/sqlite/matching/conflicts.ts';
import { globToRegExp } from '../../licenses/license-match.ts';
import { compareVersions } from '../../licenses/versions.ts';
import { serialKey } from '../../matching/identifiers.ts';
import type { EndOfSupportMatcher } from '../end-of-support.ts';
import { OS_FAMILIES, type OsBaseline, type OsFamily, type PatchPolicy } from '../policies.ts';
import { maxSeverity } from '../severity.ts';
import { type Candidate, type DeviceFact, daysSince, plural, type RuleContext, today } from './types.ts';

/** A device counts as present (its installs, its patch state, its missing registration) while it reported within the ghost window. */
export function isActive(d: DeviceFact, ctx: RuleContext): boolean {
  return daysSince(d.lastSeenAt, ctx.now) < ctx.policy.ghostAfterDays;
}

const deviceRef = (d: DeviceFact) => ({ kind: 'device' as const, id: d.id });

/** Shadow IT: a device that reports, that no register asset matched. */
export function unregisteredDevice(
  d: DeviceFact,
  ctx: RuleContext,
  conflicts: readonly IdentityConflict[],
): Candidate | undefined {
  if (d.assetId !== null || !isActive(d, ctx)) return undefined;
  const why = d.linkMethod === 'manual' ? 'unlinked by hand' : 'no register asset matches it';
  const conflictText = conflicts.length
    ? `; ${conflicts.map((c) => `${c.kind.replace(/_/g, ' ')} ${c.value} (${c.deviceIds.length} devices)`).join(', ')}`
    : '';
  return {
    type: 'unregistered_device',
    subjectKind: 'device',
    subjectId: d.id,
    subKey: '',
    severity: 'medium',
    summary: `${d.hostname}${d.serial ? ` (serial ${d.serial})` : ''} reports but is not in the register: ${why}${conflictText}`,
    facts: {
      hostname: d.hostname,
      serial: d.serial,
      manuallyUnlinked: d.linkMethod === 'manual',
      conflicts: conflicts.map((c) => ({ kind: c.kind, value: c.value, deviceIds: c.deviceIds })),
    },
    observed: { lastSeenAt: d.lastSeenAt },
    refs: [deviceRef(d)],
  };
}

/**
 * A device that used to report and has gone quiet. Once its register asset becomes a ghost
 * the ghost finding says it better, so the stale one resolves.
 */
export function staleAgent(d: DeviceFact, ctx: RuleContext, ghostAssets: ReadonlySet<string>): Candidate | undefined {
  const days = daysSince(d.lastSeenAt, ctx.now);
  if (days < ctx.policy.staleAfterDays) return undefined;
  if (d.assetId !== null && ghostAssets.has(d.assetId)) return undefined;
  return {
    type: 'stale_agent',
    subjectKind: 'device',
    subjectId: d.id,
    subKey: '',
    severity: 'low',
    summary: `${d.hostname} has not reported for ${plural(days, 'day')} (last ${d.lastSeenAt.slice(0, 10)}; policy ${ctx.policy.staleAfterDays})`,
    facts: { hostname: d.hostname, lastSeenAt: d.lastSeenAt, staleAfterDays: ctx.policy.staleAfterDays },
    observed: { daysSilent: days },
    refs: [deviceRef(d), ...(d.assetId ? [{ kind: 'asset' as const, id: d.assetId }] : [])],
  };
}

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

/**
 * A device linked to an asset whose serial is not the device's: the board was swapped (or the
 * link is wrong). Discovery never links across disagreeing serials, so this comes from a
 * manual link made before the serial changed.
 */
export function serialChanged(d: DeviceFact): Candidate | undefined {
  if (!d.assetId) return undefined;
  const device = serialKey(d.serial);
  const asset = serialKey(d.assetSerial);
  if (!device || !asset || device === asset) return undefined;
  return {
    type: 'hardware_changed',
    subjectKind: 'device',
    subjectId: d.id,
    subKey: 'serial',
    severity: 'high',
    summary: `${d.hostname} reports serial ${d.serial} but its register asset ${d.assetTag ?? d.assetId} says ${d.assetSerial}`,
    facts: { hostname: d.hostname, deviceSerial: d.serial, assetSerial: d.assetSerial, assetTag: d.assetTag },
    refs: [deviceRef(d), { kind: 'asset', id: d.assetId }],
  };
}
