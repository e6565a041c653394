import type {
  Asset,
  AssetCreate,
  AssetDetail,
  AssetStatus,
  AssetUpdate,
  AuditEntry,
  Disposal,
} from '@stocktake/shared/api';
import { ASSET_STATUSES, ASSET_TRANSITIONS, SANITIZATION_METHODS } from '@stocktake/shared/api/vocabulary';
import { useState } from 'preact/hooks';
import { useLocation } from 'preact-iso/router';
import { api } from '../api.ts';
import { count, dash, dateTime, day, money, words } from '../format.ts';
import { type ListFilter, ListView } from '../list.tsx';
import { useCanWrite } from '../session.tsx';
import {
  type Column,
  ErrorMessage,
  Facts,
  Loading,
  Section,
  SelectFilter,
  Status,
  TextFilter,
  useAction,
  useLoad,
} from '../ui.tsx';
import { FindingList } from './findings.tsx';
import { ImportPanel } from './import.tsx';

const columns: Column<Asset>[] = [
  { label: 'Asset tag', sort: 'assetTag', render: (a) => <a href={`/assets/${a.id}`}>{a.assetTag}</a> },
  { label: 'Name', sort: 'name', render: (a) => a.name ?? dash },
  { label: 'Status', sort: 'status', render: (a) => words(a.status) },
  { label: 'Serial', sort: 'serial', render: (a) => a.serial ?? dash },
  { label: 'Model', sort: 'model', render: (a) => [a.manufacturer, a.model].filter(Boolean).join(' ') || dash },
  { label: 'Assigned to', sort: 'assignee', render: (a) => a.assigneeName ?? dash },
  { label: 'Location', sort: 'location', render: (a) => a.location ?? dash },
  { label: 'Warranty ends', sort: 'warrantyEnd', render: (a) => day(a.warrantyEnd) },
];

const filters: ListFilter[] = [
  { kind: 'text', key: 'q', label: 'Search' },
  { kind: 'select', key: 'status', label: 'Status', options: ASSET_STATUSES },
  {
    kind: 'select',
    key: 'linked',
    label: 'Devices',
    options: [
      { value: 'true', label: 'linked' },
      { value: 'false', label: 'none linked' },
    ],
  },
  { kind: 'text', key: 'location', label: 'Location' },
];

export function AssetsPage() {
  const canWrite = useCanWrite();
  return (
    <>
      <h1>Assets</h1>
      {canWrite && (
        <p class="actions">
          <a class="button" href="/assets/new">
            New asset
          </a>{' '}
          <a class="button" href="/assets/import">
            Import CSV
          </a>
        </p>
      )}
      <ListView
        caption="Assets"
        what="assets"
        path="/api/v1/assets"
        order="assets"
        filters={filters}
        columns={columns}
        rowKey={(a) => a.id}
        csv={{ path: '/api/v1/assets/export.csv', filtered: false }}
      />
    </>
  );
}

export function AssetImportPage() {
  return (
    <>
      <p class="crumbs">
        <a href="/assets">Assets</a> ›
      </p>
      <h1>Import assets</h1>
      <p>
        A Snipe-IT asset export or Custom Asset Report. The import is all or nothing: preview it first; a refused file
        names every line that needs fixing.
      </p>
      <ImportPanel path="/api/v1/assets/import" what="assets" />
    </>
  );
}

/** A change in the audit log, in words. */
function describeAudit(e: AuditEntry): string {
  const fields = (v: unknown) => (v && typeof v === 'object' ? (v as Record<string, unknown>) : {});
  const before = fields(e.before);
  const after = fields(e.after);
  const changed = [...new Set([...Object.keys(before), ...Object.keys(after)])]
    .map((k) => `${k}: ${show(before[k])} → ${show(after[k])}`)
    .join('; ');
  return `${words(e.action)} by ${e.actor}${changed ? ` (${changed})` : ''}${e.context ? `, ${e.context}` : ''}`;
}
const show = (v: unknown) =>
  v === undefined || v === null ? dash : typeof v === 'object' ? JSON.stringify(v) : String(v);

