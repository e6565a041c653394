import type {
  Asset,
  AssetPage,
  DeviceChange,
  DeviceDetail,
  DeviceListItem,
  DeviceUsageView,
  PatchState,
  RefreshAccepted,
} from '@stocktake/shared/api';
import { CHANGE_KINDS } from '@stocktake/shared/api/vocabulary';
import { useMemo, useState } from 'preact/hooks';
import { api } from '../api.ts';
import { ago, bytes, count, dash, dateTime, day, words } from '../format.ts';
import { type ListFilter, ListView } from '../list.tsx';
import { useCanWrite } from '../session.tsx';
import {
  type Column,
  ErrorMessage,
  Facts,
  Loading,
  Pager,
  Section,
  SelectFilter,
  Status,
  TextFilter,
  useAction,
  useLoad,
  usePagedList,
} from '../ui.tsx';
import { FindingList } from './findings.tsx';

/** Seen recently or not for a while: one choice over two query keys. */
const seenFilter: ListFilter = {
  kind: 'select',
  keys: ['seenWithinDays', 'notSeenDays'],
  label: 'Seen',
  options: [
    { value: 'within:1', label: 'in the last day' },
    { value: 'within:7', label: 'in the last 7 days' },
    { value: 'not:7', label: 'not for 7 days' },
    { value: 'not:30', label: 'not for 30 days' },
  ],
  read: (q) => (q.notSeenDays ? `not:${q.notSeenDays}` : q.seenWithinDays ? `within:${q.seenWithinDays}` : ''),
  write: (v) => {
    const [kind, n] = v.split(':');
    return { seenWithinDays: kind === 'within' ? n : undefined, notSeenDays: kind === 'not' ? n : undefined };
  },
};

const filters: ListFilter[] = [
  { kind: 'text', key: 'q', label: 'Search' },
  { kind: 'text', key: 'serial', label: 'Serial' },
  { kind: 'select', key: 'osFamily', label: 'OS family', options: ['linux', 'windows', 'macos'] },
  {
    kind: 'select',
    key: 'linked',
    label: 'Register',
    options: [
      { value: 'true', label: 'linked' },
      { value: 'false', label: 'unlinked' },
    ],
  },
  seenFilter,
  {
    kind: 'select',
    key: 'minPendingSecurityUpdates',
    label: 'Security updates',
    options: [
      { value: '1', label: 'at least 1' },
      { value: '10', label: 'at least 10' },
    ],
  },
];

const columns: Column<DeviceListItem>[] = [
  { label: 'Host name', sort: 'hostname', render: (d) => <a href={`/devices/${d.id}`}>{d.hostname}</a> },
  { label: 'Serial', sort: 'serial', render: (d) => d.hardwareSerial ?? dash },
  { label: 'OS', sort: 'osName', render: (d) => [d.osName, d.osVersion].filter(Boolean).join(' ') || dash },
  { label: 'Model', sort: 'model', render: (d) => [d.vendor, d.model].filter(Boolean).join(' ') || dash },
  { label: 'User', sort: 'user', render: (d) => d.primaryUser ?? dash },
  {
    label: 'Asset',
    sort: 'assetTag',
    render: (d) =>
      d.assetId ? <a href={`/assets/${d.assetId}`}>{d.assetTag}</a> : <span class="muted">unlinked</span>,
  },
  {
    label: 'Security updates',
    sort: 'pendingSecurityUpdates',
    numeric: true,
    render: (d) => count(d.pendingSecurityUpdates),
  },
  { label: 'Last seen', sort: 'lastSeenAt', render: (d) => <time dateTime={d.lastSeenAt}>{ago(d.lastSeenAt)}</time> },
];

export function DevicesPage() {
  return (
    <>
      <h1>Devices</h1>
      <ListView
        caption="Devices"
        what="devices"
        path="/api/v1/devices"
        order="devices"
        filters={filters}
        columns={columns}
        rowKey={(d) => d.id}
        csv={{ path: '/api/v1/devices', filtered: true }}
      />
    </>
  );
}

