import { SnapshotDeltaSchema, SnapshotSchema, validateAgentLiveMessage } from '@stocktake/shared';
import type { TSchema } from 'typebox';
import { Compile } from 'typebox/compile';
import { checkBody } from '../body-check.ts';
import { checkIngestMessage, ingestMessageId } from '../live/ingest-message.ts';
import type { CheckAnswer, CheckRequest, LargeBodyKind, LiveFrameCheck } from './protocol.ts';

/** The thread's checks of JSON bodies: agent snapshots and deltas, and live channel frames. */

const schemas: Record<LargeBodyKind, TSchema> = { snapshot: SnapshotSchema, delta: SnapshotDeltaSchema };
const checks = new Map<LargeBodyKind, { Check(value: unknown): boolean }>();
const checkOf = (kind: LargeBodyKind) => {
  let check = checks.get(kind);
  if (!check) {
    check = Compile(schemas[kind]);
    checks.set(kind, check);
  }
  return check;
};

/** A `"__proto__":` key, written plainly or with escapes, as the collector's JSON parser refuses it. */
const PROTO_KEY =
  /"(?:_|\\u005[Ff])(?:_|\\u005[Ff])(?:p|\\u0070)(?:r|\\u0072)(?:o|\\u006[Ff])(?:t|\\u0074)(?:o|\\u006[Ff])(?:_|\\u005[Ff])(?:_|\\u005[Ff])"\s*:/;

function holdsProtoKey(value: unknown): boolean {
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const next = pending.pop();
    if (next === null || typeof next !== 'object') continue;
    if (!Array.isArray(next) && Object.hasOwn(next, '__proto__')) return true;
    for (const v of Object.values(next)) if (v !== null && typeof v === 'object') pending.push(v);
  }
  return false;
}

/**
 * A live channel frame, as the channel reads a small one where it arrives: text that is not JSON
 * is no message (refused by the channel), an ingest message is checked as the channel checks it.
 */
function liveFrame(text: string): LiveFrameCheck {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = undefined;
  }
  const ingest = ingestMessageId(value);
  if (ingest) return { ingest, checked: checkIngestMessage(ingest.kind, value as object) };
  const message = validateAgentLiveMessage(value);
  return message.ok ? { message: message.value } : { errors: message.errors.slice(0, 10) };
}

/** A JSON body's check: the kinds other than the OCS protocol's XML. */
export function checkJson(request: CheckRequest & { kind: LargeBodyKind | 'live' }): CheckAnswer {
  const { id, kind, bytes } = request;
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  if (kind === 'live') return { id, type: 'live', frame: liveFrame(text) };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { id, type: 'not-json', message: error instanceof Error ? error.message : String(error) };
  }
  // Fastify's JSON parser (onProtoPoisoning 'error') refuses such a key; so does this one.
  if (PROTO_KEY.test(text) && holdsProtoKey(value)) {
    return { id, type: 'not-json', message: 'Object contains forbidden prototype property' };
  }
  const issues = checkBody(schemas[kind], checkOf(kind), value);
  return issues ? { id, type: 'invalid', issues } : { id, type: 'valid', value };
}
