import type { BodyIssue } from '../body-check.ts';

/** The bodies the thread knows how to check, by the route that takes them. */
export type LargeBodyKind = 'snapshot' | 'delta';

/** One body to parse and check: its bytes, copied to the thread. */
export interface CheckRequest {
  id: number;
  kind: LargeBodyKind;
  bytes: Uint8Array;
}

/** The thread's answer: the parsed body when it is valid, otherwise only why it is not. */
export type CheckAnswer =
  | { id: number; type: 'valid'; value: unknown }
  | { id: number; type: 'invalid'; issues: BodyIssue[] }
  | { id: number; type: 'not-json'; message: string }
  | { id: number; type: 'failed'; message: string };
