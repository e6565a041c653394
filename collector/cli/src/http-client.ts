import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Problem } from '@stocktake/shared';
import type { Connection } from './config.ts';
import { CliError } from './errors.ts';
import { EXIT, type ExitCode } from './exit-codes.ts';
import { CLI_VERSION } from './version.ts';

export type QueryValue = string | number | boolean | undefined | readonly string[];
export type Query = Readonly<Record<string, QueryValue>>;

/**
 * The header every collector answer carries (shared's COLLECTOR_HEADER; a test keeps them equal).
 * Spelt out here because loading @stocktake/shared at run time costs the command line half a second.
 */
export const COLLECTOR_HEADER = 'x-stocktake-collector';

/** Where a download goes: a file stream, or anything that takes bytes the same way. */
export interface ByteSink {
  write(chunk: Buffer): boolean;
  once(event: 'drain', listener: () => void): unknown;
}

/** Reports bytes moved so far and the total when known. */
export type ProgressListener = (done: number, total: number | undefined) => void;

/** The collector answered with an error status; the message is one line built from its problem details. */
export class ApiError extends CliError {
  constructor(
    exitCode: ExitCode,
    message: string,
    more: readonly string[],
    readonly status: number,
    readonly problem: Problem | undefined,
    /** From Retry-After (seconds), when the collector sent one. */
    readonly retryAfterSeconds?: number,
  ) {
    super(exitCode, message, more);
    this.name = 'ApiError';
  }
}

/** The last segment of a JSON Pointer, unescaped. */
function lastSegment(pointer: string): string {
  const last = pointer.split('/').at(-1) ?? '';
  return last.replace(/~1/g, '/').replace(/~0/g, '~');
}

function describeFieldError(e: { path: string; message: string }): string {
  // Import errors already name their line and column; other paths are worth showing.
  const field = lastSegment(e.path);
  if (!e.path || (field && e.message.includes(field))) return e.message;
  return `${e.path}: ${e.message}`;
}

/** One line for a problem: title, detail, and the offending field when the detail does not name it. */
export function describeProblem(problem: Problem): { line: string; more: string[] } {
  let line = problem.title;
  if (problem.detail && problem.detail !== problem.title) line += `: ${problem.detail}`;
  const errors = problem.errors ?? [];
  const [first] = errors;
  if (errors.length === 1 && first && !(first.path && line.includes(first.path))) {
    line += ` (${describeFieldError(first)})`;
    return { line, more: [] };
  }
  const more =
    errors.length > 1 && !errors.every((e) => e.path && line.includes(e.path))
      ? errors.map((e) => `  ${describeFieldError(e)}`)
      : [];
  return { line, more };
}

/**
 * The error for a problem the collector reported inside an answer rather than as one (a failed
 * import job): the exit code its status would have given.
 */
export function reportedProblem(problem: Problem): ApiError {
  const { line, more } = describeProblem(problem);
  const code = problem.status >= 500 ? EXIT.collectorError : EXIT.refused;
  return new ApiError(code, line, more, problem.status, problem);
}

function isProblem(value: unknown): value is Problem {
  if (typeof value !== 'object' || value === null) return false;
  const p = value as Record<string, unknown>;
  return typeof p.title === 'string' && typeof p.status === 'number';
}

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface RequestOptions {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  query?: Query;
  /** A JSON body. */
  json?: unknown;
  /** A raw body (CSV uploads), sent in chunks so progress can be shown. */
  upload?: { data: Buffer; contentType: string; onProgress?: ProgressListener };
  accept?: string;
}

const UPLOAD_CHUNK = 64 * 1024;
const RATE_LIMIT_RETRIES = 3;
const MAX_RETRY_WAIT_SECONDS = 60;

/** Talks to one collector: bearer token, problem+json errors as CliErrors with the right exit code. */
export class ApiClient {
  constructor(
    readonly connection: Connection,
    private readonly timeoutMs: number,
    /** Says why the command waits (rate limited); stderr. */
    private readonly notice: (text: string) => void = () => {},
  ) {}

