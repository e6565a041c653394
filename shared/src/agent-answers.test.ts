import { describe, expect, it } from 'vitest';
import { readEnrollResponse, readSnapshotAck } from './agent-answers.ts';
import { EnrollResponseSchema, SnapshotAckSchema } from './agent-api.ts';
import { ENROLL_RESPONSE_EXAMPLE, SNAPSHOT_ACK_EXAMPLE } from './api/agent.ts';
import { FINAL_REFUSALS, isFinalRefusal, ProblemTypes, SNAPSHOT_ID_TAKEN_PROBLEM_TYPE } from './contract.ts';
import { createValidator } from './validate.ts';

const schemaAcceptsEnroll = createValidator(EnrollResponseSchema);
const schemaAcceptsAck = createValidator(SnapshotAckSchema);

const long = (n: number) => 'a'.repeat(n);

/** Answers a collector (or anything at its URL) might send, each a change to the example. */
const enrollAnswers: unknown[] = [
  ENROLL_RESPONSE_EXAMPLE,
  {},
  null,
  [],
  'sta_token',
  { agentId: 'a' },
  { agentToken: 't' },
  { ...ENROLL_RESPONSE_EXAMPLE, agentId: '' },
  { ...ENROLL_RESPONSE_EXAMPLE, agentId: 42 },
  { ...ENROLL_RESPONSE_EXAMPLE, agentId: long(128) },
  { ...ENROLL_RESPONSE_EXAMPLE, agentId: long(129) },
  { ...ENROLL_RESPONSE_EXAMPLE, agentToken: long(512) },
  { ...ENROLL_RESPONSE_EXAMPLE, agentToken: long(513) },
  { ...ENROLL_RESPONSE_EXAMPLE, agentToken: { nested: true } },
];

const ackAnswers: unknown[] = [
  SNAPSHOT_ACK_EXAMPLE,
  { ...SNAPSHOT_ACK_EXAMPLE, duplicate: true },
  {},
  null,
  { ...SNAPSHOT_ACK_EXAMPLE, duplicate: 'false' },
  { ...SNAPSHOT_ACK_EXAMPLE, deviceId: '' },
  { ...SNAPSHOT_ACK_EXAMPLE, deviceId: long(129) },
  { ...SNAPSHOT_ACK_EXAMPLE, snapshotId: undefined },
  { snapshotId: SNAPSHOT_ACK_EXAMPLE.snapshotId, duplicate: false },
];

describe('the agent reads answers as the contract writes them', () => {
  it.each(enrollAnswers.map((a) => [JSON.stringify(a), a]))('enrolment %s', (_name, answer) => {
    expect(readEnrollResponse(answer).ok).toBe(schemaAcceptsEnroll(answer).ok);
  });

  it.each(ackAnswers.map((a) => [JSON.stringify(a), a]))('acknowledgement %s', (_name, answer) => {
    expect(readSnapshotAck(answer).ok).toBe(schemaAcceptsAck(answer).ok);
  });

  it('keeps only the members the contract names', () => {
    const answer = { ...ENROLL_RESPONSE_EXAMPLE, serverUrl: 'http://elsewhere', padding: long(1000) };
    expect(readEnrollResponse(answer)).toEqual({ ok: true, value: ENROLL_RESPONSE_EXAMPLE });
    expect(readSnapshotAck({ ...SNAPSHOT_ACK_EXAMPLE, extra: 1 })).toEqual({ ok: true, value: SNAPSHOT_ACK_EXAMPLE });
  });

  it('takes `{}` for no acknowledgement at all', () => {
    expect(readSnapshotAck({})).toMatchObject({
      ok: false,
      errors: [
        { path: '/snapshotId', message: 'must be a string' },
        { path: '/deviceId', message: 'must be a string' },
        { path: '/duplicate', message: 'must be a boolean' },
      ],
    });
  });

  it('refuses the acknowledgement of another snapshot than the one sent', () => {
    const sent = SNAPSHOT_ACK_EXAMPLE.snapshotId;
    expect(readSnapshotAck(SNAPSHOT_ACK_EXAMPLE, sent).ok).toBe(true);
    expect(readSnapshotAck({ ...SNAPSHOT_ACK_EXAMPLE, snapshotId: 'another' }, sent)).toMatchObject({
      ok: false,
      errors: [{ path: '/snapshotId', message: `acknowledges another, not the ${sent} sent` }],
    });
  });
});

describe('final refusals', () => {
  it('are a schema violation, a body too large and a snapshot id another agent used, and nothing else', () => {
    expect(FINAL_REFUSALS.map((r) => `${r.status} ${r.type}`)).toEqual([
      `400 ${ProblemTypes.validation}`,
      `413 ${ProblemTypes.payloadTooLarge}`,
      `409 ${SNAPSHOT_ID_TAKEN_PROBLEM_TYPE}`,
    ]);
    expect(isFinalRefusal(409, SNAPSHOT_ID_TAKEN_PROBLEM_TYPE)).toBe(true);
    expect(isFinalRefusal(400, ProblemTypes.validation)).toBe(true);
    // Invalid JSON: the agent never writes it, so the body was damaged on the way.
    expect(isFinalRefusal(400, ProblemTypes.badRequest)).toBe(false);
    expect(isFinalRefusal(400, undefined)).toBe(false);
    expect(isFinalRefusal(404, ProblemTypes.notFound)).toBe(false);
    expect(isFinalRefusal(409, ProblemTypes.conflict)).toBe(false);
    expect(isFinalRefusal(429, ProblemTypes.payloadTooLarge)).toBe(false);
  });
});
