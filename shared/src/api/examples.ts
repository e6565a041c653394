import { EnrollRequestSchema, EnrollResponseSchema, SnapshotAckSchema } from '../agent-api.ts';
import { SnapshotDeltaSchema } from '../delta-schema.ts';
import { SnapshotSchema } from '../snapshot.ts';
import {
  ENROLL_REQUEST_EXAMPLE,
  ENROLL_RESPONSE_EXAMPLE,
  SNAPSHOT_ACK_EXAMPLE,
  SNAPSHOT_DELTA_EXAMPLE,
  SNAPSHOT_EXAMPLE,
} from './agent.ts';
import {
  AGENT_EXAMPLE,
  AgentListSchema,
  AgentRevocationSchema,
  DeviceAdoptionSchema,
  DeviceAdoptRequestSchema,
  DeviceDeletionSchema,
  DeviceMergeRequestSchema,
  DeviceMergeSchema,
  ENROLMENT_BLOCK_EXAMPLE,
  EnrolmentBlockCreateSchema,
  EnrolmentBlockListSchema,
  EnrolmentBlockSchema,
} from './agents.ts';
import {
  ASSET_CREATE_EXAMPLE,
  ASSET_DETAIL_EXAMPLE,
  ASSET_EXAMPLE,
  ASSET_IMPORT_EXAMPLE,
  ASSET_IMPORT_OUTCOME_EXAMPLE,
  AssetCreateSchema,
  AssetDetailSchema,
  AssetImportOutcomeSchema,
  AssetPageSchema,
  AssetSchema,
  AssetUpdateSchema,
} from './assets.ts';
import { AUDIT_ENTRY_EXAMPLE, AuditPageSchema } from './audit.ts';
import { CsvUploadSchema, type Example, example } from './common.ts';
import { CONFLICT_LIST_EXAMPLE, ConflictListSchema } from './conflicts.ts';
import {
  DEVICE_CHANGE_EXAMPLE,
  DEVICE_DETAIL_EXAMPLE,
  DEVICE_LINK_EXAMPLE,
  DEVICE_LIST_ITEM_EXAMPLE,
  DeviceChangePageSchema,
  DeviceDetailSchema,
  DeviceLinkRequestSchema,
  DeviceLinkSchema,
  DevicePageSchema,
  REFRESH_ACCEPTED_EXAMPLE,
  RefreshAcceptedSchema,
} from './devices.ts';
import {
  ENROLL_SECRET_EXAMPLE,
  EnrollSecretListSchema,
  EnrollSecretRotateSchema,
  EnrollSecretRotationSchema,
  EnrollSecretSchema,
} from './enroll-secrets.ts';
import { AGENT, ASSET, AT, DEVICE } from './example-values.ts';
import {
  FINDING_EVENT_EXAMPLE,
  FINDING_EXAMPLE,
  FINDING_TYPE_CATALOGUE_EXAMPLE,
  FindingDetailSchema,
  FindingPageSchema,
  FindingSchema,
  FindingStatusChangeSchema,
  FindingTypeCatalogueSchema,
} from './findings.ts';
import { HEALTH_EXAMPLE, HealthSchema, READINESS_EXAMPLE, ReadinessSchema } from './health.ts';
import { IMPORT_JOB_EXAMPLE, ImportJobSchema } from './imports.ts';
import {
  COMPLIANCE_EXAMPLE,
  ComplianceSchema,
  LICENSE_CREATE_EXAMPLE,
  LICENSE_EXAMPLE,
  LICENSE_IMPORT_EXAMPLE,
  LICENSE_IMPORT_OUTCOME_EXAMPLE,
  LicenseCreateSchema,
  LicenseImportOutcomeSchema,
  LicensePageSchema,
  LicenseSchema,
  LicenseUpdateSchema,
} from './licenses.ts';
import { OVERVIEW_EXAMPLE, OverviewSchema } from './overview.ts';
import {
  END_OF_SUPPORT_EXAMPLE,
  EndOfSupportListSchema,
  EndOfSupportReplaceSchema,
  POLICY_INPUT_EXAMPLE,
  PolicyInputSchema,
  STORED_POLICY_EXAMPLE,
  StoredPolicySchema,
} from './policies.ts';
import { RUN_EXAMPLE, RunPageSchema, RunSchema } from './reconciliations.ts';
import { REPORT_EXAMPLE, ReportSchema, SUMMARY_REPORT_EXAMPLE, SummaryReportSchema } from './reports.ts';
import { CATALOGUE_PAGE_EXAMPLE, CataloguePageSchema, WHO_HAS_PAGE_EXAMPLE, WhoHasPageSchema } from './software.ts';
import {
  API_TOKEN_EXAMPLE,
  ApiTokenCreateSchema,
  ApiTokenListSchema,
  ApiTokenSchema,
  CreatedApiTokenSchema,
} from './tokens.ts';
import { DEVICE_USAGE_EXAMPLE, DeviceUsageSchema, RECLAMATION_EXAMPLE, ReclamationSchema } from './usage.ts';
import {
  LoginSchema,
  PasswordResetSchema,
  SESSION_EXAMPLE,
  SessionSchema,
  USER_EXAMPLE,
  UserCreateSchema,
  UserListSchema,
  UserSchema,
  UserWithPasswordSchema,
} from './users.ts';

