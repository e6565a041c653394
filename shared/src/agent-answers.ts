import type { EnrollResponse, SnapshotAck } from './agent-api.ts';
import { AGENT_TOKEN_MAX_LENGTH, ANSWER_ID_MAX_LENGTH } from './contract.ts';
import type { FieldError, Validation } from './validate.ts';

/**
 * The agent's checks of the collector's answers, against the same limits as the schemas in
 * agent-api.ts (a test holds the two together). Written without TypeBox because the agent
 * loads `@stocktake/shared/core` on every run and compiles no schema. A tolerant reader:
 * members the contract does not name are left out of the value, never refused, so a newer
 * collector that adds one does not stop older agents.
 */

type Fields = Record<string, unknown>;

function asObject(value: unknown): Fields | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Fields) : undefined;
}

function checkString(fields: Fields, name: string, maxLength: number, errors: FieldError[]): string {
  const value = fields[name];
  if (typeof value !== 'string') errors.push({ path: `/${name}`, message: 'must be a string' });
  else if (value.length === 0 || value.length > maxLength) {
    errors.push({ path: `/${name}`, message: `must be 1 to ${maxLength} characters` });
  } else return value;
  return '';
}

const NOT_AN_OBJECT: FieldError[] = [{ path: '', message: 'must be an object' }];

/** The answer to `POST /api/v1/agent/enroll`: an agent id and its token, nothing else kept. */
export function readEnrollResponse(value: unknown): Validation<EnrollResponse> {
  const fields = asObject(value);
  if (!fields) return { ok: false, errors: NOT_AN_OBJECT };
  const errors: FieldError[] = [];
  const agentId = checkString(fields, 'agentId', ANSWER_ID_MAX_LENGTH, errors);
  const agentToken = checkString(fields, 'agentToken', AGENT_TOKEN_MAX_LENGTH, errors);
  return errors.length ? { ok: false, errors } : { ok: true, value: { agentId, agentToken } };
}

/**
 * The acknowledgement of a snapshot or delta. `sentSnapshotId` is the id the agent sent: an
 * acknowledgement of any other snapshot is no delivery of this one.
 */
export function readSnapshotAck(value: unknown, sentSnapshotId?: string): Validation<SnapshotAck> {
  const fields = asObject(value);
  if (!fields) return { ok: false, errors: NOT_AN_OBJECT };
  const errors: FieldError[] = [];
  const snapshotId = checkString(fields, 'snapshotId', ANSWER_ID_MAX_LENGTH, errors);
  const deviceId = checkString(fields, 'deviceId', ANSWER_ID_MAX_LENGTH, errors);
  const duplicate = fields.duplicate;
  if (typeof duplicate !== 'boolean') errors.push({ path: '/duplicate', message: 'must be a boolean' });
  if (snapshotId && sentSnapshotId !== undefined && snapshotId !== sentSnapshotId) {
    errors.push({ path: '/snapshotId', message: `acknowledges ${snapshotId}, not the ${sentSnapshotId} sent` });
  }
  if (errors.length) return { ok: false, errors };
  // Parts this agent does not know are left out: a newer collector may name more.
  const accepts = Array.isArray(fields.accepts) ? fields.accepts.filter((a) => a === 'usage') : [];
  return {
    ok: true,
    value: { snapshotId, deviceId, duplicate: duplicate as boolean, ...(accepts.length ? { accepts } : {}) },
  };
}
