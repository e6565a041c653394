/**
 * The wire contract's names and numbers, without the schemas: what the agent needs at run time
 * to build and send snapshots. The TypeBox schemas that use them re-export them, so the main
 * entry's exports are unchanged; `@stocktake/shared/core` exports them from here.
 */

/** Bumped on any change a collector of the previous version could not read. */
export const CONTRACT_VERSION = 1;

export const SECTION_NAMES = ['hardware', 'os', 'software', 'patches', 'users'] as const;
export type SectionName = (typeof SECTION_NAMES)[number];

/** Stable problem types; clients branch on these, never on messages. */
export const ProblemTypes = {
  validation: 'urn:stocktake:problem:validation',
  unauthorized: 'urn:stocktake:problem:unauthorized',
  forbidden: 'urn:stocktake:problem:forbidden',
  notFound: 'urn:stocktake:problem:not-found',
  payloadTooLarge: 'urn:stocktake:problem:payload-too-large',
  conflict: 'urn:stocktake:problem:conflict',
  internal: 'urn:stocktake:problem:internal',
  badRequest: 'urn:stocktake:problem:bad-request',
  unsupportedMediaType: 'urn:stocktake:problem:unsupported-media-type',
  /** 503 with Retry-After: storage is locked, full, read-only or failing for now; the same request may succeed later. */
  storageUnavailable: 'urn:stocktake:problem:storage-unavailable',
  /** 503 from the readiness route: a check failed (the problem's `checks` say which). */
  notReady: 'urn:stocktake:problem:not-ready',
} as const;

/**
 * Problem type of the collector's 409 to a snapshot id another agent already used. Final: an
 * agent that enrolled again resends what it had queued under its new id, and what the collector
 * already holds under the old one is not lost by dropping it; anyone else learns nothing.
 */
export const SNAPSHOT_ID_TAKEN_PROBLEM_TYPE = 'urn:stocktake:problem:snapshot-id-taken';

/**
 * Refusals of a snapshot or delta that are final: the same message sent again can only be
 * refused again (it breaks the schema, or is larger than the collector takes), so the agent
 * drops it and sends the next one in full. Every other refusal (401, 403, 404, 408, 409, 415,
 * 429, 5xx, anything without the collector header) may pass: the agent keeps the message and
 * backs off, honouring `Retry-After`. A collector refuses a message for good only with one of
 * these; a limit that lifts with time (a rate, a budget per agent) answers 429 instead.
 */
export const FINAL_REFUSALS: readonly { readonly status: number; readonly type: string }[] = [
  { status: 400, type: ProblemTypes.validation },
  { status: 413, type: ProblemTypes.payloadTooLarge },
  { status: 409, type: SNAPSHOT_ID_TAKEN_PROBLEM_TYPE },
];

/** Whether a refusal of a snapshot or delta is final (see FINAL_REFUSALS). */
export function isFinalRefusal(status: number, problemType: string | undefined): boolean {
  return FINAL_REFUSALS.some((r) => r.status === status && r.type === problemType);
}

/** Longest agent id, device id or snapshot id a collector's answer may carry. */
export const ANSWER_ID_MAX_LENGTH = 128;

/** Longest agent token a collector may issue. */
export const AGENT_TOKEN_MAX_LENGTH = 512;

/** Header a collector sets on every response so agents can tell it from any other server. */
export const COLLECTOR_HEADER = 'x-stocktake-collector';

/** Problem type of the collector's 409 when a delta's base does not match: the agent sends a full snapshot. */
export const RESYNC_PROBLEM_TYPE = 'urn:stocktake:problem:resync';

/** Path of the live channel's websocket (bearer token at the upgrade); see live.ts. */
export const LIVE_CHANNEL_PATH = '/api/v1/agent/ws';

/** Problem type of the refresh route's 409: the device's agent has no live channel open now. */
export const AGENT_OFFLINE_PROBLEM_TYPE = 'urn:stocktake:problem:agent-offline';

/**
 * Problem type of the collector's 403 to a snapshot whose device or hardware serial an admin has
 * blocked: the agent keeps it and backs off; nothing is stored until an admin allows it.
 */
export const ENROLMENT_BLOCKED_PROBLEM_TYPE = 'urn:stocktake:problem:enrolment-blocked';