  get url(): string {
    return this.connection.url;
  }

  async get<T>(path: string, query?: Query): Promise<T> {
    return this.json<T>({ method: 'GET', path, ...(query ? { query } : {}) });
  }

  async post<T>(path: string, json?: unknown, query?: Query): Promise<T> {
    return this.json<T>({ method: 'POST', path, ...(json === undefined ? {} : { json }), ...(query ? { query } : {}) });
  }

  async patch<T>(path: string, json: unknown): Promise<T> {
    return this.json<T>({ method: 'PATCH', path, json });
  }

  async delete(path: string, query?: Query): Promise<void> {
    await this.send({ method: 'DELETE', path, ...(query ? { query } : {}) }, undefined);
  }

  /** A request whose answer is JSON (or nothing, for 204). */
  async json<T>(options: RequestOptions): Promise<T> {
    const answer = await this.send(options, undefined);
    if (answer.status === 204 || answer.body.length === 0) return undefined as T;
    try {
      return JSON.parse(answer.body.toString('utf8')) as T;
    } catch {
      throw new CliError(
        EXIT.collectorError,
        `${options.method} ${options.path}: the collector's answer is not JSON (HTTP ${answer.status})`,
      );
    }
  }

  /** Streams a successful answer's body into `sink` (which the caller ends), reporting bytes received. */
  async download(options: RequestOptions, sink: ByteSink, onProgress?: ProgressListener): Promise<void> {
    await this.send(options, { sink, ...(onProgress ? { onProgress } : {}) });
  }

  private target(path: string, query: Query | undefined): URL {
    const url = new URL(`${this.connection.url}${path}`);
    for (const [key, value] of Object.entries(query ?? {})) {
      if (value === undefined) continue;
      if (Array.isArray(value)) for (const v of value) url.searchParams.append(key, v);
      else url.searchParams.set(key, String(value));
    }
    return url;
  }

