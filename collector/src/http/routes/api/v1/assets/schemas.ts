import { ASSET_STATUSES, LINK_METHODS, SANITIZATION_METHODS } from '@stocktake/shared/api';
import Type from 'typebox';
import { CONFLICT_KINDS } from '../../../../../store/sqlite/matching/conflicts.ts';
import { AuditEntrySchema } from '../audit/schemas.ts';
import { FindingSchema } from '../findings/schemas.ts';
import { IsoDate, Nullable } from '../schema-helpers.ts';

const Str = (max: number, description: string) => Type.String({ maxLength: max, description });

export const AssetStatusSchema = Type.Enum(ASSET_STATUSES, {
  description: 'Lifecycle status: planned, ordered, in_stock, deployed, in_repair, retired, disposed, lost, stolen.',
});

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
  location: Str(255, 'Location.'),
  costCenter: Str(255, 'Cost centre.'),
  supplier: Str(255, 'Supplier.'),
  orderNumber: Str(255, 'Order number.'),
  purchaseDate: IsoDate,
  purchaseCost: Type.Number({ minimum: 0, description: 'Purchase cost, at most two decimals.' }),
  warrantyMonths: Type.Integer({
    minimum: 0,
    maximum: 1200,
    description: 'Warranty length; with purchaseDate it sets warrantyEnd.',
  }),
  warrantyEnd: IsoDate,
  expectedEndOfLife: IsoDate,
  notes: Str(65_535, 'Notes.'),
};

type FieldSchemas = typeof fieldSchemas;

/** Every field nullable (null clears it), for responses. */
const responseFields = Object.fromEntries(
  Object.entries(fieldSchemas).map(([k, s]) => [
    k,
    k === 'assetTag' || k === 'status' || k === 'macs' ? s : Nullable(s),
  ]),
) as { [K in keyof FieldSchemas]: FieldSchemas[K] | ReturnType<typeof Nullable<FieldSchemas[K]>> };

export const AssetSchema = Type.Object({
  id: Type.String(),
  ...responseFields,
  lockedFields: Type.Array(Type.String(), { description: 'Fields set by hand, which discovery will not overwrite.' }),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});

export const DisposalSchema = Type.Object(
  {
    method: Type.Enum(SANITIZATION_METHODS, { description: 'NIST SP 800-88 sanitisation: clear, purge or destroy.' }),
    certificateRef: Type.String({
      minLength: 1,
      maxLength: 255,
      description: 'Certificate of sanitisation or destruction.',
    }),
    vendor: Type.String({ minLength: 1, maxLength: 255, description: 'Who sanitised or destroyed it.' }),
    date: IsoDate,
    notes: Type.Optional(Type.String({ maxLength: 65_535 })),
  },
  { additionalProperties: false },
);

export const ConflictSchema = Type.Object({
  kind: Type.Enum(CONFLICT_KINDS),
  value: Type.String(),
  deviceIds: Type.Array(Type.String()),
  assetIds: Type.Array(Type.String()),
});

export const StatusEventSchema = Type.Object({
  id: Type.Integer(),
  from: Nullable(AssetStatusSchema),
  to: AssetStatusSchema,
  at: Type.String(),
  actor: Type.String(),
  note: Nullable(Type.String()),
  correction: Type.Boolean(),
  disposal: Nullable(
    Type.Object({
      method: Type.String(),
      certificateRef: Type.String(),
      vendor: Type.String(),
      date: Type.String(),
      notes: Nullable(Type.String()),
    }),
  ),
});

export const AssetDetailSchema = Type.Object({
  ...AssetSchema.properties,
  statusEvents: Type.Array(StatusEventSchema),
  devices: Type.Array(
    Type.Object({
      deviceId: Type.String(),
      hostname: Type.String(),
      method: Type.Enum(LINK_METHODS),
      linkedAt: Type.String(),
      lastSeenAt: Type.String(),
    }),
  ),
  conflicts: Type.Array(ConflictSchema),
  findings: Type.Array(FindingSchema, { description: 'Unresolved findings that involve the asset (at most 100).' }),
  history: Type.Array(AuditEntrySchema, {
    description: 'Changes to the asset, newest first (at most 100; /api/v1/audit?entityId= has all).',
  }),
});

const writableFields = Object.fromEntries(
  Object.entries(fieldSchemas).map(([k, s]) => [
    k,
    Type.Optional(k === 'assetTag' || k === 'status' ? s : Nullable(s)),
  ]),
) as {
  [K in keyof FieldSchemas]: ReturnType<
    typeof Type.Optional<FieldSchemas[K] | ReturnType<typeof Nullable<FieldSchemas[K]>>>
  >;
};

export const AssetCreateSchema = Type.Object(
  {
    ...writableFields,
    assetTag: fieldSchemas.assetTag,
    statusNote: Type.Optional(Type.String({ maxLength: 1024, description: 'Why, kept with the status event.' })),
    disposal: Type.Optional(DisposalSchema),
  },
  { additionalProperties: false },
);

export const AssetUpdateSchema = Type.Object(
  {
    ...writableFields,
    statusNote: Type.Optional(
      Type.String({ maxLength: 1024, description: 'Why the status changes, kept with the event.' }),
    ),
    disposal: Type.Optional(DisposalSchema),
    correction: Type.Optional(
      Type.Object(
        { reason: Type.String({ minLength: 1, maxLength: 1024 }) },
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
  },
  { additionalProperties: false },
);

const Change = Type.Object({ field: Type.String(), from: Type.Unknown(), to: Type.Unknown() });

export const AssetImportOutcomeSchema = Type.Object({
  dryRun: Type.Boolean(),
  rows: Type.Integer(),
  created: Type.Array(Type.Object({ line: Type.Integer(), assetTag: Type.String() })),
  updated: Type.Array(Type.Object({ line: Type.Integer(), assetTag: Type.String(), changes: Type.Array(Change) })),
  unchanged: Type.Array(Type.Object({ line: Type.Integer(), assetTag: Type.String() })),
  ignoredColumns: Type.Array(Type.String(), { description: 'Columns of the file Stocktake does not use.' }),
});
