import {
  COLLECTOR_HEADER,
  type EnrollRequest,
  type EnrollResponse,
  type Problem,
  RESYNC_PROBLEM_TYPE,
  readEnrollResponse,
  readSnapshotAck,
  type Snapshot,
  type SnapshotAck,
  type SnapshotDelta,
  type Validation,
} from '@stocktake/shared/core';
import type { FetchLike } from './network/http-transport.ts';
import { type NetworkSettings, redact } from './network/settings.ts';
import { parseRetryAfter } from './retry-after.ts';

/**
 * Bytes of an answer the agent reads at most. Its answers are an acknowledgement, an agent id
 * and token, or problem details: a few hundred bytes, a long list of field errors at worst.
 */
export const MAX_ANSWER_BYTES = 1024 * 1024;

/** Characters of a collector's problem detail repeated in messages and logs. */
const MAX_DETAIL_LENGTH = 500;

export type CollectorErrorKind =
  | 'unreachable'
  | 'not-a-collector'
  | 'refused'
  | 'unauthorized'
  | 'server-error'
  | 'resync'
  /** An answer the agent cannot trust: a redirect, too large, or not what the contract says. */
  | 'bad-answer';

/** A failure talking to the collector, with one line a person can act on. */
export class CollectorError extends Error {
  constructor(
    message: string,
    readonly kind: CollectorErrorKind,
    readonly status?: number,
    options?: ErrorOptions & { problemType?: string; retryAfterMs?: number },
  ) {
    super(message, options);
    this.name = 'CollectorError';
    if (options?.problemType) this.problemType = options.problemType;
    if (options?.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs;
  }

  /** The `type` of the collector's problem details, when it sent one. */
  readonly problemType?: string;
  /** How long the answer asked the agent to wait (`Retry-After`), when it did. */
  readonly retryAfterMs?: number;
}

export interface CollectorClientOptions {
  serverUrl: string;
  timeoutMs?: number;
  /** A CA bundle and a proxy, when the collector is reached through either. */
  network?: NetworkSettings;
}

/** OpenSSL's verification failures: the collector's certificate is not one the agent trusts. */
const CERTIFICATE_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
]);

/** The first cause down the chain that carries a string code (undici wraps its errors). */
function codedCause(err: unknown): { code?: string; message?: string } | undefined {
  let cause = (err as { cause?: unknown }).cause as { code?: unknown; message?: string; cause?: unknown } | undefined;
  const first = cause;
  for (let depth = 0; cause && depth < 5; depth++) {
    if (typeof cause.code === 'string')
      return { code: cause.code, ...(cause.message ? { message: cause.message } : {}) };
    cause = cause.cause as typeof cause;
  }
  return first?.message ? { message: first.message } : undefined;
}

function networkReason(err: unknown): string {
  const cause = codedCause(err);
  if (cause?.code && CERTIFICATE_CODES.has(cause.code)) {
    return `its TLS certificate is not trusted (${cause.code}: ${cause.message ?? 'no detail'}); if a private CA issued it, give the agent that CA's PEM bundle (caFile, --ca-file)`;
  }
  const refusedTunnel = /^Proxy response \((\d+)\)/.exec(cause?.message ?? '');
  if (refusedTunnel) return `the proxy refused the tunnel with HTTP ${refusedTunnel[1]}`;
  // undici's own codes say less than their messages.
  if (cause?.code?.startsWith('UND_ERR') && cause.message) return cause.message;
  if (cause?.code) return cause.code;
  if ((err as Error).name === 'TimeoutError') return 'timed out';
  return cause?.message ?? (err as Error).message;
}

/** A string from an answer, cut to a length fit for one log line. */
function clip(text: string): string {
  return text.length > MAX_DETAIL_LENGTH ? `${text.slice(0, MAX_DETAIL_LENGTH)}…` : text;
}

/**
 * The body, read up to `maxBytes`: past that the transfer is aborted, so a huge answer costs
 * the agent at most this much memory. Undefined when the answer is larger.
 */
async function readCapped(response: Response, maxBytes: number, abort: AbortController): Promise<string | undefined> {
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    abort.abort(new Error('answer too large'));
    return undefined;
  }
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      abort.abort(new Error('answer too large'));
      await reader.cancel().catch(() => {});
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function describeProblems(result: Validation<unknown>): string {
  return result.ok ? '' : result.errors.map((e) => `${e.path || '/'} ${e.message}`).join('; ');
}