export function AssetDetailPage({ id }: { id: string }) {
  const canWrite = useCanWrite();
  const asset = useLoad(() => api.get<AssetDetail>(`/api/v1/assets/${encodeURIComponent(id)}`), id);
  if (asset.error) return <ErrorMessage error={asset.error} />;
  const a = asset.data;
  if (!a) return <Loading what="the asset" />;
  return (
    <>
      <p class="crumbs">
        <a href="/assets">Assets</a> ›
      </p>
      <h1>
        {a.assetTag} {a.name ? `· ${a.name}` : ''}
      </h1>
      <p>
        <span class="badge">{words(a.status)}</span>{' '}
        {canWrite && (
          <a class="button" href={`/assets/${a.id}/edit`}>
            Edit
          </a>
        )}
      </p>
      <div class="grid">
        <Section title="Asset">
          <Facts
            items={[
              ['Serial', a.serial],
              ['Host name', a.hostname],
              ['Model', [a.manufacturer, a.model, a.modelNumber].filter(Boolean).join(' ') || dash],
              ['Category', a.category],
              ['Assigned to', [a.assigneeName, a.assigneeEmail].filter(Boolean).join(', ') || dash],
              ['Department', a.assigneeDepartment],
              ['Location', a.location],
              ['Cost centre', a.costCenter],
            ]}
          />
        </Section>
        <Section title="Purchase">
          <Facts
            items={[
              ['Supplier', a.supplier],
              ['Order number', a.orderNumber],
              ['Purchased', day(a.purchaseDate)],
              ['Cost', money(a.purchaseCost)],
              ['Warranty ends', day(a.warrantyEnd)],
              ['End of life', day(a.expectedEndOfLife)],
            ]}
          />
        </Section>
        <Section title="Devices">
          {a.devices.length === 0 ? (
            <p class="muted">No device linked.</p>
          ) : (
            <ul>
              {a.devices.map((d) => (
                <li key={d.deviceId}>
                  <a href={`/devices/${d.deviceId}`}>{d.hostname}</a> ({d.method}, last seen {dateTime(d.lastSeenAt)})
                </li>
              ))}
            </ul>
          )}
        </Section>
      </div>
      {canWrite && <StatusChange asset={a} onChanged={asset.reload} />}
      <Section title="Lifecycle">
        <ol class="timeline">
          {a.statusEvents.map((e) => (
            <li key={e.id}>
              <time dateTime={e.at}>{dateTime(e.at)}</time> {e.from ? `${words(e.from)} → ` : ''}
              <strong>{words(e.to)}</strong> by {e.actor}
              {e.note ? `: ${e.note}` : ''}
              {e.disposal &&
                ` (${e.disposal.method}, certificate ${e.disposal.certificateRef}, by ${e.disposal.vendor} on ${e.disposal.date})`}
            </li>
          ))}
        </ol>
      </Section>
      <Section title="Open findings">
        <FindingList findings={a.findings} onChanged={asset.reload} />
      </Section>
      <Section title="Audit history">
        <ol class="timeline" aria-label="Audit entries">
          {a.history.map((e) => (
            <li key={e.id}>
              <time dateTime={e.at}>{dateTime(e.at)}</time> {describeAudit(e)}
            </li>
          ))}
        </ol>
      </Section>
    </>
  );
}

/** Moves the asset along its lifecycle: only the moves the register allows, and disposal with its record. */
function StatusChange({ asset, onChanged }: { asset: AssetDetail; onChanged(): void }) {
  const allowed = ASSET_TRANSITIONS[asset.status];
  const [to, setTo] = useState<AssetStatus | ''>('');
  const [note, setNote] = useState('');
  const [disposal, setDisposal] = useState<Disposal>({
    method: 'purge',
    certificateRef: '',
    vendor: '',
    date: new Date().toISOString().slice(0, 10),
  });
  const change = useAction(async () => {
    if (!to) return undefined;
    const body: AssetUpdate = {
      status: to,
      ...(note.trim() ? { statusNote: note.trim() } : {}),
      ...(to === 'disposed' ? { disposal } : {}),
    };
    await api.patch(`/api/v1/assets/${asset.id}`, body);
    setTo('');
    onChanged();
    return `Moved to ${words(to)}.`;
  });
  if (allowed.length === 0) {
    return (
      <Section title="Change status">
        <Status done={change.done} />
        <p class="muted">
          {words(asset.status)} is final: only an administrator's correction through the API moves it.
        </p>
      </Section>
    );
  }
  return (
    <Section title="Change status">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void change.start();
        }}
      >
        <div class="inline">
          <SelectFilter
            label="New status"
            value={to}
            anyLabel="Choose…"
            options={allowed}
            onChange={(v) => setTo(v as AssetStatus | '')}
          />
          <TextFilter label="Why" type="text" value={note} onCommit={setNote} />
        </div>
        {to === 'disposed' && (
          <fieldset>
            <legend>Disposal record (NIST SP 800-88)</legend>
            <SelectFilter
              label="Sanitisation method"
              value={disposal.method}
              anyLabel={null}
              options={SANITIZATION_METHODS}
              onChange={(method) => setDisposal({ ...disposal, method: method as Disposal['method'] })}
            />
            <Input
              label="Certificate reference"
              value={disposal.certificateRef}
              required
              onInput={(certificateRef) => setDisposal({ ...disposal, certificateRef })}
            />
            <Input
              label="Vendor"
              value={disposal.vendor}
              required
              onInput={(vendor) => setDisposal({ ...disposal, vendor })}
            />
            <Input
              label="Date"
              type="date"
              value={disposal.date}
              required
              onInput={(date) => setDisposal({ ...disposal, date })}
            />
          </fieldset>
        )}
        <button type="submit" class="primary" disabled={!to || change.busy}>
          Change status
        </button>
      </form>
      <Status done={change.done} />
      <ErrorMessage error={change.error} />
    </Section>
  );
}

