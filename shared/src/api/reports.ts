import Type, { type Static } from 'typebox';
import { IsoDateSchema, Nullable } from './common.ts';
import { FindingTypeSchema, LicenseMetricSchema, ReportFormatSchema, ReportNameSchema } from './enums.ts';
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

/** Which period a report covers and how it comes back. */
export const ReportQuerySchema = Type.Object(
  {
    from: Type.Optional(IsoDateSchema),
    to: Type.Optional(IsoDateSchema),
    period: Type.Optional(
      Type.String({
        pattern: '^(this-quarter|last-quarter|this-month|last-month|this-year|last-year|\\d{4}-Q[1-4]|\\d{4})$',
        description:
          'A named period instead of from and to: this-quarter, last-quarter, this-month, last-month, this-year, last-year, 2026-Q3 or 2026. Without any, the current quarter to today.',
      }),
    ),
    format: Type.Optional(ReportFormatSchema),
    section: Type.Optional(
      Type.String({
        pattern: '^[a-z][a-z0-9-]{0,63}$',
        description: 'CSV: which of the report’s tables (its sections’ names); the first without one.',
      }),
    ),
  },
  { additionalProperties: false },
);
export type ReportQuery = Static<typeof ReportQuerySchema>;

export const ReportParamsSchema = Type.Object({ name: ReportNameSchema });

/** A cell of a report table: plain text, a number or nothing; never a structure. */
export const ReportCellSchema = Nullable(
  Type.Union([Type.String(), Type.Number(), Type.Boolean()], {
    description:
      'Text, a number (money in the report’s currency, shares from 0 to 1) or a flag; null when there is none.',
  }),
);
export type ReportCell = Static<typeof ReportCellSchema>;

export const REPORT_COLUMN_KINDS = ['text', 'number', 'money', 'date', 'percent'] as const;

export const ReportColumnSchema = Type.Object({
  key: Type.String({ description: 'The row field, and the CSV header.' }),
  header: Type.String({ description: 'What a person reads above the column.' }),
  kind: Type.Enum(REPORT_COLUMN_KINDS, {
    description: 'text, number, money (in the report’s currency), date (YYYY-MM-DD) or percent (a share from 0 to 1).',
  }),
});
export type ReportColumn = Static<typeof ReportColumnSchema>;

export const ReportSectionSchema = Type.Object({
  name: Type.String({ description: 'The table’s name: the CSV’s `section`.' }),
  title: Type.String({ description: 'Its heading.' }),
  note: Nullable(Type.String({ description: 'What the table holds and how it was counted.' })),
  columns: Type.Array(ReportColumnSchema, { description: 'Its columns, in order.' }),
  rows: Type.Array(Type.Record(Type.String(), ReportCellSchema), { description: 'Its rows, by column key.' }),
});
export type ReportSection = Static<typeof ReportSectionSchema>;

/** A report as data: what its CSV and PDF show, figure for figure. */
export const ReportSchema = Type.Object({
  report: ReportNameSchema,
  title: Type.String({ description: 'The report’s title.' }),
  period: Type.Object(
    { from: IsoDateSchema, to: IsoDateSchema },
    { description: 'The days it covers; figures “now” are as of its end.' },
  ),
  generatedAt: Type.String({ description: 'When it was made.' }),
  collector: Type.String({
    description: 'The collector that made it (the policy’s reports.collectorName, or its host name).',
  }),
  currency: Type.String({ description: 'Every amount’s currency: one per installation.' }),
  summary: Type.Array(
    Type.Object({
      label: Type.String({ description: 'What the figure is.' }),
      value: ReportCellSchema,
      kind: ReportColumnSchema.properties.kind,
    }),
    { description: 'Headline figures.' },
  ),
  sections: Type.Array(ReportSectionSchema, { description: 'Its tables.' }),
});
export type Report = Static<typeof ReportSchema>;

export const REPORT_EXAMPLE: Report = {
  report: 'renewals',
  title: 'Renewal calendar',
  period: { from: '2026-10-01', to: '2026-12-07' },
  generatedAt: AT,
  collector: 'stocktake.example.org',
  currency: 'EUR',
  summary: [{ label: 'Unused seats’ cost, next 90 days', value: 540, kind: 'money' }],
  sections: [
    {
      name: 'renewals',
      title: 'Renewals in the next 365 days',
      note: null,
      columns: [
        { key: 'subject', header: 'Product or asset', kind: 'text' },
        { key: 'ends', header: 'Ends', kind: 'date' },
        { key: 'unusedCost', header: 'Unused seats’ cost', kind: 'money' },
      ],
      rows: [{ subject: 'Acme CAD', ends: '2027-02-05', unusedCost: 540 }],
    },
  ],
};

/** A report as PDF (`format=pdf` or `Accept: application/pdf`). */
export const ReportPdfSchema = Type.String({
  format: 'binary',
  description: 'PDF: a title page (period, collector, summary), a table per section, pages numbered.',
});

/** One table of a report as CSV (`format=csv` or `Accept: text/csv`). */
export const ReportCsvSchema = Type.String({
  description:
    'One section of the report (the first unless `section` names one): a header row of column keys, flat cells.',
});
