import type { CatalogueEntry, WhoHasItem } from '@stocktake/shared/api';
import { LIST_ORDERS } from '@stocktake/shared/api/vocabulary';
import { useMemo } from 'preact/hooks';
import { count, dash, dateTime } from '../format.ts';
import {
  type Column,
  DataTable,
  ErrorMessage,
  Loading,
  Pager,
  Section,
  TextFilter,
  usePagedList,
  useUrlQuery,
} from '../ui.tsx';

export function SoftwarePage() {
  const [query, setQuery] = useUrlQuery();
  const catalogueQuery = useMemo(() => {
    const q: Record<string, string> = {};
    for (const k of ['q', 'sort']) if (query[k]) q[k] = query[k];
    return q;
  }, [query]);
  const catalogue = usePagedList<CatalogueEntry>('/api/v1/software', catalogueQuery);
  const columns: Column<CatalogueEntry>[] = [
    {
      label: 'Name',
      sort: 'name',
      render: (s) => (
        <button type="button" class="link" onClick={() => setQuery({ name: s.name, version: undefined })}>
          {s.name}
        </button>
      ),
    },
    { label: 'Version', sort: 'version', render: (s) => s.version },
    { label: 'Publisher', sort: 'publisher', render: (s) => s.publisher ?? dash },
    { label: 'Source', sort: 'source', render: (s) => s.source },
    { label: 'Installs', sort: 'installs', numeric: true, render: (s) => count(s.installs) },
    // Those installs by last use, with the policy's thresholds.
    { label: 'Used', numeric: true, render: (s) => count(s.used ?? 0) },
    { label: 'Rarely used', numeric: true, render: (s) => count(s.rarelyUsed ?? 0) },
    { label: 'Unused', numeric: true, render: (s) => count(s.unused ?? 0) },
    { label: 'Use unknown', numeric: true, render: (s) => count(s.usageUnknown ?? 0) },
  ];
  return (
    <>
      <h1>Software</h1>
      <Section title="Who has it">
        <form class="filters" aria-label="Who has some software" onSubmit={(e) => e.preventDefault()}>
          <TextFilter label="Software name" value={query.name} onCommit={(name) => setQuery({ name })} />
          <TextFilter
            label="Version (exact or pattern)"
            value={query.version}
            onCommit={(version) => setQuery({ version })}
          />
          <TextFilter
            label="Older than version"
            value={query.versionLt}
            onCommit={(versionLt) => setQuery({ versionLt })}
          />
        </form>
        {query.name ? (
          <WhoHas name={query.name} version={query.version} versionLt={query.versionLt} />
        ) : (
          <p class="muted">Name a package to see the devices that have it.</p>
        )}
      </Section>
      <Section title="Catalogue">
        <form class="filters" aria-label="Search the catalogue" onSubmit={(e) => e.preventDefault()}>
          <TextFilter label="Search" value={query.q} onCommit={(q) => setQuery({ q })} />
        </form>
        <ErrorMessage error={catalogue.error} />
        <DataTable
          caption="Software catalogue"
          columns={columns}
          rows={catalogue.data?.items ?? []}
          rowKey={(s) => `${s.source}:${s.name}:${s.version}:${s.arch ?? ''}:${s.publisher ?? ''}`}
          sort={query.sort ?? LIST_ORDERS.software.defaultSort}
          onSort={(sort) => setQuery({ sort })}
        />
        {catalogue.loading && <Loading what="the catalogue" />}
        <Pager
          pageNumber={catalogue.pageNumber}
          hasNext={Boolean(catalogue.data?.nextCursor)}
          onNext={catalogue.next}
          onPrevious={catalogue.previous}
          loading={catalogue.loading}
        />
      </Section>
    </>
  );
}

function WhoHas({
  name,
  version,
  versionLt,
}: {
  name: string;
  version?: string | undefined;
  versionLt?: string | undefined;
}) {
  const list = usePagedList<WhoHasItem>('/api/v1/software/who-has', { name, version, versionLt });
  const columns: Column<WhoHasItem>[] = [
    { label: 'Host name', render: (d) => <a href={`/devices/${d.id}`}>{d.hostname}</a> },
    { label: 'Versions', render: (d) => d.software.map((s) => s.version).join(', ') },
    {
      label: 'Use',
      render: (d) =>
        d.software.map((s) => [s.usage?.replace('_', ' '), s.lastUsed].filter(Boolean).join(' ')).join(', ') || dash,
    },
    { label: 'User', render: (d) => d.primaryUser ?? dash },
    { label: 'Last seen', render: (d) => dateTime(d.lastSeenAt) },
  ];
  return (
    <>
      <ErrorMessage error={list.error} />
      <DataTable
        caption={`Devices with ${name}`}
        columns={columns}
        rows={list.data?.items ?? []}
        rowKey={(d) => d.id}
      />
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
