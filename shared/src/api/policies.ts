import Type, { type Static } from 'typebox';
import { Nullable } from './common.ts';
import { AssetStatusSchema, ComponentKindSchema, DepreciationMethodSchema, FindingSeveritySchema } from './enums.ts';
import { AT } from './example-values.ts';

const Days = (description: string, minimum = 1) => Type.Integer({ minimum, maximum: 3650, description });

/** An operating system and the day its support ends. */
export const EndOfSupportEntrySchema = Type.Object(
  {
    product: Type.String({ minLength: 1, maxLength: 255, description: 'What a person reads: "Ubuntu 20.04 LTS".' }),
    family: Type.Optional(
      Type.Union([Type.Literal('linux'), Type.Literal('windows'), Type.Literal('macos')], {
        description: 'Only for this OS family.',
      }),
    ),
    name: Type.String({
      minLength: 1,
      maxLength: 255,
      description: 'Glob (* and ?, case-insensitive) over the OS name the agent reports.',
    }),
    version: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 64,
        pattern: '^[0-9A-Za-z][0-9A-Za-z._-]*$',
        description: 'Version prefix, compared part by part as numbers: "20.04" covers 20.04.6, "10" covers 10.13.',
      }),
    ),
    endOfSupport: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'Last day of support, YYYY-MM-DD.' }),
    note: Type.Optional(Type.String({ maxLength: 1024, description: 'Anything a person should know.' })),
  },
  { additionalProperties: false },
);
export type EndOfSupportEntry = Static<typeof EndOfSupportEntrySchema>;

/** The lowest OS version or build allowed for an OS name. */
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

/** The patch policy of one OS family, every value present. */
export const PatchPolicySchema = Type.Object(PatchPolicyFields, {
  additionalProperties: false,
  description: 'The patch policy of an OS family.',
});
export type PatchPolicy = Static<typeof PatchPolicySchema>;

/** The patch policy of one OS family as a person writes it: every key optional. */
export const PatchPolicyInputSchema = Type.Object(
  {
    maxPendingSecurity: Type.Optional(PatchPolicyFields.maxPendingSecurity),
    maxSecurityAgeDays: Type.Optional(PatchPolicyFields.maxSecurityAgeDays),
    maxDaysSinceLastPatch: Type.Optional(PatchPolicyFields.maxDaysSinceLastPatch),
    baselines: Type.Optional(PatchPolicyFields.baselines),
    endOfSupport: Type.Optional(PatchPolicyFields.endOfSupport),
  },
  { additionalProperties: false, description: 'The patch policy of an OS family; omitted keys take their defaults.' },
);
export type PatchPolicyInput = Static<typeof PatchPolicyInputSchema>;

/** Status labels of another system read as register statuses on every asset import. */
export const ImportStatusMapSchema = Type.Record(Type.String({ minLength: 1, maxLength: 255 }), AssetStatusSchema, {
  maxProperties: 500,
  description:
    'Status labels of the system a CSV comes from (Snipe-IT’s user-defined labels such as "Pending Diagnostics") and the register status each means, used by every asset import (an import’s statusMap goes over it). Labels compare case-insensitively.',
});

const Money = (description: string) => Type.Number({ minimum: 0, maximum: 1e12, description });
const Months = (description: string) => Type.Integer({ minimum: 1, maximum: 600, description });
const MONTHS_BY_CATEGORY =
  'Useful life in months by register category, compared case-insensitively with a trailing "s" dropped ("Laptops" is "laptop").';

const costFields = {
  currency: Type.String({
    pattern: '^[A-Z]{3}$',
    description: 'ISO 4217 code of every amount in the register and the license book: one currency per installation.',
  }),
  depreciation: DepreciationMethodSchema,
  decliningBalanceFactor: Type.Number({
    minimum: 1,
    maximum: 4,
    description:
      'Declining balance: the yearly rate is this factor over the useful life in years (2: double declining).',
  }),
  usefulLifeMonths: Type.Record(Type.String({ minLength: 1, maxLength: 255 }), Months('Months.'), {
    maxProperties: 500,
    description: MONTHS_BY_CATEGORY,
  }),
  defaultUsefulLifeMonths: Months('Useful life of an asset whose category has none.'),
  replacementCost: Type.Record(Type.String({ minLength: 1, maxLength: 255 }), Money('Cost.'), {
    maxProperties: 5000,
    description: 'Replacement cost by register model, over the latest purchase of that model.',
  }),
};

