import type { Problem, Session } from '@stocktake/shared/api';
import { CSRF_HEADER } from '@stocktake/shared/api/vocabulary';

/** A refusal of the API, with its problem details (RFC 9457). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem | undefined,
  ) {
    super(problem?.detail ?? problem?.title ?? `The collector answered ${status}`);
  }

  /** Each refused field or CSV cell, as the problem lists them. */
  get errors(): { path: string; message: string }[] {
    return this.problem?.errors ?? [];
  }
}

type QueryValue = string | number | boolean | null | undefined;
export type Query = Record<string, QueryValue>;

interface RequestOptions {
  query?: Query;
  /** A JSON body, or a file sent as is (CSV imports). */
  body?: unknown;
  file?: Blob;
  accept?: string;
}

/**
 * The console's one way to the API: same origin, the session cookie, and the session's CSRF
 * token on every write. A 401 means the session ended (idle or absolute limit, or an admin
 * disabled the account): the listeners send the person back to the login page.
 */
export class ApiClient {
  private csrfToken: string | null = null;
  private readonly expiredListeners = new Set<() => void>();

  /** The token the collector answered with the session; writes carry it. */
  useSession(session: Session | null): void {
    this.csrfToken = session?.csrfToken ?? null;
  }

  onSessionExpired(listener: () => void): () => void {
    this.expiredListeners.add(listener);
    return () => this.expiredListeners.delete(listener);
  }

  get<T>(path: string, query?: Query): Promise<T> {
    return this.json<T>('GET', path, query ? { query } : {});
  }

  post<T>(path: string, body?: unknown, query?: Query): Promise<T> {
    return this.json<T>('POST', path, { body, ...(query ? { query } : {}) });
  }

  patch<T>(path: string, body: unknown): Promise<T> {
    return this.json<T>('PATCH', path, { body });
  }

  put<T>(path: string, body: unknown): Promise<T> {
    return this.json<T>('PUT', path, { body });
  }

  delete<T>(path: string, query?: Query): Promise<T> {
    return this.json<T>('DELETE', path, query ? { query } : {});
  }

  upload<T>(path: string, file: Blob, query?: Query): Promise<T> {
    return this.json<T>('POST', path, { file, ...(query ? { query } : {}) });
  }

  /** A list or export as CSV, saved by the browser under the name the collector gives. */
  async download(path: string, query?: Query): Promise<string> {
    const res = await this.send('GET', path, { accept: 'text/csv', ...(query ? { query } : {}) });
    const name = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? 'export.csv';
    const url = URL.createObjectURL(await res.blob());
    const a = document.createElement('a');
    a.href = url;
    a.download = name;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
    return name;
  }

  private async json<T>(method: string, path: string, options: RequestOptions): Promise<T> {
    const res = await this.send(method, path, options);
    if (res.status === 204) return null as T;
    return (await res.json()) as T;
  }

  private async send(method: string, path: string, options: RequestOptions): Promise<Response> {
    const headers: Record<string, string> = { accept: options.accept ?? 'application/json' };
    if (method !== 'GET' && this.csrfToken) headers[CSRF_HEADER] = this.csrfToken;
    let body: BodyInit | undefined;
    if (options.file) {
      body = options.file;
      headers['content-type'] = 'text/csv';
    } else if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] = 'application/json';
    }
    const res = await fetch(withQuery(path, options.query), {
      method,
      headers,
      credentials: 'same-origin',
      ...(body !== undefined ? { body } : {}),
    });
    if (res.ok) return res;
    const problem = await res
      .json()
      .then((p: Problem) => p)
      .catch(() => undefined);
    if (res.status === 401 && path !== '/api/v1/session') for (const l of this.expiredListeners) l();
    throw new ApiError(res.status, problem);
  }
}

/** The path with the query's set values (empty strings, null and undefined left out). */
export function withQuery(path: string, query: Query | undefined): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

export const api = new ApiClient();
