import Type from 'typebox';
import {
  AGENT_KINDS,
  API_ROLES,
  ASSET_STATUSES,
  AUDIT_ACTIONS,
  AUDIT_ENTITY_TYPES,
  CHANGE_KINDS,
  COMPONENT_KINDS,
  CONFLICT_KINDS,
  CSV_DELIMITER_NAMES,
  CSV_ENCODINGS,
  DEPRECIATION_METHODS,
  ENROLL_SECRET_ORIGINS,
  ENROLMENT_BLOCK_KINDS,
  FINDING_ACTIONS,
  FINDING_EVENT_KINDS,
  FINDING_REF_KINDS,
  FINDING_SEVERITIES,
  FINDING_STATUSES,
  FINDING_SUBJECT_KINDS,
  FINDING_TYPE_PATTERN,
  IMPORT_JOB_STATES,
  IMPORT_PHASES,
  IMPORT_RESOURCES,
  LICENSE_METRICS,
  LICENSE_USAGE_STATES,
  LINK_METHODS,
  READINESS_CHECKS,
  REPORT_FORMATS,
  REPORT_NAMES,
  RUN_STATUSES,
  RUN_TRIGGERS,
  SANITIZATION_METHODS,
  USAGE_CLASSES,
  USAGE_VIAS,
} from './vocabulary.ts';

/**
 * The vocabulary as TypeBox schemas, built from vocabulary.ts's arrays (which stay free of
 * TypeBox: the command line bundles them). A schema elsewhere names an enumeration only
 * through one of these.
 */

const oneOf = (values: readonly string[]) => values.join(', ');

export const AgentKindSchema = Type.Enum(AGENT_KINDS, {
  description: `Which program reports the device: ${oneOf(AGENT_KINDS)} (stocktake: Stocktake's agent; the others report unchanged from OCS Inventory, FusionInventory and GLPI).`,
});
export const ApiRoleSchema = Type.Enum(API_ROLES, { description: 'reader: GET and HEAD; admin: every route.' });
export const EnrollSecretOriginSchema = Type.Enum(ENROLL_SECRET_ORIGINS, {
  description: 'config: the secret the collector was started with; managed: made by rotate.',
});
export const SanitizationMethodSchema = Type.Enum(SANITIZATION_METHODS, {
  description: `NIST SP 800-88 sanitisation: ${oneOf(SANITIZATION_METHODS)}.`,
});
export const AssetStatusSchema = Type.Enum(ASSET_STATUSES, {
  description: `Lifecycle status: ${oneOf(ASSET_STATUSES)}.`,
});
export const AuditEntityTypeSchema = Type.Enum(AUDIT_ENTITY_TYPES, { description: 'What kind of thing changed.' });
export const AuditActionSchema = Type.Enum(AUDIT_ACTIONS, { description: 'What was done to it.' });
export const ChangeKindSchema = Type.Enum(CHANGE_KINDS, { description: 'What kind of change was observed.' });
export const ComponentKindSchema = Type.Enum(COMPONENT_KINDS, { description: 'What kind of hardware part.' });
export const LinkMethodSchema = Type.Enum(LINK_METHODS, {
  description: 'How the device was matched to the asset: by an identifier, or by hand (manual).',
});
export const ConflictKindSchema = Type.Enum(CONFLICT_KINDS, {
  description: 'Which identifier names more than one machine, and how.',
});

export const ReadinessCheckNameSchema = Type.Enum(READINESS_CHECKS, {
  description:
    'writable: the database took a small write; schema: its schema is the one this collector expects; disk-space: its file system has the configured free space.',
});

/** Every schema that names a finding type goes through this one. */
export const FindingTypeSchema = Type.String({
  pattern: FINDING_TYPE_PATTERN,
  description: 'The rule that raised it (an open set, one per rule); GET /api/v1/findings/types lists them.',
});
export const FindingSeveritySchema = Type.Enum(FINDING_SEVERITIES, {
  description: `${FINDING_SEVERITIES.join(' < ')}.`,
});
export const FindingStatusSchema = Type.Enum(FINDING_STATUSES, { description: 'Where the finding stands.' });
export const FindingSubjectKindSchema = Type.Enum(FINDING_SUBJECT_KINDS, {
  description: 'What the finding is about: a device, an asset, a license, or an identifier several machines share.',
});
export const FindingRefKindSchema = Type.Enum(FINDING_REF_KINDS, { description: 'What kind of thing is involved.' });
export const FindingEventKindSchema = Type.Enum(FINDING_EVENT_KINDS, { description: 'What happened to the finding.' });
export const FindingActionSchema = Type.Enum(FINDING_ACTIONS, {
  description: 'acknowledge: quiet until its evidence changes; snooze: quiet until a date; reopen.',
});
export const RunStatusSchema = Type.Enum(RUN_STATUSES, { description: 'Where the run stands.' });
export const RunTriggerSchema = Type.Enum(RUN_TRIGGERS, { description: 'What started the run.' });
export const LicenseMetricSchema = Type.Enum(LICENSE_METRICS, {
  description: 'per_device: each device with a matching install uses a seat; per_user: each user does.',
});
export const LicenseUsageStateSchema = Type.Enum(LICENSE_USAGE_STATES, {
  description: 'shelfware: at renewal time with at least the policy threshold of seats unused.',
});
export const EnrolmentBlockKindSchema = Type.Enum(ENROLMENT_BLOCK_KINDS, {
  description:
    'device: new agents reporting its hardware are refused, and no open claim on it moves it by evidence; serial: new agents reporting it are refused.',
});

export const CsvEncodingSchema = Type.Enum(CSV_ENCODINGS, {
  description:
    'How the file was read: utf-8 (utf-8-bom: with a byte order mark), utf-16le/utf-16be (with a byte order mark), or, for a file that is not UTF-8, the legacy code page detected: windows-1252 or macintosh (Mac Roman).',
});
export const CsvDelimiterSchema = Type.Enum(CSV_DELIMITER_NAMES, {
  description: 'The field separator detected on the header line.',
});
export const ImportResourceSchema = Type.Enum(IMPORT_RESOURCES, { description: 'What the import writes to.' });
export const ImportJobStateSchema = Type.Enum(IMPORT_JOB_STATES, {
  description: `Where the job stands: ${oneOf(IMPORT_JOB_STATES)}. succeeded carries \`result\`, failed \`problem\`.`,
});
export const ImportPhaseSchema = Type.Enum(IMPORT_PHASES, {
  description:
    'queued: waiting for the import before it; parsing: reading the file; planning: checking each row against the register; writing: storing the rows; done.',
});

export const UsageClassSchema = Type.Enum(USAGE_CLASSES, {
  description: `An install's use by the policy's thresholds: ${oneOf(USAGE_CLASSES)}.`,
});
export const UsageViaSchema = Type.Enum(USAGE_VIAS, {
  description: `How the last use is known: ${oneOf(USAGE_VIAS)}.`,
});
export const DepreciationMethodSchema = Type.Enum(DEPRECIATION_METHODS, {
  description:
    'straight_line: the same amount each day of the useful life; declining_balance: a fixed share of what is left each year (the factor over the life in years), written off at the end of life.',
});
export const ReportNameSchema = Type.Enum(REPORT_NAMES, { description: `A report: ${oneOf(REPORT_NAMES)}.` });
export const ReportFormatSchema = Type.Enum(REPORT_FORMATS, {
  description: 'json: the report as data; csv: one table with flat columns; pdf: the whole report, paginated.',
});