/** How assets are costed, as a person writes it: every key optional. */
export const CostPolicyInputSchema = Type.Partial(Type.Object(costFields), {
  additionalProperties: false,
  description:
    'How assets are costed: currency, depreciation and useful lives (defaults: EUR, straight line, laptops 48 months, desktops 60, servers 72, others 48).',
});
export const CostPolicySchema = Type.Object(costFields, { description: 'How assets are costed.' });
export type CostPolicy = Static<typeof CostPolicySchema>;

const refreshFields = {
  minBatteryHealth: Type.Number({
    minimum: 0,
    maximum: 1,
    description: 'A battery holding less than this share of its design capacity calls for a refresh.',
  }),
  minMemoryGiB: Type.Number({ minimum: 0, maximum: 65_536, description: 'Less memory than this calls for a refresh.' }),
  maxDiskWear: Type.Integer({
    minimum: 0,
    maximum: 255,
    description: 'A disk whose used endurance (percent, as SMART reports it) reaches this calls for a refresh.',
  }),
};
export const RefreshPolicyInputSchema = Type.Partial(Type.Object(refreshFields), {
  additionalProperties: false,
  description: 'Hardware signals of the refresh forecast (defaults: battery 0.8, memory 8 GiB, disk wear 90%).',
});
export const RefreshPolicySchema = Type.Object(refreshFields, {
  description: 'Hardware signals of the refresh forecast.',
});
export type RefreshPolicy = Static<typeof RefreshPolicySchema>;

export const ReportsPolicyInputSchema = Type.Object(
  {
    collectorName: Type.Optional(
      Nullable(Type.String({ minLength: 1, maxLength: 255, description: 'The name reports carry.' })),
    ),
  },
  { additionalProperties: false, description: 'What reports say about where they come from.' },
);
export const ReportsPolicySchema = Type.Object(
  {
    collectorName: Nullable(
      Type.String({ description: 'The name reports carry; null: the host name of the collector that makes them.' }),
    ),
  },
  { description: 'What reports say about where they come from.' },
);

/**
 * A policy document as a person writes it (file or API): every key optional, an omitted key
 * takes its default, an unknown key is an error (a typo must not silently mean "default").
 */