export function createCollectorClient(options: CollectorClientOptions) {
  let base: URL;
  try {
    base = new URL(options.serverUrl);
  } catch {
    throw new CollectorError(
      `"${options.serverUrl}" is not a URL (expected e.g. https://collector:8080)`,
      'unreachable',
    );
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:') {
    throw new CollectorError(`"${options.serverUrl}" must use http or https`, 'unreachable');
  }
  const timeoutMs = options.timeoutMs ?? 30_000;
  const network = options.network ?? {};
  const via = network.proxy ? ` through proxy ${redact(network.proxy.url)} (${network.proxy.origin})` : '';
  // undici itself is loaded only for a CA bundle or a proxy: it costs every other run a third
  // of a second of start-up.
  let transport: Promise<FetchLike> | undefined;
  const send = (): Promise<FetchLike> => {
    if (!network.ca && !network.proxy) return Promise.resolve(fetch);
    transport ??= import('./network/http-transport.ts').then((m) => m.createHttpTransport(network).fetch);
    return transport;
  };

  /** POSTs `body` and returns the parsed answer of a 2xx; any other answer throws a CollectorError. */
  async function request(
    path: string,
    body: unknown,
    token?: string,
    signal?: AbortSignal,
  ): Promise<{ status: number; body: unknown }> {
    const url = new URL(path, base);
    const abort = new AbortController();
    const signals = [abort.signal, AbortSignal.timeout(timeoutMs), ...(signal ? [signal] : [])];
    let response: Response;
    try {
      const fetchOver = await send();
      response = await fetchOver(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify(body),
        // A redirect would carry the enroll secret, the token and the inventory to wherever it
        // points; the agent talks to the URL it was given and to nothing else.
        redirect: 'manual',
        signal: AbortSignal.any(signals),
      });
    } catch (err) {
      throw new CollectorError(
        `cannot reach collector at ${base.origin}${via}: ${networkReason(err)}`,
        'unreachable',
        undefined,
        {
          cause: err,
        },
      );
    }
    const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
    const waitFor = retryAfterMs !== undefined ? { retryAfterMs } : {};
    if (response.status >= 300 && response.status < 400) {
      abort.abort(new Error('redirect not followed'));
      const location = response.headers.get('location');
      const target = location ? new URL(location, url).toString() : 'no Location given';
      throw new CollectorError(
        `${url.toString()} answered HTTP ${response.status}, a redirect to ${clip(target)}; the agent follows no redirect: set the server URL to the collector's own address`,
        'bad-answer',
        response.status,
        waitFor,
      );
    }
    if (!response.headers.has(COLLECTOR_HEADER)) {
      abort.abort(new Error('not a collector'));
      throw new CollectorError(
        `${base.origin} is not a Stocktake collector (HTTP ${response.status} without the ${COLLECTOR_HEADER} header)`,
        'not-a-collector',
        response.status,
        waitFor,
      );
    }
    let text: string | undefined;
    try {
      text = await readCapped(response, MAX_ANSWER_BYTES, abort);
    } catch (err) {
      throw new CollectorError(
        `the answer from ${base.origin} broke off: ${networkReason(err)}`,
        'unreachable',
        response.status,
        { cause: err, ...waitFor },
      );
    }
    if (text === undefined) {
      throw new CollectorError(
        `collector answered ${path} with more than ${MAX_ANSWER_BYTES} bytes (HTTP ${response.status}); not read`,
        'bad-answer',
        response.status,
        waitFor,
      );
    }
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      throw new CollectorError(
        `collector sent a non-JSON answer (HTTP ${response.status})`,
        response.ok ? 'bad-answer' : 'server-error',
        response.status,
        waitFor,
      );
    }
    if (response.ok) return { status: response.status, body: parsed };
    const problem = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as Partial<
      Record<keyof Problem, unknown>
    >;
    const detail =
      typeof problem.detail === 'string'
        ? problem.detail
        : typeof problem.title === 'string'
          ? problem.title
          : `HTTP ${response.status}`;
    const problemType = typeof problem.type === 'string' ? problem.type : undefined;
    const kind =
      response.status === 401
        ? 'unauthorized'
        : response.status === 409 && problemType === RESYNC_PROBLEM_TYPE
          ? 'resync'
          : response.status >= 500
            ? 'server-error'
            : 'refused';
    throw new CollectorError(
      `collector refused ${path}: ${clip(detail)} (HTTP ${response.status})`,
      kind,
      response.status,
      {
        ...(problemType ? { problemType: clip(problemType) } : {}),
        ...waitFor,
      },
    );
  }

  /** An acknowledgement of exactly the message sent, or a CollectorError: anything else is no delivery. */
  async function push(path: string, message: Snapshot | SnapshotDelta, token: string, signal?: AbortSignal) {
    const answer = await request(path, message, token, signal);
    const ack = readSnapshotAck(answer.body, message.snapshotId);
    if (answer.status !== 200 && answer.status !== 201) {
      throw new CollectorError(
        `collector answered ${path} with HTTP ${answer.status}, which is no acknowledgement`,
        'bad-answer',
        answer.status,
      );
    }
    if (!ack.ok) {
      throw new CollectorError(
        `collector's acknowledgement of ${message.snapshotId} is not one: ${clip(describeProblems(ack))} (HTTP ${answer.status})`,
        'bad-answer',
        answer.status,
      );
    }
    return ack.value;
  }

  return {
    serverUrl: base.toString(),
    async enroll(req: EnrollRequest): Promise<EnrollResponse> {
      const answer = await request('/api/v1/agent/enroll', req);
      const enrolled = readEnrollResponse(answer.body);
      if (answer.status !== 201 || !enrolled.ok) {
        throw new CollectorError(
          `collector's answer to the enrolment is not an agent id and token: ${enrolled.ok ? `HTTP ${answer.status}` : clip(describeProblems(enrolled))}`,
          'bad-answer',
          answer.status,
        );
      }
      return enrolled.value;
    },
    async pushSnapshot(snapshot: Snapshot, token: string, signal?: AbortSignal): Promise<SnapshotAck> {
      return push('/api/v1/agent/snapshots', snapshot, token, signal);
    },
    /** A delta; `resync` when the collector's base differs, `refused` 404 from a collector without deltas. */
    async pushDelta(delta: SnapshotDelta, token: string, signal?: AbortSignal): Promise<SnapshotAck> {
      return push('/api/v1/agent/deltas', delta, token, signal);
    },
  };
}

export type CollectorClient = ReturnType<typeof createCollectorClient>;
