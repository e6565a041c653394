import type { AgentLiveMessage } from '@stocktake/shared';
import type { OcsRequest } from '../../routes/ocsinventory/ocs-request.ts';
import type { BodyIssue } from '../body-check.ts';
import type { IngestKind, IngestMessageCheck } from '../live/ingest-message.ts';

/** The bodies the thread knows how to check, by the route that takes them. */
export type LargeBodyKind = 'snapshot' | 'delta';

/** What the thread checks: a route's body, a live channel frame ('live'), or an OCS protocol request's XML ('ocs'). */
export type CheckKind = LargeBodyKind | 'live' | 'ocs';

/**
 * A live channel frame checked: an ingest message with its id and its checks, or any other
 * message, valid or with (the first of) its errors.
 */
export type LiveFrameCheck =
  | { ingest: { kind: IngestKind; id: string }; checked: IngestMessageCheck }
  | { ingest?: undefined; message: AgentLiveMessage }
  | { ingest?: undefined; message?: undefined; errors: unknown[] };

/** One body to parse and check: its bytes, moved or copied to the thread. */
export interface CheckRequest {
  id: number;
  kind: CheckKind;
  bytes: Uint8Array;
}

/** The thread's answer: the parsed body when it is valid, otherwise only why it is not. */
export type CheckAnswer =
  | { id: number; type: 'valid'; value: unknown }
  | { id: number; type: 'invalid'; issues: BodyIssue[] }
  | { id: number; type: 'not-json'; message: string }
  | { id: number; type: 'live'; frame: LiveFrameCheck }
  | { id: number; type: 'ocs'; request: OcsRequest }
  | { id: number; type: 'not-ocs'; message: string }
  | { id: number; type: 'failed'; message: string };