  /**
   * One request; a 429 (refused before anything was done) is retried after the Retry-After the
   * collector names, up to RATE_LIMIT_RETRIES times when the wait is short.
   */
  private async send(
    options: RequestOptions,
    stream: { sink: ByteSink; onProgress?: ProgressListener } | undefined,
  ): Promise<Answer> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.sendOnce(options, stream);
      } catch (err) {
        const wait = err instanceof ApiError && err.status === 429 ? err.retryAfterSeconds : undefined;
        if (wait === undefined || wait > MAX_RETRY_WAIT_SECONDS || attempt >= RATE_LIMIT_RETRIES) throw err;
        this.notice(`rate limited by the collector; retrying in ${wait} s`);
        await new Promise((r) => setTimeout(r, wait * 1000));
      }
    }
  }

  private sendOnce(
    options: RequestOptions,
    stream: { sink: ByteSink; onProgress?: ProgressListener } | undefined,
  ): Promise<Answer> {
    const url = this.target(options.path, options.query);
    const body =
      options.json !== undefined
        ? { data: Buffer.from(JSON.stringify(options.json)), contentType: 'application/json' }
        : options.upload;
    const headers: Record<string, string> = {
      accept: `${options.accept ?? 'application/json'}, application/problem+json`,
      'user-agent': `stocktake-cli/${CLI_VERSION}`,
    };
    if (this.connection.token) headers.authorization = `Bearer ${this.connection.token}`;
    if (body) {
      headers['content-type'] = body.contentType;
      headers['content-length'] = String(body.data.length);
    }
    const what = `${options.method} ${url.pathname}`;
    const requestFn = url.protocol === 'https:' ? httpsRequest : httpRequest;

    return new Promise<Answer>((resolve, reject) => {
      let settled = false;
      const fail = (err: Error) => {
        if (settled) return;
        settled = true;
        reject(err instanceof CliError ? err : this.networkError(err));
      };
      const req = requestFn(url, { method: options.method, headers }, (res) => {
        this.receive(res, what, stream).then(
          (answer) => {
            if (settled) return;
            settled = true;
            resolve(answer);
          },
          (err: Error) => fail(err),
        );
      });
      req.setTimeout(this.timeoutMs, () => {
        req.destroy(Object.assign(new Error(`no answer within ${this.timeoutMs / 1000} s`), { code: 'ETIMEDOUT' }));
      });
      req.on('error', fail);
      if (!body) {
        req.end();
        return;
      }
      const upload = options.upload?.onProgress;
      let offset = 0;
      const pump = () => {
        while (offset < body.data.length) {
          const chunk = body.data.subarray(offset, offset + UPLOAD_CHUNK);
          offset += chunk.length;
          const more = req.write(chunk);
          upload?.(offset, body.data.length);
          if (!more) {
            req.once('drain', pump);
            return;
          }
        }
        req.end();
      };
      pump();
    });
  }

  private async receive(
    res: IncomingMessage,
    what: string,
    stream: { sink: ByteSink; onProgress?: ProgressListener } | undefined,
  ): Promise<Answer> {
    const status = res.statusCode ?? 0;
    const headers = res.headers;
    if (headers[COLLECTOR_HEADER] === undefined) {
      res.resume();
      throw new CliError(
        EXIT.unreachable,
        `${this.connection.url} (${this.connection.source}) answered HTTP ${status} but is not a Stocktake collector (no ${COLLECTOR_HEADER} header)`,
      );
    }
    const length = Number(headers['content-length']);
    const total = Number.isSafeInteger(length) && length >= 0 ? length : undefined;
    if (stream && status >= 200 && status < 300) {
      let received = 0;
      for await (const chunk of res) {
        const buffer = chunk as Buffer;
        received += buffer.length;
        if (!stream.sink.write(buffer)) await new Promise<void>((r) => stream.sink.once('drain', () => r()));
        stream.onProgress?.(received, total);
      }
      return { status, headers, body: Buffer.alloc(0) };
    }
    const chunks: Buffer[] = [];
    for await (const chunk of res) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    if (status >= 400) throw this.apiError(status, headers, body, what);
    return { status, headers, body };
  }

  private apiError(status: number, headers: IncomingHttpHeaders, body: Buffer, what: string): ApiError {
    let problem: Problem | undefined;
    try {
      const parsed: unknown = JSON.parse(body.toString('utf8'));
      if (isProblem(parsed)) problem = parsed;
    } catch {
      problem = undefined;
    }
    const version = headers[COLLECTOR_HEADER];
    if (status === 404 && problem?.detail?.startsWith('No route ')) {
      return new ApiError(
        EXIT.collectorError,
        `the collector at ${this.connection.url} (version ${version}) has no route ${what}: it is older than this command line`,
        [],
        status,
        problem,
      );
    }
    const { line, more } = problem ? describeProblem(problem) : { line: `${what}: HTTP ${status}`, more: [] };
    if (status === 401) {
      const hint = this.connection.token
        ? ''
        : ' (no token given: pass --token, set STOCKTAKE_TOKEN, or run stocktake login)';
      return new ApiError(EXIT.auth, `${line}${hint}`, more, status, problem);
    }
    if (status === 403) return new ApiError(EXIT.auth, line, more, status, problem);
    if (status === 404) return new ApiError(EXIT.notFound, line, more, status, problem);
    if (status >= 500) return new ApiError(EXIT.collectorError, line, more, status, problem);
    const retryAfter = Number(headers['retry-after']);
    return new ApiError(
      EXIT.refused,
      line,
      more,
      status,
      problem,
      Number.isInteger(retryAfter) && retryAfter >= 0 ? retryAfter : undefined,
    );
  }

  private networkError(err: Error): CliError {
    const code = (err as NodeJS.ErrnoException).code;
    const reason = code && !err.message.includes(code) ? `${code}: ${err.message}` : err.message;
    return new CliError(
      EXIT.unreachable,
      `cannot reach the collector at ${this.connection.url} (${this.connection.source}): ${reason}`,
    );
  }
}
