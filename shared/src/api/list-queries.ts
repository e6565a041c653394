/**
 * What each list of the sysadmin API accepts: its filters (query parameter names and the values
 * they take), the fields it sorts by, its default sort and what `q` searches. Routes build their
 * query strings from these declarations, storage engines implement exactly these filters and
 * sorts, and the CLI offers them as flags: a filter or sort is added here once.
 */
import Type, { type Static, type TObject, type TSchema } from 'typebox';
import { SoftwareSourceSchema } from '../software.ts';
import {
  ASSET_STATUSES,
  AUDIT_ACTIONS,
  AUDIT_ENTITY_TYPES,
  CHANGE_KINDS,
  FINDING_SEVERITIES,
  FINDING_STATUSES,
  FINDING_SUBJECT_KINDS,
  FINDING_TYPE_PATTERN,
  LICENSE_METRICS,
  LIST_ORDERS,
  RUN_STATUSES,
  RUN_TRIGGERS,
  USAGE_CLASSES,
} from './vocabulary.ts';

/** One list's accepted query: the parts a route, an engine and the CLI all read. */
export interface ListDeclaration<
  Filters extends Record<string, TSchema> = Record<string, TSchema>,
  Sort extends string = string,
> {
  /** Names CSV exports (`devices.csv`) and appears in refusals. */
  name: string;
  /** Fields the list sorts by; `-field` sorts descending. */
  sorts: readonly Sort[];
  defaultSort: Sort | `-${Sort}`;
  /** What `q` matches, when the list has a text search. */
  search?: string;
  /** Query parameter name → the schema of its value (as a query string arrives). */
  filters: Filters;
}

/** A sort as a query string names it: `field` or `-field`. */
export type SortKey<D extends ListDeclaration> = D['sorts'][number] | `-${D['sorts'][number]}`;

/** The filter values of a list, typed by their schemas; an absent filter does not narrow. */
export type ListFilters<D extends ListDeclaration> = { [K in keyof D['filters']]?: Static<D['filters'][K]> };

/** Largest page a client may ask for; CSV exports are not paged. */
export const MAX_LIST_LIMIT = 500;
/** Items per page when the client does not say. */
export const DEFAULT_LIST_LIMIT = 50;

/** Sorts as a query string names them: `name` and `-name` for each sortable field. */
export function sortKeys<D extends ListDeclaration>(list: D): SortKey<D>[] {
  return list.sorts.flatMap((s) => [s, `-${s}`] as SortKey<D>[]);
}

const optionalUnlessDefaulted = (schema: TSchema): TSchema =>
  (schema as { default?: unknown }).default === undefined ? Type.Optional(schema) : schema;

/**
 * The query string of a list: `limit` ≤ 500, `cursor`, `sort=field|-field`, `q` when the list
 * searches, its filters and any parameters of its own (`extra`, as given: optional or not);
 * unknown parameters are refused.
 */
export function listQuerySchema(list: ListDeclaration, extra: Record<string, TSchema> = {}): TObject {
  return Type.Object(
    {
      limit: Type.Integer({
        minimum: 1,
        maximum: MAX_LIST_LIMIT,
        default: DEFAULT_LIST_LIMIT,
        description: 'Items per page.',
      }),
      cursor: Type.Optional(
        Type.String({ maxLength: 1024, description: 'nextCursor of the previous page (same sort).' }),
      ),
      sort: Type.Enum(sortKeys(list), {
        default: list.defaultSort,
        description: 'A field, descending with a leading -.',
      }),
      ...(list.search
        ? { q: Type.Optional(Type.String({ minLength: 1, maxLength: 255, description: list.search })) }
        : {}),
      ...Object.fromEntries(Object.entries(list.filters).map(([name, s]) => [name, optionalUnlessDefaulted(s)])),
      ...extra,
    },
    { additionalProperties: false },
  );
}

// The kinds of filter value, each with the meaning engines give it.

/** Text equal to the value ignoring case, `*` and `?` as wildcards (`osVersion=22.04*`). */
const pattern = (description: string, maxLength = 255) =>
  Type.String({ minLength: 1, maxLength, description: `${description} Case-insensitive; * and ? are wildcards.` });

/** Text equal to the value exactly (identifiers). */
const exact = (description: string, maxLength = 128) => Type.String({ minLength: 1, maxLength, description });

/** One of a fixed set of values. */
const oneOf = <const T extends readonly string[]>(values: T, description: string) =>
  Type.Enum([...values] as T[number][], { description });

/** A condition that holds (true) or does not (false). */
const flag = (description: string) => Type.Boolean({ description });