export const PolicyInputSchema = Type.Object(
  {
    ghostAfterDays: Type.Optional(Days('An in-use asset no agent reported for this long is a ghost (default 30).')),
    ghostStatuses: Type.Optional(
      Type.Array(AssetStatusSchema, {
        uniqueItems: true,
        description: 'Register statuses that mean "should be reporting" (default deployed, in_stock).',
      }),
    ),
    staleAfterDays: Type.Optional(Days('A device silent this long has a stale agent (default 7).')),
    warrantyHorizonDays: Type.Optional(Days('Warn this many days before a warranty ends (default 90).', 0)),
    disposalRecentContactDays: Type.Optional(
      Days(
        'Disposing of an asset a linked device reported within this many days needs confirmation (force); 0 never asks (default 14).',
        0,
      ),
    ),
    hardwareChangeWindowDays: Type.Optional(
      Days('A component removal stays a finding this long unless it comes back (default 30).'),
    ),
    hardwareKinds: Type.Optional(
      Type.Array(ComponentKindSchema, {
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
        { additionalProperties: false, description: 'When unused seats make a license shelfware.' },
      ),
    ),
    usage: Type.Optional(
      Type.Object(
        {
          usedWithinDays: Type.Optional(Days('Used: last use within this many days (default 30).')),
          unusedAfterDays: Type.Optional(
            Days('Unused: no use for more than this many days; rarely used in between (default 90).'),
          ),
        },
        { additionalProperties: false, description: 'How installs are classified by their last use.' },
      ),
    ),
    reclamation: Type.Optional(
      Type.Object(
        {
          minSeats: Type.Optional(
            Type.Integer({
              minimum: 1,
              maximum: 10_000_000,
              description: 'Reclaimable seats at renewal time at least this raise reclaimable_seats (default 1).',
            }),
          ),
        },
        {
          additionalProperties: false,
          description: 'When seats sitting unused or with inactive people are a finding.',
        },
      ),
    ),
    idleAfterDays: Type.Optional(
      Days('A deployed asset whose device had no interactive login this long is idle (default 30).'),
    ),
    patch: Type.Optional(
      Type.Object(
        {
          linux: Type.Optional(PatchPolicyInputSchema),
          windows: Type.Optional(PatchPolicyInputSchema),
          macos: Type.Optional(PatchPolicyInputSchema),
          other: Type.Optional(PatchPolicyInputSchema),
        },
        { additionalProperties: false, description: 'The patch policy per OS family.' },
      ),
    ),
    endOfSupport: Type.Optional(
      Type.Array(EndOfSupportEntrySchema, {
        maxItems: 2000,
        description: 'Replaces the bundled end-of-support list; first matching entry wins.',
      }),
    ),
    costs: Type.Optional(CostPolicyInputSchema),
    refresh: Type.Optional(RefreshPolicyInputSchema),
    reports: Type.Optional(ReportsPolicyInputSchema),
    importStatusMap: Type.Optional(ImportStatusMapSchema),
    notifications: Type.Optional(
      Type.Object(
        {
          webhookUrl: Type.Optional(
            Nullable(Type.String({ maxLength: 2048, description: 'http(s) URL that receives newly opened findings.' })),
          ),
          minSeverity: Type.Optional(FindingSeveritySchema),
        },
        { additionalProperties: false, description: 'Where newly opened findings are sent.' },
      ),
    ),
  },
  { additionalProperties: false, description: 'The policy document: every key optional, omitted keys default.' },
);
export type PolicyInput = Static<typeof PolicyInputSchema>;

/** The reconciliation policy in force: every value present. */
export const PolicySchema = Type.Object(
  {
    ghostAfterDays: Type.Integer({ description: 'An in-use asset no agent reported for this long is a ghost.' }),
    ghostStatuses: Type.Array(AssetStatusSchema, { description: 'Register statuses that mean "should be reporting".' }),
    staleAfterDays: Type.Integer({ description: 'A device silent this long has a stale agent.' }),
    warrantyHorizonDays: Type.Integer({ description: 'Warn this many days before a warranty ends.' }),
    disposalRecentContactDays: Type.Integer({
      description:
        'Disposing of an asset a linked device reported within this many days needs confirmation; 0 never asks.',
    }),
    hardwareChangeWindowDays: Type.Integer({ description: 'A component removal stays a finding this long.' }),
    hardwareKinds: Type.Array(ComponentKindSchema, { description: 'Components whose removal or swap is a finding.' }),
    shelfware: Type.Object(
      {
        minUnusedSeats: Type.Integer({ description: 'Seats − usage at least this.' }),
        renewalHorizonDays: Type.Integer({ description: 'Renewal time: the term ends within this many days.' }),
      },
      { description: 'When unused seats make a license shelfware.' },
    ),
    usage: Type.Object(
      {
        usedWithinDays: Type.Integer({ description: 'Used: last use within this many days.' }),
        unusedAfterDays: Type.Integer({ description: 'Unused: no use for more than this many days.' }),
      },
      { description: 'How installs are classified by their last use.' },
    ),
    reclamation: Type.Object(
      { minSeats: Type.Integer({ description: 'Reclaimable seats at renewal time at least this are a finding.' }) },
      { description: 'When seats sitting unused or with inactive people are a finding.' },
    ),
    idleAfterDays: Type.Integer({
      description: 'A deployed asset whose device had no interactive login this long is idle.',
    }),
    patch: Type.Object(
      {
        linux: PatchPolicySchema,
        windows: PatchPolicySchema,
        macos: PatchPolicySchema,
        other: PatchPolicySchema,
      },
      { description: 'The patch policy per OS family.' },
    ),
    endOfSupport: Type.Array(EndOfSupportEntrySchema, { description: 'The end-of-support list in force.' }),
    costs: CostPolicySchema,
    refresh: RefreshPolicySchema,
    reports: ReportsPolicySchema,
    importStatusMap: ImportStatusMapSchema,
    notifications: Type.Object(
      {
        webhookUrl: Nullable(Type.String({ description: 'http(s) URL that receives newly opened findings.' })),
        minSeverity: FindingSeveritySchema,
      },
      { description: 'Where newly opened findings are sent.' },
    ),
  },
  { description: 'The policy in force: the document over the defaults.' },
);
export type Policy = Static<typeof PolicySchema>;

/** The policy document as stored, and the policy in force. */
export const StoredPolicySchema = Type.Object({
  policy: PolicySchema,
  document: PolicyInputSchema,
  updatedAt: Nullable(Type.String({ description: 'When the document was last replaced; null: never.' })),
  updatedBy: Nullable(Type.String({ description: 'Who replaced it.' })),
});
export type StoredPolicy = Static<typeof StoredPolicySchema>;

/** The end-of-support list in force. */
/** The end-of-support list as a file holds it (the one shipped with the collector). */
export const EndOfSupportEntriesSchema = Type.Array(EndOfSupportEntrySchema, {
  description: 'End-of-support entries, first matching entry wins.',
});

export const EndOfSupportListSchema = Type.Object({
  items: Type.Array(EndOfSupportEntrySchema, { description: 'First matching entry wins.' }),
  custom: Type.Boolean({ description: 'False while the list shipped with the collector is in force.' }),
});
export type EndOfSupportList = Static<typeof EndOfSupportListSchema>;

/** A new end-of-support list. */
export const EndOfSupportReplaceSchema = Type.Object(
  {
    items: Type.Array(EndOfSupportEntrySchema, { maxItems: 2000, description: 'First matching entry wins.' }),
  },
  { additionalProperties: false },
);
export type EndOfSupportReplace = Static<typeof EndOfSupportReplaceSchema>;

export const END_OF_SUPPORT_EXAMPLE: EndOfSupportEntry[] = [
  { product: 'Windows 7', family: 'windows', name: 'Windows 7*', endOfSupport: '2020-01-14' },
  { product: 'Windows 8.1', family: 'windows', name: 'Windows 8.1*', endOfSupport: '2023-01-10' },
];

const DEFAULT_PATCH: PatchPolicy = {
  maxPendingSecurity: 10,
  maxSecurityAgeDays: 14,
  maxDaysSinceLastPatch: 35,
  baselines: [],
  endOfSupport: true,
};

/** The shipped defaults, with the start of the shipped end-of-support list. */
export const POLICY_EXAMPLE: Policy = {
  ghostAfterDays: 30,
  ghostStatuses: ['deployed', 'in_stock'],
  staleAfterDays: 7,
  warrantyHorizonDays: 90,
  disposalRecentContactDays: 14,
  hardwareChangeWindowDays: 30,
  hardwareKinds: ['memory', 'disk', 'nic'],
  shelfware: { minUnusedSeats: 5, renewalHorizonDays: 90 },
  usage: { usedWithinDays: 30, unusedAfterDays: 90 },
  reclamation: { minSeats: 1 },
  idleAfterDays: 30,
  patch: { linux: DEFAULT_PATCH, windows: DEFAULT_PATCH, macos: DEFAULT_PATCH, other: DEFAULT_PATCH },
  endOfSupport: END_OF_SUPPORT_EXAMPLE,
  importStatusMap: {},
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

export const POLICY_INPUT_EXAMPLE: PolicyInput = {
  ghostAfterDays: 45,
  staleAfterDays: 10,
  patch: { linux: { maxPendingSecurity: 5, maxSecurityAgeDays: 7 } },
  importStatusMap: { 'Pending Diagnostics': 'in_repair', Undeployable: 'retired' },
  notifications: { webhookUrl: 'https://hooks.example.org/stocktake', minSeverity: 'high' },
};

export const STORED_POLICY_EXAMPLE: StoredPolicy = {
  policy: POLICY_EXAMPLE,
  document: POLICY_INPUT_EXAMPLE,
  updatedAt: AT,
  updatedBy: 'ops-admin',
};
