import Type, { type Static } from 'typebox';
import { AUDIT_ENTRY_EXAMPLE, AuditEntrySchema } from './audit.ts';
import { CsvDetectedSchema, FieldChangeSchema, ImportWarningsSchema, IsoDateSchema, Nullable, Page } from './common.ts';
import { ConflictSchema } from './conflicts.ts';
import { AssetStatusSchema, LinkMethodSchema, SanitizationMethodSchema } from './enums.ts';
import { ASSET, AT, DEVICE, EARLIER } from './example-values.ts';
import { FINDING_EXAMPLE, FindingSchema } from './findings.ts';

const Str = (max: number, description: string) => Type.String({ maxLength: max, description });

/** The register's fields, as a request writes them. */
const fieldSchemas = {
  assetTag: Str(255, 'Asset tag: unique in the register.'),
  name: Str(255, 'Asset name (Snipe-IT item_name).'),
  serial: Str(255, 'Serial number.'),
  hardwareUuid: Str(64, 'SMBIOS system UUID.'),
  macs: Type.Array(Type.String({ maxLength: 32 }), { maxItems: 64, description: 'MAC addresses.' }),
  hostname: Str(255, 'Host name.'),
  manufacturer: Str(255, 'Manufacturer.'),
  model: Str(255, 'Model name (Snipe-IT asset_model).'),
  modelNumber: Str(255, 'Model number.'),
  category: Str(255, 'Category (laptop, desktop, server, ...).'),
  status: AssetStatusSchema,
  assigneeName: Str(255, 'Full name of the person it is assigned to.'),
  assigneeEmail: Str(255, 'Their e-mail address.'),
  assigneeUsername: Str(255, 'Their user name.'),
  assigneeEmployeeNumber: Str(255, 'Their employee number.'),
  assigneeDepartment: Str(255, 'Their department.'),
  location: Str(255, 'Location.'),
  costCenter: Str(255, 'Cost centre.'),
  supplier: Str(255, 'Supplier.'),
  orderNumber: Str(255, 'Order number.'),
  purchaseDate: IsoDateSchema,
  purchaseCost: Type.Number({ minimum: 0, description: 'Purchase cost, at most two decimals.' }),
  warrantyMonths: Type.Integer({
    minimum: 0,
    maximum: 1200,
    description: 'Warranty length; with purchaseDate it sets warrantyEnd.',
  }),
  warrantyEnd: IsoDateSchema,
  expectedEndOfLife: IsoDateSchema,
  supportCost: Type.Number({
    minimum: 0,
    description: 'Cost of its support or extended warranty contract over the contract’s term, at most two decimals.',
  }),
  supportStart: IsoDateSchema,
  supportEnd: IsoDateSchema,
  notes: Str(65_535, 'Notes.'),
};

type FieldSchemas = typeof fieldSchemas;

/** Fields every asset has: never null. */
type RequiredField = 'assetTag' | 'status';
const isRequired = (field: string): field is RequiredField => field === 'assetTag' || field === 'status';

/** Every field nullable (null clears it) but the asset tag, the status and the MAC list, for responses. */
const responseFields = Object.fromEntries(
  Object.entries(fieldSchemas).map(([k, s]) => [k, isRequired(k) || k === 'macs' ? s : Nullable(s)]),
) as {
  [K in keyof FieldSchemas]: K extends RequiredField | 'macs'
    ? FieldSchemas[K]
    : ReturnType<typeof Nullable<FieldSchemas[K]>>;
};

/** A register asset: what the organisation believes it owns. */
export const AssetSchema = Type.Object({
  id: Type.String({ description: 'The asset id.' }),
  ...responseFields,
  lockedFields: Type.Array(Type.String(), { description: 'Fields set by hand, which discovery will not overwrite.' }),
  createdAt: Type.String({ description: 'When it was added to the register.' }),
  updatedAt: Type.String({ description: 'When it last changed.' }),
});
export type Asset = Static<typeof AssetSchema>;

/** How an asset left the organisation's hands, required to move it to disposed. */
export const DisposalSchema = Type.Object(
  {
    method: SanitizationMethodSchema,
    certificateRef: Type.String({
      minLength: 1,
      maxLength: 255,
      description: 'Certificate of sanitisation or destruction.',
    }),
    vendor: Type.String({ minLength: 1, maxLength: 255, description: 'Who sanitised or destroyed it.' }),
    date: IsoDateSchema,
    notes: Type.Optional(Type.String({ maxLength: 65_535, description: 'Anything else the record should say.' })),
    proceeds: Type.Optional(
      Type.Number({
        minimum: -1e12,
        maximum: 1e12,
        description:
          'What the disposal brought in (resale), or as a negative amount what it cost; at most two decimals.',
      }),
    ),
  },
  {
    additionalProperties: false,
    description: 'How the asset was sanitised or destroyed (a move to disposed needs it).',
  },
);
export type Disposal = Static<typeof DisposalSchema>;