export function DeviceDetailPage({ id }: { id: string }) {
  const device = useLoad(() => api.get<DeviceDetail>(`/api/v1/devices/${encodeURIComponent(id)}`), id);
  if (device.error) return <ErrorMessage error={device.error} />;
  const d = device.data;
  if (!d) return <Loading what="the device" />;
  return (
    <>
      <p class="crumbs">
        <a href="/devices">Devices</a> ›
      </p>
      <h1>{d.hostname}</h1>
      <Presence device={d} onRefreshed={device.reload} />
      <div class="grid">
        <Section title="Identity">
          <Facts
            items={[
              ['Serial', d.hardwareSerial],
              ['Hardware UUID', d.hardwareUuid],
              ['MAC addresses', d.macs.join(', ') || dash],
              ['User', d.primaryUser],
              ['Agent version', d.agentVersion],
              ['First seen', dateTime(d.firstSeenAt)],
              ['Last seen', dateTime(d.lastSeenAt)],
            ]}
          />
        </Section>
        <Section title="Hardware">
          <Facts
            items={[
              ['Vendor', d.vendor],
              ['Model', d.model],
              ['Chassis', d.chassisType],
              [
                'Processor',
                d.cpuModel ? `${d.cpuModel} (${d.cpuCores ?? '?'} cores, ${d.cpuThreads ?? '?'} threads)` : dash,
              ],
              ['Memory', bytes(d.memoryBytes)],
            ]}
          />
          <Components device={d} />
        </Section>
        <Section title="Operating system">
          <Facts
            items={[
              ['Name', d.osName],
              ['Version', d.osVersion],
              ['Build', d.osBuild],
              ['Kernel', d.kernel],
              ['Architecture', d.arch],
            ]}
          />
        </Section>
        <LinkedAsset device={d} onChanged={device.reload} />
      </div>
      <Patches device={d} />
      <Software device={d} />
      <Section title="Open findings">
        <FindingList findings={d.findings} onChanged={device.reload} />
      </Section>
      <Timeline deviceId={d.id} />
    </>
  );
}

function Presence({ device, onRefreshed }: { device: DeviceDetail; onRefreshed(): void }) {
  const canWrite = useCanWrite();
  const refresh = useAction(async () => {
    const accepted = await api.post<RefreshAccepted>(`/api/v1/devices/${device.id}/refresh`);
    // The agent answers with a snapshot within seconds; show it when it has landed.
    setTimeout(onRefreshed, 3000);
    return `Inventory requested from the agent (request ${accepted.requestId}).`;
  });
  return (
    <div class="presence">
      <span class={device.online ? 'badge ok' : 'badge'}>{device.online ? 'Online' : 'Offline'}</span>
      <span class="muted">
        {device.online ? 'Live channel open' : 'No live channel'}; last heartbeat {ago(device.lastHeartbeatAt)}
      </span>
      {canWrite && (
        <button type="button" onClick={() => void refresh.start()} disabled={!device.online || refresh.busy}>
          Inventory now
        </button>
      )}
      <Status done={refresh.done} />
      <ErrorMessage error={refresh.error} />
    </div>
  );
}

