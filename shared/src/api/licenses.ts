import Type, { type Static } from 'typebox';
import { CsvDetectedSchema, FieldChangeSchema, ImportWarningsSchema, IsoDateSchema, Nullable, Page } from './common.ts';
import { LicenseMetricSchema, LicenseUsageStateSchema } from './enums.ts';
import { AT, DEVICE, EARLIER, LICENSE } from './example-values.ts';

const fields = {
  product: Type.String({ minLength: 1, maxLength: 255, description: 'Product the entitlement covers.' }),
  publisher: Nullable(Type.String({ maxLength: 255, description: 'Its publisher.' })),
  namePattern: Type.String({
    minLength: 1,
    maxLength: 255,
    description: 'Glob (* and ?, case-insensitive) over installed software names; defaults to the product.',
  }),
  publisherPattern: Nullable(Type.String({ maxLength: 255, description: 'Glob over publishers.' })),
  versionRange: Nullable(Type.String({ maxLength: 255, description: 'e.g. ">=16 <17", "16.*", ">=1 <2 || >=3".' })),
  metric: LicenseMetricSchema,
  seats: Type.Integer({ minimum: 0, maximum: 10_000_000, description: 'Seats bought.' }),
  termStart: Nullable(IsoDateSchema),
  termEnd: Nullable(IsoDateSchema),
  costPerSeat: Nullable(Type.Number({ minimum: 0, description: 'What one seat costs over the term.' })),
  orderNumber: Nullable(Type.String({ maxLength: 255, description: 'Order number.' })),
  notes: Nullable(Type.String({ maxLength: 65_535, description: 'Notes.' })),
};

/** A license entitlement: seats of a product, matched against installed software. */
export const LicenseSchema = Type.Object({
  id: Type.String({ description: 'The license id.' }),
  ...fields,
  createdAt: Type.String({ description: 'When it was added.' }),
  updatedAt: Type.String({ description: 'When it last changed.' }),
});
export type License = Static<typeof LicenseSchema>;

/** A new license entitlement: the product and its seats, and any other field. */
export const LicenseCreateSchema = Type.Object(
  {
    product: fields.product,
    seats: fields.seats,
    publisher: Type.Optional(fields.publisher),
    namePattern: Type.Optional(fields.namePattern),
    publisherPattern: Type.Optional(fields.publisherPattern),
    versionRange: Type.Optional(fields.versionRange),
    metric: Type.Optional(fields.metric),
    termStart: Type.Optional(fields.termStart),
    termEnd: Type.Optional(fields.termEnd),
    costPerSeat: Type.Optional(fields.costPerSeat),
    orderNumber: Type.Optional(fields.orderNumber),
    notes: Type.Optional(fields.notes),
  },
  { additionalProperties: false },
);
export type LicenseCreate = Static<typeof LicenseCreateSchema>;

/** A change to a license entitlement: the fields to set. */
export const LicenseUpdateSchema = Type.Object(
  Object.fromEntries(Object.entries(fields).map(([k, s]) => [k, Type.Optional(s)])) as {
    [K in keyof typeof fields]: ReturnType<typeof Type.Optional<(typeof fields)[K]>>;
  },
  { additionalProperties: false },
);
export type LicenseUpdate = Static<typeof LicenseUpdateSchema>;

const Ref = {
  line: Type.Integer({ description: 'Line of the file (the header is line 1).' }),
  product: Type.String({ description: 'Product of the row.' }),
  orderNumber: Nullable(Type.String({ description: 'Order number of the row.' })),
};

/** What a license import did, or with dryRun would do. */
export const LicenseImportOutcomeSchema = Type.Object({
  dryRun: Type.Boolean({ description: 'Nothing was written.' }),
  rows: Type.Integer({ description: 'Data rows in the file.' }),
  created: Type.Array(Type.Object(Ref), { description: 'New entitlements.' }),
  updated: Type.Array(
    Type.Object({ ...Ref, changes: Type.Array(FieldChangeSchema, { description: 'What the row changes.' }) }),
    { description: 'Entitlements the file changes.' },
  ),
  unchanged: Type.Array(Type.Object(Ref), { description: 'Rows that match what is stored already.' }),
  ignoredColumns: Type.Array(Type.String(), { description: 'Columns of the file Stocktake does not use.' }),
  detected: CsvDetectedSchema,
  warnings: ImportWarningsSchema,
});
export type LicenseImportOutcome = Static<typeof LicenseImportOutcomeSchema>;

