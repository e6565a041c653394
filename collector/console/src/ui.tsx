import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { useLocation } from 'preact-iso/router';
import { ApiError, api, type Query } from './api.ts';

/** What loading something from the API gives a page. */
export interface Loaded<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload(): void;
}

/** Loads once per change of `key`; a later answer replaces an earlier one, never the reverse. */
export function useLoad<T>(load: () => Promise<T>, key: string): Loaded<T> {
  const [state, setState] = useState<{ data: T | undefined; error: unknown; loading: boolean }>({
    data: undefined,
    error: undefined,
    loading: true,
  });
  const [generation, setGeneration] = useState(0);
  const latest = useRef(0);
  useEffect(() => {
    const ticket = ++latest.current;
    setState((s) => ({ ...s, loading: true }));
    load().then(
      (data) => ticket === latest.current && setState({ data, error: undefined, loading: false }),
      (error: unknown) => ticket === latest.current && setState({ data: undefined, error, loading: false }),
    );
  }, [key, generation]);
  return { ...state, reload: useCallback(() => setGeneration((g) => g + 1), []) };
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** A server-paged list: the page for the query, and the cursors to go forward and back. */
export function usePagedList<T>(path: string, query: Query, limit = 50, version = 0) {
  const key = `${path}?${JSON.stringify(query)}`;
  const [cursors, setCursors] = useState<{ key: string; stack: (string | null)[] }>({ key, stack: [null] });
  const stack = cursors.key === key ? cursors.stack : [null];
  const cursor = stack[stack.length - 1] ?? null;
  // A new version (rows changed elsewhere) loads the same page again.
  const loaded = useLoad(
    () => api.get<Page<T>>(path, { ...query, limit, cursor }),
    `${key}#${cursor ?? ''}#${version}`,
  );
  return {
    ...loaded,
    pageNumber: stack.length,
    next: () => {
      const next = loaded.data?.nextCursor;
      if (next) setCursors({ key, stack: [...stack, next] });
    },
    previous: () => setCursors({ key, stack: stack.slice(0, -1).length ? stack.slice(0, -1) : [null] }),
  };
}

/** The page's query string as state: filters and sort live in the URL, so back and links work. */
export function useUrlQuery(): [Record<string, string>, (changes: Record<string, string | undefined>) => void] {
  const location = useLocation();
  const set = useCallback(
    (changes: Record<string, string | undefined>) => {
      const params = new URLSearchParams(location.query);
      for (const [k, v] of Object.entries(changes)) {
        if (v === undefined || v === '') params.delete(k);
        else params.set(k, v);
      }
      const text = params.toString();
      location.route(`${location.path}${text ? `?${text}` : ''}`, true);
    },
    [location],
  );
  return [location.query, set];
}

export function ErrorMessage({ error }: { error: unknown }) {
  if (!error) return null;
  const message = error instanceof Error ? error.message : String(error);
  const errors = error instanceof ApiError ? error.errors : [];
  return (
    <div class="error" role="alert">
      <p>{message}</p>
      {errors.length > 0 && (
        <ul class="problems">
          {errors.map((e) => (
            <li key={`${e.path}:${e.message}`}>
              <strong>{describePath(e.path)}</strong>: {e.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** A problem's pointer in words: CSV problems point at /line/column. */
export function describePath(path: string): string {
  const csv = /^\/(\d+)(?:\/(.+))?$/.exec(path);
  if (csv) return csv[2] ? `Line ${csv[1]}, ${decodeURIComponent(csv[2])}` : `Line ${csv[1]}`;
  return path === '' || path === '/' ? 'The request' : path.replace(/^\//, '').replaceAll('/', ' › ');
}

export function Loading({ what }: { what: string }) {
  return (
    <p class="muted" aria-live="polite">
      Loading {what}…
    </p>
  );
}

export function Section({
  title,
  children,
  actions,
}: {
  title: string;
  children: ComponentChildren;
  actions?: ComponentChildren;
}) {
  const id = `s-${title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
  return (
    <section class="card" aria-labelledby={id}>
      <header class="card-head">
        <h2 id={id}>{title}</h2>
        {actions && <div class="actions">{actions}</div>}
      </header>
      {children}
    </section>
  );
}

export interface Column<T> {
  label: string;
  /** The API's sort key, when the list sorts by this column. */
  sort?: string;
  render(row: T): ComponentChildren;
  numeric?: boolean;
}

/** A table whose sortable headers are buttons: the sort lives in the URL (`sort`, `-` for descending). */
export function DataTable<T>({
  caption,
  columns,
  rows,
  rowKey,
  sort,
  onSort,
  selection,
}: {
  caption: string;
  columns: Column<T>[];
  rows: T[];
  rowKey(row: T): string;
  sort?: string | undefined;
  onSort?: (sort: string) => void;
  selection?: { selected: Set<string>; toggle(key: string): void; label(row: T): string };
}) {
  return (
    // Focusable, so a keyboard can scroll a table wider than the window.
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must take focus (WCAG 2.1.1)
    <section class="table-wrap" tabIndex={0} aria-label={caption}>
      <table>
        <caption class="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            {selection && (
              <th scope="col">
                <span class="visually-hidden">Select</span>
              </th>
            )}
            {columns.map((c) => (
              <th scope="col" key={c.label} class={c.numeric ? 'num' : undefined} aria-sort={ariaSort(c.sort, sort)}>
                {c.sort && onSort ? (
                  <button type="button" class="sort" onClick={() => onSort(nextSort(c.sort as string, sort))}>
                    {c.label}
                    <span aria-hidden="true">{sortMark(c.sort, sort)}</span>
                  </button>
                ) : (
                  c.label
                )}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 && (
            <tr>
              <td colSpan={columns.length + (selection ? 1 : 0)} class="muted">
                Nothing to show.
              </td>
            </tr>
          )}
          {rows.map((row) => {
            const key = rowKey(row);
            return (
              <tr key={key}>
                {selection && (
                  <td>
                    <input
                      type="checkbox"
                      aria-label={`Select ${selection.label(row)}`}
                      checked={selection.selected.has(key)}
                      onChange={() => selection.toggle(key)}
                    />
                  </td>
                )}
                {columns.map((c) => (
                  <td key={c.label} class={c.numeric ? 'num' : undefined}>
                    {c.render(row)}
                  </td>
                ))}
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}

const nextSort = (key: string, current: string | undefined) => (current === key ? `-${key}` : key);
const sortMark = (key: string | undefined, current: string | undefined) =>
  current === key ? ' ▲' : current === `-${key}` ? ' ▼' : '';
function ariaSort(key: string | undefined, current: string | undefined): 'ascending' | 'descending' | undefined {
  if (!key) return undefined;
  if (current === key) return 'ascending';
  if (current === `-${key}`) return 'descending';
  return undefined;
}

export function Pager({
  pageNumber,
  hasNext,
  onNext,
  onPrevious,
  loading,
}: {
  pageNumber: number;
  hasNext: boolean;
  onNext(): void;
  onPrevious(): void;
  loading: boolean;
}) {
  return (
    <nav class="pager" aria-label="Pages">
      <button type="button" onClick={onPrevious} disabled={pageNumber <= 1 || loading}>
        Previous page
      </button>
      <span>Page {pageNumber}</span>
      <button type="button" onClick={onNext} disabled={!hasNext || loading}>
        Next page
      </button>
    </nav>
  );
}

/** A labelled input whose value is committed on Enter or leaving the field. */
export function TextFilter({
  label,
  value,
  onCommit,
  type = 'search',
}: {
  label: string;
  value: string | undefined;
  onCommit(value: string): void;
  type?: 'search' | 'text';
}) {
  const [text, setText] = useState(value ?? '');
  useEffect(() => setText(value ?? ''), [value]);
  const id = useMemo(() => `f-${Math.random().toString(36).slice(2, 9)}`, []);
  return (
    <span class="field">
      <label for={id}>{label}</label>
      <input
        id={id}
        // Preact types each input type apart; both kinds here take the same attributes.
        type={type as 'text'}
        value={text}
        onInput={(e) => setText(e.currentTarget.value)}
        onKeyDown={(e) => e.key === 'Enter' && onCommit(text)}
        onBlur={() => text !== (value ?? '') && onCommit(text)}
      />
    </span>
  );
}

export function SelectFilter({
  label,
  value,
  options,
  onChange,
  anyLabel = 'Any',
}: {
  label: string;
  value: string | undefined;
  options: readonly string[] | readonly { value: string; label: string }[];
  onChange(value: string): void;
  anyLabel?: string | null;
}) {
  const id = useMemo(() => `f-${Math.random().toString(36).slice(2, 9)}`, []);
  return (
    <span class="field">
      <label for={id}>{label}</label>
      <select id={id} value={value ?? ''} onChange={(e) => onChange(e.currentTarget.value)}>
        {anyLabel !== null && <option value="">{anyLabel}</option>}
        {options.map((o) => {
          const option = typeof o === 'string' ? { value: o, label: o.replaceAll('_', ' ') } : o;
          return (
            <option key={option.value} value={option.value}>
              {option.label}
            </option>
          );
        })}
      </select>
    </span>
  );
}

/** A horizontal bar for a share of a whole (widths set through the DOM, not a style attribute). */
export function Bar({ share, label }: { share: number; label: string }) {
  const ref = useRef<HTMLSpanElement>(null);
  useEffect(() => {
    if (ref.current) ref.current.style.width = `${Math.max(0, Math.min(1, share)) * 100}%`;
  }, [share]);
  return (
    <span class="bar" role="img" aria-label={label}>
      <span ref={ref} />
    </span>
  );
}

/** A button that runs an API call, says it is working, and shows the refusal if there is one. */
export function useAction<A extends unknown[]>(run: (...args: A) => Promise<unknown>) {
  const [state, setState] = useState<{ busy: boolean; error: unknown; done: string | undefined }>({
    busy: false,
    error: undefined,
    done: undefined,
  });
  const start = useCallback(
    async (...args: A) => {
      setState({ busy: true, error: undefined, done: undefined });
      try {
        const result = await run(...args);
        setState({ busy: false, error: undefined, done: typeof result === 'string' ? result : 'Done.' });
        return true;
      } catch (error) {
        setState({ busy: false, error, done: undefined });
        return false;
      }
    },
    [run],
  );
  return { ...state, start };
}

export function Status({ done }: { done: string | undefined }) {
  return (
    <p class="status" role="status">
      {done ?? ''}
    </p>
  );
}

/** A definition list of a record's fields. */
export function Facts({ items }: { items: [string, ComponentChildren][] }) {
  return (
    <dl class="facts">
      {items.map(([k, v]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd>{v ?? '—'}</dd>
        </div>
      ))}
    </dl>
  );
}