/** One move of an asset's lifecycle status. */
export const StatusEventSchema = Type.Object({
  id: Type.Integer({ description: 'Position in the asset’s history; later events have higher ids.' }),
  from: Nullable(AssetStatusSchema),
  to: AssetStatusSchema,
  at: Type.String({ description: 'When the status changed.' }),
  actor: Type.String({ description: 'Who changed it.' }),
  note: Nullable(Type.String({ description: 'Why, as given with the change.' })),
  correction: Type.Boolean({ description: 'An administrator’s correction outside the lifecycle.' }),
  disposal: Nullable(
    Type.Object(
      {
        method: Type.String({ description: 'How it was sanitised or destroyed.' }),
        certificateRef: Type.String({ description: 'Certificate of sanitisation or destruction.' }),
        vendor: Type.String({ description: 'Who sanitised or destroyed it.' }),
        date: Type.String({ description: 'When, YYYY-MM-DD.' }),
        notes: Nullable(Type.String({ description: 'Anything else the record says.' })),
        proceeds: Nullable(
          Type.Number({ description: 'What it brought in (negative: what it cost); null when not recorded.' }),
        ),
      },
      { description: 'The disposal record of a move to disposed.' },
    ),
  ),
});
export type StatusEvent = Static<typeof StatusEventSchema>;

/** A device linked to an asset. */
export const AssetDeviceSchema = Type.Object({
  deviceId: Type.String({ description: 'The device id.' }),
  hostname: Type.String({ description: 'Its host name.' }),
  method: LinkMethodSchema,
  linkedAt: Type.String({ description: 'When it was linked.' }),
  lastSeenAt: Type.String({ description: 'When its agent last reported.' }),
});
export type AssetDevice = Static<typeof AssetDeviceSchema>;

/** Everything about one asset. */
export const AssetDetailSchema = Type.Object({
  ...AssetSchema.properties,
  statusEvents: Type.Array(StatusEventSchema, { description: 'Its lifecycle, oldest first.' }),
  devices: Type.Array(AssetDeviceSchema, { description: 'Devices linked to it.' }),
  conflicts: Type.Array(ConflictSchema, { description: 'Identifier conflicts it is part of.' }),
  findings: Type.Array(FindingSchema, { description: 'Unresolved findings that involve the asset (at most 100).' }),
  history: Type.Array(AuditEntrySchema, {
    description: 'Changes to the asset, newest first (at most 100; /api/v1/audit?entityId= has all).',
  }),
});
export type AssetDetail = Static<typeof AssetDetailSchema>;

const writableFields = Object.fromEntries(
  Object.entries(fieldSchemas).map(([k, s]) => [k, Type.Optional(isRequired(k) ? s : Nullable(s))]),
) as {
  [K in keyof FieldSchemas]: ReturnType<
    typeof Type.Optional<K extends RequiredField ? FieldSchemas[K] : ReturnType<typeof Nullable<FieldSchemas[K]>>>
  >;
};

/** A new asset: its tag, and any other field. */
export const AssetCreateSchema = Type.Object(
  {
    ...writableFields,
    assetTag: fieldSchemas.assetTag,
    statusNote: Type.Optional(Type.String({ maxLength: 1024, description: 'Why, kept with the status event.' })),
    disposal: Type.Optional(DisposalSchema),
  },
  { additionalProperties: false },
);
export type AssetCreate = Static<typeof AssetCreateSchema>;

/** A change to an asset: the fields to set (null clears one) and how the status change goes. */
export const AssetUpdateSchema = Type.Object(
  {
    ...writableFields,
    statusNote: Type.Optional(
      Type.String({ maxLength: 1024, description: 'Why the status changes, kept with the event.' }),
    ),
    disposal: Type.Optional(DisposalSchema),
    correction: Type.Optional(
      Type.Object(
        { reason: Type.String({ minLength: 1, maxLength: 1024, description: 'Why the lifecycle is overridden.' }) },
        {
          additionalProperties: false,
          description: 'Administrator correction: allows a status move the lifecycle forbids (e.g. out of disposed).',
        },
      ),
    ),
    unlockFields: Type.Optional(
      Type.Array(Type.String({ maxLength: 64 }), {
        maxItems: 16,
        description: 'Hand these fields back to discovery (serial, hardwareUuid, macs, hostname, manufacturer, model).',
      }),
    ),
    force: Type.Optional(
      Type.Boolean({
        description:
          'Dispose of the asset although a linked device reported within the policy’s disposalRecentContactDays (without it, 409 naming force).',
      }),
    ),
  },
  { additionalProperties: false },
);
export type AssetUpdate = Static<typeof AssetUpdateSchema>;

const Line = Type.Integer({ description: 'Line of the file (the header is line 1).' });
const AssetTag = Type.String({ description: 'Asset tag of the row.' });