/** A product's license position: usage against the seats of its entitlements in term, pooled. */
export const LicenseUsageSchema = Type.Object(
  {
    metric: LicenseMetricSchema,
    seats: Type.Integer({
      description: 'Seats of the product’s entitlements under this metric whose term is current, every order added up.',
    }),
    used: Type.Integer({ description: 'Devices (per_device) or users (per_user) counted.' }),
    devices: Type.Integer({ description: 'Present devices with a matching install.' }),
    users: Type.Integer({
      description: 'Distinct users of those devices (a device with no known user counts as one).',
    }),
    available: Type.Integer({ description: 'Seats − used, at least 0.' }),
    over: Type.Integer({ description: 'Used − seats, at least 0.' }),
    state: LicenseUsageStateSchema,
    atRenewal: Type.Boolean({ description: 'An entitlement in term ends within the renewal horizon.' }),
    unusedSeatsCost: Nullable(
      Type.Number({
        description:
          'available × cost per seat (averaged over the entitlements in term by their seats), where every one has a cost.',
      }),
    ),
  },
  {
    description:
      'Usage against the seats, by the license metric: every entitlement of the product under the metric pooled, only those in term lending seats.',
  },
);

/** One entitlement of a product as its position counts it. */
export const PositionEntitlementSchema = Type.Object({
  id: Type.String({ description: 'The license id.' }),
  orderNumber: Nullable(Type.String({ description: 'Its order number.' })),
  seats: Type.Integer({ description: 'Seats it holds.' }),
  termStart: Nullable(Type.String({ description: 'First day of its term.' })),
  termEnd: Nullable(Type.String({ description: 'Last day of its term.' })),
  costPerSeat: Nullable(Type.Number({ description: 'What one of its seats costs.' })),
  current: Type.Boolean({ description: 'Its term covers today, so its seats count.' }),
});
export type PositionEntitlement = Static<typeof PositionEntitlementSchema>;
export type LicenseUsage = Static<typeof LicenseUsageSchema>;

/** A device or user a license counts, with the devices and installs that make it count. */
export const CountedSchema = Type.Object({
  key: Type.String({
    description: 'Device id (per_device), or user (per_user; device:<id> for a device with no known user).',
  }),
  user: Nullable(Type.String({ description: 'The user, where known.' })),
  devices: Type.Array(
    Type.Object({
      deviceId: Type.String({ description: 'The device.' }),
      hostname: Type.String({ description: 'Its host name.' }),
      lastSeenAt: Type.String({ description: 'When its agent last reported.' }),
      software: Type.Array(Type.String(), { description: 'Matching installs: name and version.' }),
    }),
    { description: 'The devices with a matching install.' },
  ),
});
export type Counted = Static<typeof CountedSchema>;

/** The query string of a compliance page. */
export const ComplianceQuerySchema = Type.Object(
  {
    limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100, description: 'Counted entries per page.' }),
    cursor: Type.Optional(Type.String({ maxLength: 1024, description: 'nextCursor of the previous page.' })),
  },
  { additionalProperties: false },
);
export type ComplianceQuery = Static<typeof ComplianceQuerySchema>;

