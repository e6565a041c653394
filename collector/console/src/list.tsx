import { LIST_ORDERS } from '@stocktake/shared/api/vocabulary';
import type { ComponentChildren } from 'preact';
import { useMemo, useState } from 'preact/hooks';
import { api } from './api.ts';
import {
  type Column,
  DataTable,
  ErrorMessage,
  Loading,
  Pager,
  SelectFilter,
  Status,
  TextFilter,
  useAction,
  usePagedList,
  useUrlQuery,
} from './ui.tsx';

type Options = readonly string[] | readonly { value: string; label: string }[];
type QueryChanges = Record<string, string | undefined>;

/**
 * One filter of a list, kept in the URL. A text or select filter sets the query key it names; a
 * filter over several keys (seen within / not seen for) says how it reads and writes them.
 */
export type ListFilter =
  | { kind: 'text'; key: string; label: string }
  | { kind: 'select'; key: string; label: string; options: Options; anyLabel?: string }
  | {
      kind: 'select';
      keys: readonly string[];
      label: string;
      options: Options;
      read(query: Record<string, string>): string;
      write(value: string): QueryChanges;
    };

const keysOf = (f: ListFilter): readonly string[] => ('keys' in f ? f.keys : [f.key]);

/** The rows a person picked, and what they can do with them (the findings' bulk changes). */
export interface ListSelection<T> {
  label(row: T): string;
  actions(keys: string[], done: () => void): ComponentChildren;
}

export interface ListViewProps<T> {
  /** The list's name as the table and the filter form announce it ("Devices"). */
  caption: string;
  /** Its name in the loading line ("devices"). */
  what: string;
  path: string;
  /** Which of the contract's list orders sorts it (the default sort comes from there). */
  order: keyof typeof LIST_ORDERS;
  filters: readonly ListFilter[];
  columns: Column<T>[];
  rowKey(row: T): string;
  /** A CSV export: the path, and whether it takes the list's filters. */
  csv?: { path: string; filtered: boolean };
  selection?: ListSelection<T>;
  /** Changes when something outside the list changed its rows, to load them again. */
  version?: number;
}

/**
 * A server-paged list page: filters and sort in the URL, cursor paging, and a CSV export. Every
 * list of the console is one of these, so they page, sort and filter alike.
 */
export function ListView<T>(props: ListViewProps<T>) {
  const { caption, filters, csv, selection } = props;
  const [query, setQuery] = useUrlQuery();
  const apiQuery = useMemo(() => {
    const q: Record<string, string> = {};
    for (const k of [...filters.flatMap(keysOf), 'sort']) if (query[k]) q[k] = query[k];
    return q;
  }, [query, filters]);
  const list = usePagedList<T>(props.path, apiQuery, 50, props.version ?? 0);
  const exporting = useAction(() =>
    api.download(csv?.path ?? props.path, csv?.filtered ? apiQuery : undefined).then((n) => `Saved ${n}.`),
  );
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const toggle = (key: string) =>
    setSelected((s) => {
      const next = new Set(s);
      if (next.has(key)) next.delete(key);
      else next.add(key);
      return next;
    });
  return (
    <>
      <form class="filters" aria-label={`Filter ${caption.toLowerCase()}`} onSubmit={(e) => e.preventDefault()}>
        {filters.map((f) => (
          <FilterField key={f.label} filter={f} query={query} setQuery={setQuery} />
        ))}
        {csv && (
          <button type="button" onClick={() => void exporting.start()} disabled={exporting.busy}>
            Export CSV
          </button>
        )}
      </form>
      <Status done={exporting.done} />
      {selection?.actions([...selected], () => {
        setSelected(new Set());
        list.reload();
      })}
      <ErrorMessage error={exporting.error ?? list.error} />
      <DataTable
        caption={caption}
        columns={props.columns}
        rows={list.data?.items ?? []}
        rowKey={props.rowKey}
        sort={query.sort ?? LIST_ORDERS[props.order].defaultSort}
        onSort={(sort) => setQuery({ sort })}
        {...(selection ? { selection: { selected, toggle, label: selection.label } } : {})}
      />
      {list.loading && <Loading what={props.what} />}
      <Pager
        pageNumber={list.pageNumber}
        hasNext={Boolean(list.data?.nextCursor)}
        onNext={list.next}
        onPrevious={list.previous}
        loading={list.loading}
      />
    </>
  );
}

function FilterField({
  filter,
  query,
  setQuery,
}: {
  filter: ListFilter;
  query: Record<string, string>;
  setQuery(changes: QueryChanges): void;
}) {
  if (filter.kind === 'text') {
    return (
      <TextFilter label={filter.label} value={query[filter.key]} onCommit={(v) => setQuery({ [filter.key]: v })} />
    );
  }
  if ('keys' in filter) {
    return (
      <SelectFilter
        label={filter.label}
        value={filter.read(query)}
        options={filter.options}
        onChange={(v) => setQuery(filter.write(v))}
      />
    );
  }
  return (
    <SelectFilter
      label={filter.label}
      value={query[filter.key]}
      options={filter.options}
      {...(filter.anyLabel !== undefined ? { anyLabel: filter.anyLabel } : {})}
      onChange={(v) => setQuery({ [filter.key]: v })}
    />
  );
}