/** What an asset import did, or with dryRun would do. */
export const AssetImportOutcomeSchema = Type.Object({
  dryRun: Type.Boolean({ description: 'Nothing was written.' }),
  rows: Type.Integer({ description: 'Data rows in the file.' }),
  created: Type.Array(Type.Object({ line: Line, assetTag: AssetTag }), { description: 'New assets.' }),
  updated: Type.Array(
    Type.Object({
      line: Line,
      assetTag: AssetTag,
      changes: Type.Array(FieldChangeSchema, { description: 'What the row changes.' }),
    }),
    { description: 'Assets the file changes.' },
  ),
  unchanged: Type.Array(Type.Object({ line: Line, assetTag: AssetTag }), {
    description: 'Rows that match the register already.',
  }),
  ignoredColumns: Type.Array(Type.String(), { description: 'Columns of the file Stocktake does not use.' }),
  detected: CsvDetectedSchema,
  warnings: ImportWarningsSchema,
});
export type AssetImportOutcome = Static<typeof AssetImportOutcomeSchema>;

/** The query string of the asset import. */
export const AssetImportQuerySchema = Type.Object(
  {
    dryRun: Type.Boolean({ default: false, description: 'Report what would change and write nothing.' }),
    statusMap: Type.Optional(
      Type.String({
        maxLength: 8192,
        description:
          "Status labels of the source system read as Stocktake statuses: 'Pending Diagnostics=in_repair,Undeployable=retired'. Over the policy's importStatusMap, which is used without it.",
      }),
    ),
    saveStatusMap: Type.Boolean({
      default: false,
      description:
        "Keep statusMap in the policy's importStatusMap once the import succeeds, so later imports use it without being told (not on a dry run).",
    }),
  },
  { additionalProperties: false },
);
export type AssetImportQuery = Static<typeof AssetImportQuerySchema>;

export const AssetPageSchema = Page(AssetSchema);
export type AssetPage = Static<typeof AssetPageSchema>;

export const ASSET_CREATE_EXAMPLE: AssetCreate = {
  assetTag: 'LT-1001',
  name: 'Latitude for J. Doe',
  serial: '7XK3QW3',
  manufacturer: 'Dell Inc.',
  model: 'Latitude 7440',
  category: 'laptop',
  status: 'deployed',
  assigneeName: 'Jane Doe',
  assigneeEmail: 'jane.doe@example.org',
  location: 'HQ, floor 3',
  purchaseDate: '2024-01-31',
  purchaseCost: 1249.5,
  warrantyMonths: 36,
};

export const ASSET_EXAMPLE: Asset = {
  id: ASSET,
  assetTag: 'LT-1001',
  name: 'Latitude for J. Doe',
  serial: '7XK3QW3',
  hardwareUuid: '4c4c4544-0058-4b10-8033-b7c04f515733',
  macs: ['3c:22:fb:7a:19:c4'],
  hostname: 'ws-0042',
  manufacturer: 'Dell Inc.',
  model: 'Latitude 7440',
  modelNumber: null,
  category: 'laptop',
  status: 'deployed',
  assigneeName: 'Jane Doe',
  assigneeEmail: 'jane.doe@example.org',
  assigneeUsername: 'jdoe',
  assigneeEmployeeNumber: null,
  assigneeDepartment: 'Finance',
  location: 'HQ, floor 3',
  costCenter: 'CC-100',
  supplier: 'Dell',
  orderNumber: 'PO-2024-0117',
  purchaseDate: '2024-01-31',
  purchaseCost: 1249.5,
  warrantyMonths: 36,
  warrantyEnd: '2027-01-31',
  expectedEndOfLife: '2028-01-31',
  supportCost: 180,
  supportStart: '2024-01-31',
  supportEnd: '2027-01-31',
  notes: null,
  lockedFields: ['serial'],
  createdAt: EARLIER,
  updatedAt: AT,
};

export const ASSET_DETAIL_EXAMPLE: AssetDetail = {
  ...ASSET_EXAMPLE,
  statusEvents: [
    {
      id: 1,
      from: null,
      to: 'deployed',
      at: EARLIER,
      actor: 'ops-admin',
      note: 'issued to Jane',
      correction: false,
      disposal: null,
    },
  ],
  devices: [{ deviceId: DEVICE, hostname: 'ws-0042', method: 'serial', linkedAt: EARLIER, lastSeenAt: AT }],
  conflicts: [],
  findings: [FINDING_EXAMPLE],
  history: [AUDIT_ENTRY_EXAMPLE],
};

export const ASSET_IMPORT_OUTCOME_EXAMPLE: AssetImportOutcome = {
  dryRun: true,
  rows: 2,
  created: [{ line: 2, assetTag: 'LT-1002' }],
  updated: [{ line: 3, assetTag: 'LT-1001', changes: [{ field: 'location', from: 'HQ, floor 3', to: 'Warehouse 3' }] }],
  unchanged: [],
  ignoredColumns: ['Company'],
  detected: { encoding: 'utf-8', delimiter: 'comma' },
  warnings: [],
};

export const ASSET_IMPORT_EXAMPLE =
  'asset_tag,item_name,serial,status,location\r\nLT-1002,Latitude spare,8YL4RX4,Ready to Deploy,HQ\r\n';