/** A license's product position (every entitlement of it pooled) against what is installed, with a page of what it counts. */
export const ComplianceSchema = Type.Object({
  license: Type.Object(
    {
      id: Type.String({ description: 'The license id.' }),
      product: Type.String({ description: 'Product the entitlement covers.' }),
      namePattern: Type.String({ description: 'Glob over installed software names.' }),
      publisherPattern: Nullable(Type.String({ description: 'Glob over publishers.' })),
      versionRange: Nullable(Type.String({ description: 'Versions covered.' })),
      termEnd: Nullable(Type.String({ description: 'Last day of the term.' })),
      costPerSeat: Nullable(Type.Number({ description: 'What one seat costs.' })),
    },
    { description: 'The entitlement and its matching rule.' },
  ),
  product: Type.String({ description: 'The product whose position this is (the license’s, under its metric).' }),
  usage: LicenseUsageSchema,
  entitlements: Type.Array(PositionEntitlementSchema, {
    description: 'Every entitlement of the product under the metric (the orders that contribute), by order number.',
  }),
  matchedVersions: Type.Integer({
    description: 'Catalogue entries (package versions) any entitlement of the product matches.',
  }),
  counted: Type.Array(CountedSchema, { description: 'A page of what the product’s position counts, by key.' }),
  nextCursor: Nullable(Type.String({ description: 'Pass as cursor for the next page; null on the last.' })),
});
export type Compliance = Static<typeof ComplianceSchema>;

export const LicensePageSchema = Page(LicenseSchema);
export type LicensePage = Static<typeof LicensePageSchema>;

export const LICENSE_CREATE_EXAMPLE = {
  product: 'Adobe Acrobat Pro',
  publisher: 'Adobe',
  namePattern: 'Adobe Acrobat*',
  versionRange: '>=23 <25',
  metric: 'per_device',
  seats: 25,
  termStart: '2026-01-01',
  termEnd: '2026-12-31',
  costPerSeat: 239.88,
  orderNumber: 'PO-2026-0042',
} satisfies LicenseCreate;

export const LICENSE_EXAMPLE: License = {
  id: LICENSE,
  ...LICENSE_CREATE_EXAMPLE,
  publisherPattern: null,
  notes: null,
  createdAt: EARLIER,
  updatedAt: AT,
};

export const LICENSE_IMPORT_EXAMPLE =
  'product,publisher,name_pattern,metric,seats,term_end,order_number\r\nAdobe Acrobat Pro,Adobe,Adobe Acrobat*,per_device,25,2026-12-31,PO-2026-0042\r\n';

export const LICENSE_IMPORT_OUTCOME_EXAMPLE: LicenseImportOutcome = {
  dryRun: false,
  rows: 1,
  created: [{ line: 2, product: 'Adobe Acrobat Pro', orderNumber: 'PO-2026-0042' }],
  updated: [],
  unchanged: [],
  ignoredColumns: [],
  detected: { encoding: 'utf-8', delimiter: 'comma' },
  warnings: [],
};

export const LICENSE_USAGE_EXAMPLE: LicenseUsage = {
  metric: 'per_device',
  seats: 25,
  used: 27,
  devices: 27,
  users: 26,
  available: 0,
  over: 2,
  state: 'over',
  atRenewal: false,
  unusedSeatsCost: 0,
};

export const COMPLIANCE_EXAMPLE: Compliance = {
  license: {
    id: LICENSE,
    product: LICENSE_CREATE_EXAMPLE.product,
    namePattern: LICENSE_CREATE_EXAMPLE.namePattern,
    publisherPattern: null,
    versionRange: LICENSE_CREATE_EXAMPLE.versionRange,
    termEnd: LICENSE_CREATE_EXAMPLE.termEnd,
    costPerSeat: LICENSE_CREATE_EXAMPLE.costPerSeat,
  },
  product: LICENSE_CREATE_EXAMPLE.product,
  usage: LICENSE_USAGE_EXAMPLE,
  entitlements: [
    {
      id: LICENSE,
      orderNumber: LICENSE_CREATE_EXAMPLE.orderNumber,
      seats: LICENSE_CREATE_EXAMPLE.seats,
      termStart: LICENSE_CREATE_EXAMPLE.termStart,
      termEnd: LICENSE_CREATE_EXAMPLE.termEnd,
      costPerSeat: LICENSE_CREATE_EXAMPLE.costPerSeat,
      current: true,
    },
  ],
  matchedVersions: 3,
  counted: [
    {
      key: DEVICE,
      user: 'jdoe',
      devices: [
        { deviceId: DEVICE, hostname: 'ws-0042', lastSeenAt: AT, software: ['Adobe Acrobat Pro 24.002.20857'] },
      ],
    },
  ],
  nextCursor: null,
};