/** At least this number. */
const atLeast = (description: string) => Type.Integer({ minimum: 0, description });

/** A number of days back from now (`notSeenDays=30`, `withinDays=7`). */
const days = (description: string) => Type.Integer({ minimum: 0, maximum: 36_500, description });

/** A calendar date (YYYY-MM-DD) the value is on or before. */
const onOrBefore = (description: string) => Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description });

/** The device list; who-has lists devices with the same filters and sorts. */
export const DEVICE_LIST = {
  name: 'devices',
  ...LIST_ORDERS.devices,
  search: 'Host name, serial, asset tag, user, IP address or MAC contains the text.',
  filters: {
    hostname: pattern('Host name.'),
    serial: pattern('Hardware serial.'),
    vendor: pattern('Vendor.'),
    model: pattern('Model.'),
    osFamily: pattern('OS family: linux, windows, macos.'),
    osName: pattern('OS name (Ubuntu, Windows 11 Pro, macOS).'),
    osVersion: pattern('OS version (22.04*, 23H2, 14.*).'),
    user: pattern('The user of the device (last or current login).'),
    agentVersion: pattern('Agent version.'),
    assetId: exact('Linked to this register asset.'),
    linked: flag('Linked to a register asset (true) or not (false).'),
    notSeenDays: days('Not seen for at least this many days.'),
    seenWithinDays: days('Seen within this many days.'),
    minPendingSecurityUpdates: atLeast('At least this many security updates pending.'),
  },
} as const satisfies ListDeclaration;

/** What changed on one device, newest first. */
export const CHANGE_LIST = {
  name: 'changes',
  ...LIST_ORDERS.changes,
  search: 'The subject (package name, component, ...) contains the text.',
  filters: {
    kind: oneOf(CHANGE_KINDS, 'What kind of change.'),
    subject: pattern('What changed: a package name, "hostname", a component.'),
    withinDays: days('Changes observed in the last N days.'),
  },
} as const satisfies ListDeclaration;

/** The register. */
export const ASSET_LIST = {
  name: 'assets',
  ...LIST_ORDERS.assets,
  search:
    'Asset tag, name, serial, host name, assignee (name, e-mail, user name), MAC, or the IP address of a linked device contains the text.',
  filters: {
    assetTag: pattern('Asset tag.'),
    status: oneOf(ASSET_STATUSES, 'Lifecycle status.'),
    serial: pattern('Serial number.'),
    hostname: pattern('Host name.'),
    manufacturer: pattern('Manufacturer.'),
    model: pattern('Model.'),
    category: pattern('Category.'),
    location: pattern('Location.'),
    costCenter: pattern('Cost centre.'),
    supplier: pattern('Supplier.'),
    assignee: Type.String({
      minLength: 1,
      maxLength: 255,
      description: 'Assignee name, e-mail or user name (* and ? wildcards).',
    }),
    warrantyEndBefore: onOrBefore('Warranty ends on or before this date (YYYY-MM-DD).'),
    linked: flag('Linked to a discovered device (true) or not (false).'),
  },
} as const satisfies ListDeclaration;

/** License entitlements. */
export const LICENSE_LIST = {
  name: 'licenses',
  ...LIST_ORDERS.licenses,
  search: 'Product, publisher, name pattern, order number or notes contains the text.',
  filters: {
    product: pattern('Product.'),
    publisher: pattern('Publisher.'),
    metric: oneOf(LICENSE_METRICS, 'per_device or per_user.'),
    orderNumber: pattern('Order number.'),
    termEndBefore: onOrBefore('Term ends on or before this date (YYYY-MM-DD).'),
  },
} as const satisfies ListDeclaration;

/** Findings: unresolved ones by default, most severe first. */
export const FINDING_LIST = {
  name: 'findings',
  ...LIST_ORDERS.findings,
  search: 'Summary or subject id contains the text.',
  filters: {
    status: Type.Union([Type.Enum(FINDING_STATUSES), Type.Literal('active'), Type.Literal('all')], {
      default: 'active',
      description: 'active (open, acknowledged, snoozed), all, or one status.',
    }),
    type: Type.String({
      pattern: FINDING_TYPE_PATTERN,
      description: 'Finding type (GET /api/v1/findings/types lists them).',
    }),
    severity: oneOf(FINDING_SEVERITIES, 'Exactly this severity.'),
    minSeverity: oneOf(FINDING_SEVERITIES, 'This severity or worse.'),
    subjectKind: oneOf(FINDING_SUBJECT_KINDS, 'What the finding is about.'),
    subjectId: exact('The id of what the finding is about.', 255),
    deviceId: Type.String({ minLength: 1, maxLength: 64, description: 'Findings that involve this device.' }),
    assetId: Type.String({ minLength: 1, maxLength: 64, description: 'Findings that involve this asset.' }),
    licenseId: Type.String({ minLength: 1, maxLength: 64, description: 'Findings that involve this license.' }),
  },
} as const satisfies ListDeclaration;