/** The documented example of one route: a request body it accepts and a response of its success status. */
export interface RouteExample {
  readonly body?: Example;
  readonly response?: Example;
  /** The status `response` is for (default: the route's first 2xx). */
  readonly status?: number;
}

const REVOKED = { revokedAt: AT, revokedBy: 'ops-admin' };
const SNOOZE_UNTIL = '2026-12-01T00:00:00.000Z';

/**
 * The examples of the OpenAPI document, by method and registered path. Each pairs a value with
 * the schema the route declares, so the contract's test and the compiler check one against the other.
 */
export const ROUTE_EXAMPLES: Readonly<Record<string, RouteExample>> = {
  'GET /healthz': { response: example(HealthSchema, HEALTH_EXAMPLE) },
  'GET /readyz': { response: example(ReadinessSchema, READINESS_EXAMPLE) },
  'GET /api/v1/imports/:id': { response: example(ImportJobSchema, IMPORT_JOB_EXAMPLE) },
  'POST /api/v1/agent/enroll': {
    body: example(EnrollRequestSchema, ENROLL_REQUEST_EXAMPLE),
    response: example(EnrollResponseSchema, ENROLL_RESPONSE_EXAMPLE),
  },
  'POST /api/v1/agent/snapshots': {
    body: example(SnapshotSchema, SNAPSHOT_EXAMPLE),
    response: example(SnapshotAckSchema, SNAPSHOT_ACK_EXAMPLE),
    status: 201,
  },
  'POST /api/v1/agent/deltas': {
    body: example(SnapshotDeltaSchema, SNAPSHOT_DELTA_EXAMPLE),
    response: example(SnapshotAckSchema, SNAPSHOT_ACK_EXAMPLE),
    status: 201,
  },
  'GET /api/v1/devices': {
    response: example(DevicePageSchema, {
      items: [DEVICE_LIST_ITEM_EXAMPLE],
      nextCursor: 'WyJob3N0bmFtZSIsIndzLTAwNDIiLCIxZjQ0NDZmOCJd',
    }),
  },
  'GET /api/v1/software': { response: example(CataloguePageSchema, CATALOGUE_PAGE_EXAMPLE) },
  'GET /api/v1/software/who-has': { response: example(WhoHasPageSchema, WHO_HAS_PAGE_EXAMPLE) },
  'GET /api/v1/devices/:id': { response: example(DeviceDetailSchema, DEVICE_DETAIL_EXAMPLE) },
  'GET /api/v1/devices/:id/changes': {
    response: example(DeviceChangePageSchema, { items: [DEVICE_CHANGE_EXAMPLE], nextCursor: null }),
  },
  'POST /api/v1/devices/:id/link': {
    body: example(DeviceLinkRequestSchema, { assetId: ASSET }),
    response: example(DeviceLinkSchema, {
      ...DEVICE_LINK_EXAMPLE,
      method: 'manual',
      linkedBy: 'ops-admin',
      linkedAt: AT,
    }),
  },
  'POST /api/v1/devices/:id/refresh': { response: example(RefreshAcceptedSchema, REFRESH_ACCEPTED_EXAMPLE) },
  'GET /api/v1/assets': { response: example(AssetPageSchema, { items: [ASSET_EXAMPLE], nextCursor: null }) },
  'POST /api/v1/assets': {
    body: example(AssetCreateSchema, ASSET_CREATE_EXAMPLE),
    response: example(AssetSchema, ASSET_EXAMPLE),
  },
  'POST /api/v1/assets/import': {
    body: example(CsvUploadSchema, ASSET_IMPORT_EXAMPLE),
    response: example(AssetImportOutcomeSchema, ASSET_IMPORT_OUTCOME_EXAMPLE),
  },
  'GET /api/v1/assets/:id': { response: example(AssetDetailSchema, ASSET_DETAIL_EXAMPLE) },
  'PATCH /api/v1/assets/:id': {
    body: example(AssetUpdateSchema, {
      status: 'in_repair',
      statusNote: 'keyboard replacement',
      location: 'Service desk',
    }),
    response: example(AssetSchema, { ...ASSET_EXAMPLE, status: 'in_repair', location: 'Service desk' }),
  },
  'GET /api/v1/licenses': { response: example(LicensePageSchema, { items: [LICENSE_EXAMPLE], nextCursor: null }) },
  'POST /api/v1/licenses': {
    body: example(LicenseCreateSchema, LICENSE_CREATE_EXAMPLE),
    response: example(LicenseSchema, LICENSE_EXAMPLE),
  },
  'POST /api/v1/licenses/import': {
    body: example(CsvUploadSchema, LICENSE_IMPORT_EXAMPLE),
    response: example(LicenseImportOutcomeSchema, LICENSE_IMPORT_OUTCOME_EXAMPLE),
  },
  'GET /api/v1/licenses/:id': { response: example(LicenseSchema, LICENSE_EXAMPLE) },
  'PATCH /api/v1/licenses/:id': {
    body: example(LicenseUpdateSchema, { seats: 30 }),
    response: example(LicenseSchema, { ...LICENSE_EXAMPLE, seats: 30 }),
  },
  'GET /api/v1/licenses/:id/compliance': { response: example(ComplianceSchema, COMPLIANCE_EXAMPLE) },
  'GET /api/v1/licenses/:id/reclamation': { response: example(ReclamationSchema, RECLAMATION_EXAMPLE) },
  'GET /api/v1/devices/:id/usage': { response: example(DeviceUsageSchema, DEVICE_USAGE_EXAMPLE) },
  'GET /api/v1/audit': { response: example(AuditPageSchema, { items: [AUDIT_ENTRY_EXAMPLE], nextCursor: null }) },
  'GET /api/v1/conflicts': { response: example(ConflictListSchema, CONFLICT_LIST_EXAMPLE) },
  'GET /api/v1/findings': { response: example(FindingPageSchema, { items: [FINDING_EXAMPLE], nextCursor: null }) },
  'GET /api/v1/findings/types': {
    response: example(FindingTypeCatalogueSchema, FINDING_TYPE_CATALOGUE_EXAMPLE),
  },
  'GET /api/v1/findings/:id': {
    response: example(FindingDetailSchema, { ...FINDING_EXAMPLE, history: [FINDING_EVENT_EXAMPLE] }),
  },
  'PATCH /api/v1/findings/:id': {
    body: example(FindingStatusChangeSchema, {
      action: 'snooze',
      until: SNOOZE_UNTIL,
      comment: 'patch window on Sunday',
    }),
    response: example(FindingSchema, {
      ...FINDING_EXAMPLE,
      status: 'snoozed',
      snoozedUntil: SNOOZE_UNTIL,
      statusChangedAt: AT,
      statusChangedBy: 'ops-admin',
      statusComment: 'patch window on Sunday',
    }),
  },
  'POST /api/v1/reconciliations': { response: example(RunSchema, RUN_EXAMPLE) },
  'GET /api/v1/reconciliations': { response: example(RunPageSchema, { items: [RUN_EXAMPLE], nextCursor: null }) },
  'GET /api/v1/reconciliations/:id': { response: example(RunSchema, RUN_EXAMPLE) },
  'GET /api/v1/policies': { response: example(StoredPolicySchema, STORED_POLICY_EXAMPLE) },
  'PUT /api/v1/policies': {
    body: example(PolicyInputSchema, POLICY_INPUT_EXAMPLE),
    response: example(StoredPolicySchema, STORED_POLICY_EXAMPLE),
  },
  'GET /api/v1/policies/end-of-support': {
    response: example(EndOfSupportListSchema, { items: END_OF_SUPPORT_EXAMPLE, custom: false }),
  },
  'PUT /api/v1/policies/end-of-support': {
    body: example(EndOfSupportReplaceSchema, { items: END_OF_SUPPORT_EXAMPLE }),
    response: example(EndOfSupportListSchema, { items: END_OF_SUPPORT_EXAMPLE, custom: true }),
  },
  'DELETE /api/v1/policies/end-of-support': {
    response: example(EndOfSupportListSchema, { items: END_OF_SUPPORT_EXAMPLE, custom: false }),
  },
  'GET /api/v1/overview': { response: example(OverviewSchema, OVERVIEW_EXAMPLE) },
  'GET /api/v1/reports/summary': { response: example(SummaryReportSchema, SUMMARY_REPORT_EXAMPLE) },
  'GET /api/v1/reports/:name': { response: example(ReportSchema, REPORT_EXAMPLE) },
  'GET /api/v1/tokens': {
    response: example(ApiTokenListSchema, {
      items: [{ ...API_TOKEN_EXAMPLE, id: 1, name: 'ops-admin', role: 'admin' }, API_TOKEN_EXAMPLE],
    }),
  },
  'POST /api/v1/tokens': {
    body: example(ApiTokenCreateSchema, { name: 'grafana', role: 'reader' }),
    response: example(CreatedApiTokenSchema, {
      ...API_TOKEN_EXAMPLE,
      secret: 'stk_vQ0mX3cP8rT1yW6nB4kD9sF2hJ7gL5aZ0eR3uI8oN1M',
    }),
  },
  'DELETE /api/v1/tokens/:ref': { response: example(ApiTokenSchema, { ...API_TOKEN_EXAMPLE, ...REVOKED }) },
  'GET /api/v1/users': {
    response: example(UserListSchema, {
      items: [{ ...USER_EXAMPLE, id: 1, name: 'ops-lead', role: 'admin', createdBy: 'cli:root' }, USER_EXAMPLE],
    }),
  },
  'POST /api/v1/users': {
    body: example(UserCreateSchema, { name: 'ana.lopez', role: 'reader' }),
    response: example(UserWithPasswordSchema, { ...USER_EXAMPLE, password: 'Xr4m9QeL2vTz8KpW1nJc0g' }),
  },
  'POST /api/v1/users/:name/disable': {
    response: example(UserSchema, { ...USER_EXAMPLE, disabledAt: AT, disabledBy: 'user:ops-lead' }),
  },
  'POST /api/v1/users/:name/reset-password': {
    body: example(PasswordResetSchema, {}),
    response: example(UserWithPasswordSchema, { ...USER_EXAMPLE, password: 'b7Hs2LwQ9xZr4NcV1mKp3e' }),
  },
  'POST /api/v1/session': {
    body: example(LoginSchema, { name: 'ana.lopez', password: 'correct horse battery staple' }),
    response: example(SessionSchema, SESSION_EXAMPLE),
  },
  'GET /api/v1/session': { response: example(SessionSchema, SESSION_EXAMPLE) },
  'GET /api/v1/enroll-secrets': {
    response: example(EnrollSecretListSchema, {
      items: [
        { ...ENROLL_SECRET_EXAMPLE, id: 1, origin: 'config', createdBy: 'config', fingerprint: '9ad0e2f4' },
        ENROLL_SECRET_EXAMPLE,
      ],
    }),
  },
  'POST /api/v1/enroll-secrets/rotate': {
    body: example(EnrollSecretRotateSchema, { keepPrevious: false }),
    response: example(EnrollSecretRotationSchema, {
      secret: 'W2yq8Vb1nKx5RtP0sLm3Qz7cHd4Gf9Ja',
      created: { ...ENROLL_SECRET_EXAMPLE, id: 3, fingerprint: '7c41b8e2' },
      revoked: [{ ...ENROLL_SECRET_EXAMPLE, ...REVOKED }],
    }),
  },
  'DELETE /api/v1/enroll-secrets/:ref': {
    response: example(EnrollSecretSchema, { ...ENROLL_SECRET_EXAMPLE, ...REVOKED }),
  },
  'GET /api/v1/agents': { response: example(AgentListSchema, { items: [AGENT_EXAMPLE] }) },
  'DELETE /api/v1/agents/:id': {
    response: example(AgentRevocationSchema, {
      agent: { ...AGENT_EXAMPLE, online: false, ...REVOKED },
      block: ENROLMENT_BLOCK_EXAMPLE,
    }),
  },
  'GET /api/v1/enrolment-blocks': {
    response: example(EnrolmentBlockListSchema, {
      items: [{ ...ENROLMENT_BLOCK_EXAMPLE, id: 1, kind: 'serial', value: '7XK3QW3' }, ENROLMENT_BLOCK_EXAMPLE],
    }),
  },
  'POST /api/v1/enrolment-blocks': {
    body: example(EnrolmentBlockCreateSchema, { kind: 'device', value: DEVICE }),
    response: example(EnrolmentBlockSchema, ENROLMENT_BLOCK_EXAMPLE),
  },
  'DELETE /api/v1/enrolment-blocks/:id': { response: example(EnrolmentBlockSchema, ENROLMENT_BLOCK_EXAMPLE) },
  'POST /api/v1/devices/:id/adopt': {
    body: example(DeviceAdoptRequestSchema, { agentId: AGENT }),
    response: example(DeviceAdoptionSchema, {
      deviceId: DEVICE,
      agentId: AGENT,
      replacedAgentId: 'e5a0c1d2-7b3f-4e9a-8c6d-1f2a3b4c5d6e',
      mergedDeviceId: '8d2f6a1e-3c4b-4a5d-9e7f-0a1b2c3d4e5f',
    }),
  },
  'POST /api/v1/devices/:id/merge': {
    body: example(DeviceMergeRequestSchema, { from: '8d2f6a1e-3c4b-4a5d-9e7f-0a1b2c3d4e5f' }),
    response: example(DeviceMergeSchema, {
      deviceId: DEVICE,
      mergedDeviceId: '8d2f6a1e-3c4b-4a5d-9e7f-0a1b2c3d4e5f',
      agentId: AGENT,
      agentIds: [AGENT],
      snapshots: 14,
      changes: 37,
      linkMoved: false,
    }),
  },
  'DELETE /api/v1/devices/:id': {
    response: example(DeviceDeletionSchema, {
      deviceId: DEVICE,
      hostname: 'ws-0042',
      agentIds: [AGENT],
      snapshots: 52,
      unlinkedAssetId: ASSET,
      blocksLifted: 0,
    }),
  },
};
