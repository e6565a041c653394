import {
  COLLECTOR_HEADER,
  type EnrollRequest,
  type EnrollResponse,
  type Problem,
  RESYNC_PROBLEM_TYPE,
  type Snapshot,
  type SnapshotAck,
  type SnapshotDelta,
} from '@stocktake/shared/core';

/** A failure talking to the collector, with one line a person can act on. */
export class CollectorError extends Error {
  constructor(
    message: string,
    readonly kind: 'unreachable' | 'not-a-collector' | 'refused' | 'unauthorized' | 'server-error' | 'resync',
    readonly status?: number,
    options?: ErrorOptions & { problemType?: string },
  ) {
    super(message, options);
    this.name = 'CollectorError';
    if (options?.problemType) this.problemType = options.problemType;
  }

  /** The `type` of the collector's problem details, when it sent one. */
  readonly problemType?: string;
}

export interface CollectorClientOptions {
  serverUrl: string;
  timeoutMs?: number;
}

function networkReason(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  if (cause?.code) return cause.code;
  if ((err as Error).name === 'TimeoutError') return 'timed out';
  return cause?.message ?? (err as Error).message;
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

  async function request<T>(
    path: string,
    body: unknown,
    token?: string,
    signal?: AbortSignal,
  ): Promise<{ status: number; body: T }> {
    const url = new URL(path, base);
    const timeout = AbortSignal.timeout(timeoutMs);
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify(body),
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
    } catch (err) {
      throw new CollectorError(
        `cannot reach collector at ${base.origin}: ${networkReason(err)}`,
        'unreachable',
        undefined,
        {
          cause: err,
        },
      );
    }
    if (!response.headers.has(COLLECTOR_HEADER)) {
      throw new CollectorError(
        `${base.origin} is not a Stocktake collector (HTTP ${response.status} without the ${COLLECTOR_HEADER} header)`,
        'not-a-collector',
        response.status,
      );
    }
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      throw new CollectorError(
        `collector sent a non-JSON answer (HTTP ${response.status})`,
        'server-error',
        response.status,
      );
    }
    if (response.ok) return { status: response.status, body: parsed as T };
    const problem = parsed as Partial<Problem> | undefined;
    const detail = problem?.detail ?? problem?.title ?? `HTTP ${response.status}`;
    const kind =
      response.status === 401
        ? 'unauthorized'
        : response.status === 409 && problem?.type === RESYNC_PROBLEM_TYPE
          ? 'resync'
          : response.status >= 500
            ? 'server-error'
            : 'refused';
    throw new CollectorError(`collector refused ${path}: ${detail} (HTTP ${response.status})`, kind, response.status, {
      ...(typeof problem?.type === 'string' ? { problemType: problem.type } : {}),
    });
  }

  return {
    serverUrl: base.toString(),
    async enroll(req: EnrollRequest): Promise<EnrollResponse> {
      return (await request<EnrollResponse>('/api/v1/agent/enroll', req)).body;
    },
    async pushSnapshot(snapshot: Snapshot, token: string, signal?: AbortSignal): Promise<SnapshotAck> {
      return (await request<SnapshotAck>('/api/v1/agent/snapshots', snapshot, token, signal)).body;
    },
    /** A delta; `resync` when the collector's base differs, `refused` 404 from a collector without deltas. */
    async pushDelta(delta: SnapshotDelta, token: string, signal?: AbortSignal): Promise<SnapshotAck> {
      return (await request<SnapshotAck>('/api/v1/agent/deltas', delta, token, signal)).body;
    },
  };
}

export type CollectorClient = ReturnType<typeof createCollectorClient>;