function Input({
  label,
  value,
  onInput,
  type = 'text',
  required = false,
}: {
  label: string;
  value: string;
  onInput(value: string): void;
  type?: 'text' | 'date';
  required?: boolean;
}) {
  const id = `i-${label.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
  return (
    <span class="field">
      <label for={id}>{label}</label>
      <input
        id={id}
        type={type as 'text'}
        value={value}
        required={required}
        onInput={(e) => onInput(e.currentTarget.value)}
      />
    </span>
  );
}

/** The fields the form edits, with their labels; the rest are edited through the API or an import. */
const EDITABLE = [
  ['assetTag', 'Asset tag'],
  ['name', 'Name'],
  ['serial', 'Serial'],
  ['hostname', 'Host name'],
  ['manufacturer', 'Manufacturer'],
  ['model', 'Model'],
  ['category', 'Category'],
  ['assigneeName', 'Assigned to'],
  ['assigneeEmail', 'Their e-mail'],
  ['location', 'Location'],
  ['costCenter', 'Cost centre'],
  ['supplier', 'Supplier'],
  ['orderNumber', 'Order number'],
  ['purchaseDate', 'Purchase date'],
  ['warrantyEnd', 'Warranty ends'],
  ['notes', 'Notes'],
] as const;
type Editable = (typeof EDITABLE)[number][0];
const DATES: readonly Editable[] = ['purchaseDate', 'warrantyEnd'];

export function AssetEditPage({ id }: { id?: string }) {
  const location = useLocation();
  const existing = useLoad(
    () => (id ? api.get<AssetDetail>(`/api/v1/assets/${encodeURIComponent(id)}`) : Promise.resolve(undefined)),
    id ?? 'new',
  );
  if (existing.error) return <ErrorMessage error={existing.error} />;
  if (id && !existing.data) return <Loading what="the asset" />;
  return <AssetForm asset={existing.data} onSaved={(saved) => location.route(`/assets/${saved}`)} />;
}

function AssetForm({ asset, onSaved }: { asset: AssetDetail | undefined; onSaved(id: string): void }) {
  const initial = Object.fromEntries(EDITABLE.map(([k]) => [k, String(asset?.[k] ?? '')])) as Record<Editable, string>;
  const [values, setValues] = useState(initial);
  const [status, setStatus] = useState<AssetStatus>('in_stock');
  const save = useAction(async () => {
    if (asset) {
      const changes: AssetUpdate = {};
      for (const [k] of EDITABLE) {
        if (values[k] === initial[k]) continue;
        (changes as Record<string, unknown>)[k] = values[k].trim() === '' ? null : values[k].trim();
      }
      await api.patch(`/api/v1/assets/${asset.id}`, changes);
      onSaved(asset.id);
    } else {
      const body: Record<string, unknown> = { status };
      for (const [k] of EDITABLE) if (values[k].trim()) body[k] = values[k].trim();
      const created = await api.post<Asset>('/api/v1/assets', body as AssetCreate);
      onSaved(created.id);
    }
    return 'Saved.';
  });
  return (
    <>
      <p class="crumbs">
        <a href="/assets">Assets</a> ›
      </p>
      <h1>{asset ? `Edit ${asset.assetTag}` : 'New asset'}</h1>
      <form
        class="form-grid"
        onSubmit={(e) => {
          e.preventDefault();
          void save.start();
        }}
      >
        {EDITABLE.map(([k, label]) => (
          <Input
            key={k}
            label={label}
            type={DATES.includes(k) ? 'date' : 'text'}
            value={values[k]}
            required={k === 'assetTag'}
            onInput={(v) => setValues({ ...values, [k]: v })}
          />
        ))}
        {!asset && (
          <SelectFilter
            label="Status"
            value={status}
            anyLabel={null}
            options={ASSET_STATUSES.filter((s) => s !== 'disposed')}
            onChange={(s) => setStatus(s as AssetStatus)}
          />
        )}
        <p>
          <button type="submit" class="primary" disabled={save.busy}>
            Save
          </button>
        </p>
      </form>
      <p class="muted">
        {asset
          ? `Status changes go through the asset page (${count(ASSET_TRANSITIONS[asset.status].length)} moves allowed from ${words(asset.status)}).`
          : ''}
      </p>
      <ErrorMessage error={save.error} />
    </>
  );
}
