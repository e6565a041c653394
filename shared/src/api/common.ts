import Type, { type Static, type TSchema } from 'typebox';
import { CsvDelimiterSchema, CsvEncodingSchema } from './enums.ts';

/** A value or null: how the API says "not known" or "cleared". */
export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

/** A calendar date as the API writes it. */
export const IsoDateSchema = Type.String({
  pattern: '^\\d{4}-\\d{2}-\\d{2}$',
  description: 'Calendar date, YYYY-MM-DD.',
});

/**
 * One page of a list: the shape of every list route's JSON answer. Each resource declares its
 * page once (`DevicePageSchema = Page(DeviceListItemSchema)`), and its list route answers with it.
 */
export const Page = <T extends TSchema>(item: T) =>
  Type.Object({
    items: Type.Array(item, { description: 'The items of this page, in the requested sort order.' }),
    nextCursor: Nullable(Type.String({ description: 'Pass as cursor for the next page; null on the last.' })),
  });
export type TPage<T extends TSchema> = ReturnType<typeof Page<T>>;

/** The answer of a route that answers 204: no body. */
export const NoContentSchema = Type.Null({ description: 'No content.' });

/** A CSV export, as the routes that produce one answer. */
export const CsvExportSchema = Type.String({ description: 'CSV, UTF-8, CRLF line ends.' });

/** One page of a list as CSV (`Accept: text/csv`): every matching item. */
export const CsvPageSchema = Type.String({ description: 'One row per item; a header row of field names.' });

/**
 * A CSV file sent to an import route, as bytes: the collector detects the encoding and the
 * separator itself, so the schema leaves the body's type to the CSV reader.
 */
export const CsvUploadSchema = Type.Unsafe<string | Uint8Array>({
  format: 'binary',
  description:
    'The CSV file as saved: UTF-8 (with or without a byte order mark), UTF-16 with a byte order mark, or Windows-1252 or Mac Roman (detected); fields separated by commas, semicolons or tabs (detected).',
});

/** A resource named by its string id in the path (`/api/v1/devices/:id`). */
export const IdParamsSchema = Type.Object({
  id: Type.String({ maxLength: 64, description: 'The id the resource was listed with.' }),
});
export type IdParams = Static<typeof IdParamsSchema>;

/** A resource named by its numeric id in the path (`/api/v1/findings/:id`). */
export const IntegerIdParamsSchema = Type.Object({
  id: Type.Integer({ minimum: 1, description: 'The id the resource was listed with.' }),
});
export type IntegerIdParams = Static<typeof IntegerIdParamsSchema>;

/** A credential named in the path by id or name (tokens) or id or fingerprint (enroll secrets). */
export const RefParamsSchema = Type.Object({
  ref: Type.String({
    minLength: 1,
    maxLength: 64,
    description: "An id (digits), or a token's name, or an enroll secret's fingerprint.",
  }),
});
export type RefParams = Static<typeof RefParamsSchema>;

/** How an import read its file: what it detected. */
export const CsvDetectedSchema = Type.Object(
  { encoding: CsvEncodingSchema, delimiter: CsvDelimiterSchema },
  { description: 'How the file was read: its encoding and field separator, as detected.' },
);
export type CsvDetected = Static<typeof CsvDetectedSchema>;

/** What an import tells a person to check, though nothing was refused. */
export const ImportWarningsSchema = Type.Array(Type.String(), {
  description:
    'What to check although nothing was refused: a legacy encoding read, two-digit years read with the pivot (00–69 → 2000–2069, 70–99 → 1970–1999).',
});

/** The query string of an import route. */
export const DryRunQuerySchema = Type.Object(
  { dryRun: Type.Boolean({ default: false, description: 'Report what would change and write nothing.' }) },
  { additionalProperties: false },
);
export type DryRunQuery = Static<typeof DryRunQuerySchema>;

/** The query string of a credentials list. */
export const IncludeRevokedQuerySchema = Type.Object(
  { includeRevoked: Type.Boolean({ default: false, description: 'List revoked ones too.' }) },
  { additionalProperties: false },
);
export type IncludeRevokedQuery = Static<typeof IncludeRevokedQuerySchema>;

/** A field change an import reports: the field, its value before and after. */
export const FieldChangeSchema = Type.Object({
  field: Type.String({ description: 'The field that changes.' }),
  from: Type.Unknown({ description: 'Its value before.' }),
  to: Type.Unknown({ description: 'Its value after.' }),
});
export type FieldChange = Static<typeof FieldChangeSchema>;

/** A documented example and the schema it illustrates; the contract's tests check one against the other. */
export interface Example<S extends TSchema = TSchema> {
  readonly schema: S;
  readonly value: Static<S>;
}

/** Pairs an example with its schema; the value is typed by the schema, so the compiler checks it too. */
export const example = <S extends TSchema>(schema: S, value: Static<S>): Example<S> => ({ schema, value });