/** Reconciliation runs, newest first. */
export const RUN_LIST = {
  name: 'reconciliations',
  ...LIST_ORDERS.reconciliations,
  filters: {
    status: oneOf(RUN_STATUSES, 'running, succeeded or failed.'),
    trigger: oneOf(RUN_TRIGGERS, 'schedule, api or cli.'),
    actor: pattern('Who started it: a token name, cli:<user>, schedule.'),
    withinDays: days('Runs started in the last N days.'),
  },
} as const satisfies ListDeclaration;

/** The audit log, newest first. */
export const AUDIT_LIST = {
  name: 'audit',
  ...LIST_ORDERS.audit,
  search: 'Entity id, actor or context (an import line, a device) contains the text.',
  filters: {
    entityType: oneOf(AUDIT_ENTITY_TYPES, 'What changed: asset, license, ...'),
    entityId: exact('The id of what changed.', 64),
    actor: pattern('Who: a token name, cli:<user>, discovery, reconciliation.', 128),
    action: oneOf(AUDIT_ACTIONS, 'create, update, delete, status, link, unlink, revoke.'),
    withinDays: days('Changes of the last N days.'),
  },
} as const satisfies ListDeclaration;

const versionText = (description: string) => Type.String({ minLength: 1, maxLength: 128, description });

/** Which package versions a query names: by name, publisher, source and version (numeric-aware). */
export const SOFTWARE_MATCH = {
  name: Type.String({
    minLength: 1,
    maxLength: 512,
    description: 'Package name; case-insensitive, * and ? wildcards.',
  }),
  publisher: Type.String({
    minLength: 1,
    maxLength: 512,
    description: 'Publisher; case-insensitive, * and ? wildcards.',
  }),
  source: Type.Union(SoftwareSourceSchema.anyOf, { description: 'Package source: dpkg, rpm, registry, ...' }),
  version: Type.String({
    minLength: 1,
    maxLength: 255,
    description:
      'Version or range, compared as package managers do (3.0.13 > 3.0.9): `3.0.13`, `<3.0.13`, `>=1.1 <1.2`, `3.*`, `1.x || >=2`.',
  }),
  versionLt: versionText('Versions older than this.'),
  versionLte: versionText('Versions at most this.'),
  versionGt: versionText('Versions newer than this.'),
  versionGte: versionText('Versions at least this.'),
};

/** A software match as who-has and the catalogue take it. */
export type SoftwareMatch = { [K in keyof typeof SOFTWARE_MATCH]?: Static<(typeof SOFTWARE_MATCH)[K]> };

/** The software catalogue: each package version with its install count. */
export const SOFTWARE_LIST = {
  name: 'software',
  ...LIST_ORDERS.software,
  search: 'Name, publisher or version contains the text.',
  filters: {
    name: SOFTWARE_MATCH.name,
    publisher: SOFTWARE_MATCH.publisher,
    source: SOFTWARE_MATCH.source,
    arch: pattern('Architecture (amd64, x86_64, arm64; empty for none).'),
    version: SOFTWARE_MATCH.version,
    versionLt: SOFTWARE_MATCH.versionLt,
    versionLte: SOFTWARE_MATCH.versionLte,
    versionGt: SOFTWARE_MATCH.versionGt,
    versionGte: SOFTWARE_MATCH.versionGte,
    includeUninstalled: flag('Also versions no device has any more (the catalogue keeps them for history).'),
  },
} as const satisfies ListDeclaration;

/** Who-has's own parameters beside the device list's: the software (`name` required). */
export const WHO_HAS_SOFTWARE = {
  name: SOFTWARE_MATCH.name,
  publisher: Type.Optional(SOFTWARE_MATCH.publisher),
  source: Type.Optional(SOFTWARE_MATCH.source),
  version: Type.Optional(SOFTWARE_MATCH.version),
  versionLt: Type.Optional(SOFTWARE_MATCH.versionLt),
  versionLte: Type.Optional(SOFTWARE_MATCH.versionLte),
  versionGt: Type.Optional(SOFTWARE_MATCH.versionGt),
  versionGte: Type.Optional(SOFTWARE_MATCH.versionGte),
  usage: Type.Optional(
    oneOf(
      USAGE_CLASSES,
      'Only devices with a matching install of this class (used, rarely_used, unused, unknown), and only those installs shown.',
    ),
  ),
};