function Components({ device }: { device: DeviceDetail }) {
  if (device.components.length === 0) return null;
  return (
    <table class="compact">
      <caption>Components</caption>
      <thead>
        <tr>
          <th scope="col">Kind</th>
          <th scope="col">Model</th>
          <th scope="col">Serial</th>
          <th scope="col">Size</th>
        </tr>
      </thead>
      <tbody>
        {device.components.map((c) => (
          <tr key={`${c.kind}:${c.key}`}>
            <td>{c.kind}</td>
            <td>{[c.vendor, c.model, c.label].filter(Boolean).join(' ') || dash}</td>
            <td>{c.serial ?? dash}</td>
            <td>{bytes(c.sizeBytes)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Patches({ device }: { device: DeviceDetail }) {
  const patches = (device.patches ?? {}) as PatchState;
  const pending = patches.pending ?? [];
  const security = pending.filter((p) => p.security);
  return (
    <Section title="Patch state">
      <Facts
        items={[
          ['Pending updates', count(device.pendingUpdates)],
          ['Pending security updates', count(device.pendingSecurityUpdates)],
          ['Reboot pending', patches.rebootPending === undefined ? dash : patches.rebootPending ? 'yes' : 'no'],
          ['Last package change', dateTime(patches.lastPackageChange)],
        ]}
      />
      {security.length > 0 && (
        <table class="compact">
          <caption>Pending security updates</caption>
          <thead>
            <tr>
              <th scope="col">Package</th>
              <th scope="col">Installed</th>
              <th scope="col">Available</th>
              <th scope="col">From</th>
            </tr>
          </thead>
          <tbody>
            {security.map((p) => (
              <tr key={`${p.name}:${p.availableVersion ?? ''}`}>
                <td>{p.name}</td>
                <td>{p.installedVersion ?? dash}</td>
                <td>{p.availableVersion ?? dash}</td>
                <td>{p.origin ?? dash}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Section>
  );
}

/** An install's key as both the device and its usage name it: usage is kept per source, name and arch. */
const installKey = (s: { source: string; name: string; arch?: string | null }) =>
  `${s.source}:${s.name}:${s.arch ?? ''}`;

/** "2026-11-02, used" or "never, unused"; "unknown" where the device has no usage source that can tell. */
function lastUse(use: DeviceUsageView['items'][number] | undefined): string {
  if (!use || use.class === 'unknown') return 'unknown';
  return `${use.lastUsed ?? 'never'}, ${use.class.replace('_', ' ')}`;
}

function Software({ device }: { device: DeviceDetail }) {
  const [filter, setFilter] = useState('');
  // Last use comes from the device's usage sources, read beside the detail: a device that never sent usage shows "unknown".
  const usage = useLoad(() => api.get<DeviceUsageView>(`/api/v1/devices/${device.id}/usage`), device.id);
  const useByInstall = useMemo(
    () => new Map((usage.data?.items ?? []).map((item) => [installKey(item), item])),
    [usage.data],
  );
  const shown = useMemo(() => {
    const f = filter.trim().toLowerCase();
    return f
      ? device.software.filter((s) => `${s.name} ${s.version} ${s.publisher ?? ''}`.toLowerCase().includes(f))
      : device.software;
  }, [device.software, filter]);
  return (
    <Section title={`Software (${device.software.length})`}>
      <TextFilter label="Filter software" value={filter} onCommit={setFilter} />
      {usage.data?.sources === null && (
        <p class="muted">This device has sent no usage: metering is off or its agent predates it.</p>
      )}
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must take focus (WCAG 2.1.1) */}
      <section class="table-wrap scroll" tabIndex={0} aria-label="Installed software">
        <table class="compact">
          <caption class="visually-hidden">Installed software</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Version</th>
              <th scope="col">Publisher</th>
              <th scope="col">Source</th>
              <th scope="col">Last used</th>
            </tr>
          </thead>
          <tbody>
            {shown.slice(0, 500).map((s) => (
              <tr key={`${s.source}:${s.name}:${s.version}:${s.arch ?? ''}`}>
                <td>{s.name}</td>
                <td>{s.version}</td>
                <td>{s.publisher ?? dash}</td>
                <td>{s.source}</td>
                <td>{usage.data ? lastUse(useByInstall.get(installKey(s))) : dash}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      {shown.length > 500 && <p class="muted">Showing 500 of {shown.length}; filter to narrow.</p>}
    </Section>
  );
}

function LinkedAsset({ device, onChanged }: { device: DeviceDetail; onChanged(): void }) {
  const canWrite = useCanWrite();
  const [search, setSearch] = useState('');
  const [choice, setChoice] = useState('');
  const candidates = useLoad(
    () =>
      search.trim()
        ? api.get<AssetPage>('/api/v1/assets', { q: search.trim(), limit: 20 })
        : Promise.resolve({ items: [] as Asset[], nextCursor: null }),
    search,
  );
  const link = useAction(async () => {
    await api.post(`/api/v1/devices/${device.id}/link`, { assetId: choice });
    onChanged();
    return 'Linked.';
  });
  const unlink = useAction(async () => {
    await api.delete(`/api/v1/devices/${device.id}/link`);
    onChanged();
    return 'Unlinked.';
  });
  return (
    <Section title="Register asset">
      {device.asset ? (
        <Facts
          items={[
            ['Asset', <a href={`/assets/${device.asset.id}`}>{device.asset.assetTag}</a>],
            ['Name', device.asset.name],
            ['Status', words(device.asset.status)],
            ['Assigned to', device.asset.assigneeName],
            ['Location', device.asset.location],
            [
              'Linked by',
              device.link ? `${device.link.linkedBy} (${device.link.method}) on ${day(device.link.linkedAt)}` : dash,
            ],
          ]}
        />
      ) : (
        <p class="muted">Not linked to the register.</p>
      )}
      {canWrite && device.asset && (
        <button type="button" onClick={() => void unlink.start()} disabled={unlink.busy}>
          Unlink
        </button>
      )}
      {canWrite && !device.asset && (
        <form
          class="inline"
          onSubmit={(e) => {
            e.preventDefault();
            if (choice) void link.start();
          }}
        >
          <TextFilter label="Find an asset (tag, serial, name)" value={search} onCommit={setSearch} />
          <SelectFilter
            label="Asset"
            value={choice}
            anyLabel="Choose…"
            options={(candidates.data?.items ?? []).map((a) => ({
              value: a.id,
              label: `${a.assetTag}${a.name ? ` · ${a.name}` : ''}${a.serial ? ` · ${a.serial}` : ''}`,
            }))}
            onChange={setChoice}
          />
          <button type="submit" disabled={!choice || link.busy}>
            Link to asset
          </button>
        </form>
      )}
      <Status done={link.done ?? unlink.done} />
      <ErrorMessage error={link.error ?? unlink.error} />
    </Section>
  );
}

/** A change in words: what happened to what, from what to what. */
export function describeChange(c: DeviceChange): string {
  const value = (v: unknown): string => {
    if (v === undefined || v === null) return '';
    if (typeof v === 'string' || typeof v === 'number') return String(v);
    if (Array.isArray(v)) return v.join(', ');
    const o = v as Record<string, unknown>;
    return String(o.version ?? o.model ?? o.name ?? o.value ?? JSON.stringify(v));
  };
  const before = value(c.before);
  const after = value(c.after);
  if (before && after) return `${c.subject}: ${before} → ${after}`;
  if (after) return `${c.subject} ${after}`;
  if (before) return `${c.subject} (was ${before})`;
  return c.subject;
}

function Timeline({ deviceId }: { deviceId: string }) {
  const [kind, setKind] = useState('');
  const changes = usePagedList<DeviceChange>(`/api/v1/devices/${deviceId}/changes`, { kind }, 25);
  return (
    <Section title="Change history">
      <SelectFilter label="Kind of change" value={kind} options={CHANGE_KINDS} onChange={setKind} />
      <ErrorMessage error={changes.error} />
      <ol class="timeline">
        {(changes.data?.items ?? []).map((c) => (
          <li key={c.id}>
            <time dateTime={c.observedAt}>{dateTime(c.observedAt)}</time> <strong>{words(c.kind)}</strong>{' '}
            {describeChange(c)}
          </li>
        ))}
      </ol>
      <Pager
        pageNumber={changes.pageNumber}
        hasNext={Boolean(changes.data?.nextCursor)}
        onNext={changes.next}
        onPrevious={changes.previous}
        loading={changes.loading}
      />
    </Section>
  );
}
