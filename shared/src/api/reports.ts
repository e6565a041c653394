import Type, { type Static } from 'typebox';
import { Nullable } from './common.ts';
import { FindingTypeSchema, LicenseMetricSchema } from './enums.ts';
import { AT, LICENSE } from './example-values.ts';
import { LICENSE_USAGE_EXAMPLE, LicenseUsageSchema, PositionEntitlementSchema } from './licenses.ts';
import { RUN_EXAMPLE, RunSchema } from './reconciliations.ts';

/** Unresolved findings of one type. */
export const FindingTypeCountSchema = Type.Object({
  type: FindingTypeSchema,
  total: Type.Integer({ description: 'Unresolved findings of the type.' }),
  bySeverity: Type.Record(Type.String(), Type.Integer(), { description: 'How many per severity.' }),
  byStatus: Type.Record(Type.String(), Type.Integer(), { description: 'How many per status.' }),
});
export type FindingTypeCount = Static<typeof FindingTypeCountSchema>;

/** One product's license position in the summary: its entitlements under one metric, pooled. */
export const LicenseSummarySchema = Type.Object({
  product: Type.String({ description: 'The product.' }),
  metric: LicenseMetricSchema,
  entitlements: Type.Array(PositionEntitlementSchema, { description: 'Its entitlements (orders), by order number.' }),
  usage: LicenseUsageSchema,
});
export type LicenseSummary = Static<typeof LicenseSummarySchema>;

/** Unresolved findings, license compliance per product and register coverage, at a glance. */
export const SummaryReportSchema = Type.Object({
  generatedAt: Type.String({ description: 'When the report was made.' }),
  lastRun: Nullable(RunSchema),
  findings: Type.Object(
    {
      total: Type.Integer({ description: 'Unresolved findings (open, acknowledged, snoozed).' }),
      open: Type.Integer({ description: 'Of which open: waiting for someone.' }),
      byType: Type.Array(FindingTypeCountSchema, { description: 'Per finding type.' }),
    },
    { description: 'Unresolved findings.' },
  ),
  licenses: Type.Array(LicenseSummarySchema, {
    description: 'Every product’s license position with its usage, by product and metric.',
  }),
  coverage: Type.Object(
    {
      statuses: Type.Array(Type.String(), { description: 'Register statuses that mean "in use".' }),
      days: Type.Integer({ description: 'How recent a report must be to count as seen.' }),
      inUse: Type.Integer({ description: 'Register assets in those statuses.' }),
      seen: Type.Integer({ description: 'Of which a linked device reported within the days.' }),
      share: Nullable(Type.Number({ description: 'seen / inUse (null with no asset in use).' })),
    },
    { description: 'How much of the register in use reports through an agent.' },
  ),
});
export type SummaryReport = Static<typeof SummaryReportSchema>;

export const SUMMARY_REPORT_EXAMPLE: SummaryReport = {
  generatedAt: AT,
  lastRun: RUN_EXAMPLE,
  findings: {
    total: 9,
    open: 7,
    byType: [
      {
        type: 'unpatched_device',
        total: 9,
        bySeverity: { info: 0, low: 0, medium: 2, high: 7, critical: 0 },
        byStatus: { open: 7, acknowledged: 1, snoozed: 1 },
      },
    ],
  },
  licenses: [
    {
      product: 'Adobe Acrobat Pro',
      metric: 'per_device',
      entitlements: [
        {
          id: LICENSE,
          orderNumber: 'PO-2026-0042',
          seats: 25,
          termStart: '2026-01-01',
          termEnd: '2026-12-31',
          costPerSeat: 239.88,
          current: true,
        },
      ],
      usage: LICENSE_USAGE_EXAMPLE,
    },
  ],
  coverage: { statuses: ['deployed'], days: 30, inUse: 118, seen: 112, share: 0.9492 },
};
