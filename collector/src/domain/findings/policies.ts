import { readFileSync } from 'node:fs';
import { type FieldError, type OsFamilySchema, toFieldErrors } from '@stocktake/shared';
import { ASSET_STATUSES, COMPONENT_KINDS, FINDING_SEVERITIES } from '@stocktake/shared/api';
import Type, { type Static, type TSchema } from 'typebox';
import { Compile } from 'typebox/compile';
import { type EndOfSupportEntry, EndOfSupportEntrySchema, loadBundledEndOfSupport } from './end-of-support.ts';

const Days = (description: string, minimum = 1) => Type.Integer({ minimum, maximum: 3650, description });
const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

export const OsBaselineSchema = Type.Object(
  {
    osName: Type.String({
      minLength: 1,
      maxLength: 255,
      description: 'Glob (* and ?, case-insensitive) over the OS name, e.g. "Windows 11*", "Ubuntu".',
    }),
    minVersion: Type.Optional(
      Type.String({ minLength: 1, maxLength: 64, description: 'Lowest acceptable OS version (22.04, 14.5, 23H2).' }),
    ),
    minBuild: Type.Optional(
      Type.String({ minLength: 1, maxLength: 64, description: 'Lowest acceptable build (22631.3880, 23F79).' }),
    ),
  },
  { additionalProperties: false },
);
export type OsBaseline = Static<typeof OsBaselineSchema>;

const PatchPolicyFields = {
  maxPendingSecurity: Nullable(
    Type.Integer({
      minimum: 0,
      maximum: 100_000,
      description: 'Most pending security updates allowed; null: no limit.',
    }),
  ),
  maxSecurityAgeDays: Nullable(Days('Oldest a pending security update may get, in days; null: no limit.', 0)),
  maxDaysSinceLastPatch: Nullable(
    Days('Longest without installing updates while some are pending, in days; null: no limit.'),
  ),
  baselines: Type.Array(OsBaselineSchema, {
    maxItems: 500,
    description: 'Minimum OS version or build per OS name; the first baseline whose osName matches applies.',
  }),
  endOfSupport: Type.Boolean({ description: 'Flag an OS past its end of support (the endOfSupport list).' }),
};

const PatchPolicySchema = Type.Object(PatchPolicyFields, { additionalProperties: false });
export interface PatchPolicy {
  maxPendingSecurity: number | null;
  maxSecurityAgeDays: number | null;
  maxDaysSinceLastPatch: number | null;
  baselines: OsBaseline[];
  endOfSupport: boolean;
}

const PatchPolicyInputSchema = Type.Object(
  {
    maxPendingSecurity: Type.Optional(PatchPolicyFields.maxPendingSecurity),
    maxSecurityAgeDays: Type.Optional(PatchPolicyFields.maxSecurityAgeDays),
    maxDaysSinceLastPatch: Type.Optional(PatchPolicyFields.maxDaysSinceLastPatch),
    baselines: Type.Optional(PatchPolicyFields.baselines),
    endOfSupport: Type.Optional(PatchPolicyFields.endOfSupport),
  },
  { additionalProperties: false },
);

export const OS_FAMILIES = ['linux', 'windows', 'macos', 'other'] as const;
export type OsFamily = Static<typeof OsFamilySchema>;

const Severity = Type.Enum(FINDING_SEVERITIES);

/** The reconciliation policy as rules read it: every value present. */
export interface Policy {
  ghostAfterDays: number;
  ghostStatuses: (typeof ASSET_STATUSES)[number][];
  staleAfterDays: number;
  warrantyHorizonDays: number;
  hardwareChangeWindowDays: number;
  hardwareKinds: (typeof COMPONENT_KINDS)[number][];
  shelfware: { minUnusedSeats: number; renewalHorizonDays: number };
  patch: Record<OsFamily, PatchPolicy>;
  endOfSupport: EndOfSupportEntry[];
  notifications: { webhookUrl: string | null; minSeverity: (typeof FINDING_SEVERITIES)[number] };
}

/**
 * A policy document as a person writes it (file or API): every key optional, an omitted key
 * takes its default, an unknown key is an error (a typo must not silently mean "default").
 */
export const PolicyInputSchema = Type.Object(
  {
    ghostAfterDays: Type.Optional(Days('An in-use asset no agent reported for this long is a ghost (default 30).')),
    ghostStatuses: Type.Optional(
      Type.Array(Type.Enum(ASSET_STATUSES), {
        uniqueItems: true,
        description: 'Register statuses that mean "should be reporting" (default deployed, in_stock).',
      }),
    ),
    staleAfterDays: Type.Optional(Days('A device silent this long has a stale agent (default 7).')),
    warrantyHorizonDays: Type.Optional(Days('Warn this many days before a warranty ends (default 90).', 0)),
    hardwareChangeWindowDays: Type.Optional(
      Days('A component removal stays a finding this long unless it comes back (default 30).'),
    ),
    hardwareKinds: Type.Optional(
      Type.Array(Type.Enum(COMPONENT_KINDS), {
        uniqueItems: true,
        description: 'Components whose removal or swap is a finding (default memory, disk, nic).',
      }),
    ),
    shelfware: Type.Optional(
      Type.Object(
        {
          minUnusedSeats: Type.Optional(
            Type.Integer({ minimum: 1, maximum: 10_000_000, description: 'Seats − usage at least this (default 5).' }),
          ),
          renewalHorizonDays: Type.Optional(Days('Renewal time: the term ends within this many days (default 90).', 0)),
        },
        { additionalProperties: false },
      ),
    ),
    patch: Type.Optional(
      Type.Object(
        {
          linux: Type.Optional(PatchPolicyInputSchema),
          windows: Type.Optional(PatchPolicyInputSchema),
          macos: Type.Optional(PatchPolicyInputSchema),
          other: Type.Optional(PatchPolicyInputSchema),
        },
        { additionalProperties: false },
      ),
    ),
    endOfSupport: Type.Optional(
      Type.Array(EndOfSupportEntrySchema, {
        maxItems: 2000,
        description: 'Replaces the bundled end-of-support list; first matching entry wins.',
      }),
    ),
    notifications: Type.Optional(
      Type.Object(
        {
          webhookUrl: Type.Optional(
            Nullable(Type.String({ maxLength: 2048, description: 'http(s) URL that receives newly opened findings.' })),
          ),
          minSeverity: Type.Optional(Severity),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
export type PolicyInput = Static<typeof PolicyInputSchema>;

export const PolicySchema = Type.Object({
  ghostAfterDays: Type.Integer(),
  ghostStatuses: Type.Array(Type.Enum(ASSET_STATUSES)),
  staleAfterDays: Type.Integer(),
  warrantyHorizonDays: Type.Integer(),
  hardwareChangeWindowDays: Type.Integer(),
  hardwareKinds: Type.Array(Type.Enum(COMPONENT_KINDS)),
  shelfware: Type.Object({ minUnusedSeats: Type.Integer(), renewalHorizonDays: Type.Integer() }),
  patch: Type.Object({
    linux: PatchPolicySchema,
    windows: PatchPolicySchema,
    macos: PatchPolicySchema,
    other: PatchPolicySchema,
  }),
  endOfSupport: Type.Array(EndOfSupportEntrySchema),
  notifications: Type.Object({ webhookUrl: Nullable(Type.String()), minSeverity: Severity }),
});

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
