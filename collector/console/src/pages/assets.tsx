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
import { useMemo, useState } from 'preact/hooks';
import { useLocation } from 'preact-iso/router';
import { api } from '../api.ts';
import { assetCreateSchema, assetUpdateSchema } from '../contract.ts';
import { count, dash, dateTime, day, money, words } from '../format.ts';
import { type ListFilter, ListView } from '../list.tsx';
import { FieldErrors, FieldErrorsContext, FormRefusal, labelOf, SchemaInput } from '../schema-form.tsx';
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

/** The asset fields the form writes: every writable field of the contract but the status and its record. */
export type AssetFormField = Exclude<
  keyof AssetCreate & keyof AssetUpdate,
  'status' | 'statusNote' | 'disposal' | 'correction' | 'unlockFields' | 'force'
>;

/** Each field's label; typed over the contract's fields, so a field added there must be placed here. */
export const ASSET_FIELD_LABELS: Record<AssetFormField, string> = {
  assetTag: 'Asset tag',
  name: 'Name',
  serial: 'Serial',
  hardwareUuid: 'Hardware UUID',
  macs: 'MAC addresses',
  hostname: 'Host name',
  manufacturer: 'Manufacturer',
  model: 'Model',
  modelNumber: 'Model number',
  category: 'Category',
  assigneeName: 'Assigned to',
  assigneeEmail: 'Their e-mail',
  assigneeUsername: 'Their user name',
  assigneeEmployeeNumber: 'Their employee number',
  assigneeDepartment: 'Their department',
  location: 'Location',
  costCenter: 'Cost centre',
  supplier: 'Supplier',
  orderNumber: 'Order number',
  purchaseDate: 'Purchase date',
  purchaseCost: 'Purchase cost',
  warrantyMonths: 'Warranty (months)',
  warrantyEnd: 'Warranty ends',
  expectedEndOfLife: 'Expected end of life',
  supportCost: 'Support contract cost',
  supportStart: 'Support starts',
  supportEnd: 'Support ends',
  notes: 'Notes',
};

/** The form's sections, in the order a person fills them in. */
export const ASSET_FORM_SECTIONS: { title: string; fields: readonly AssetFormField[] }[] = [
  {
    title: 'Identity',
    fields: [
      'assetTag',
      'name',
      'category',
      'manufacturer',
      'model',
      'modelNumber',
      'serial',
      'hardwareUuid',
      'hostname',
      'macs',
    ],
  },
  {
    title: 'Assignment',
    fields: [
      'assigneeName',
      'assigneeEmail',
      'assigneeUsername',
      'assigneeEmployeeNumber',
      'assigneeDepartment',
      'location',
      'costCenter',
    ],
  },
  {
    title: 'Purchase and warranty',
    fields: [
      'supplier',
      'orderNumber',
      'purchaseDate',
      'purchaseCost',
      'warrantyMonths',
      'warrantyEnd',
      'expectedEndOfLife',
    ],
  },
  { title: 'Support contract', fields: ['supportCost', 'supportStart', 'supportEnd'] },
  { title: 'Notes', fields: ['notes'] },
];
const MONEY: readonly AssetFormField[] = ['purchaseCost', 'supportCost'];

type AssetValues = Partial<Record<AssetFormField, unknown>>;

/** What the form sends: a new asset's filled fields, or an asset's changed fields (emptied: null). */
export function assetRequest(values: AssetValues, initial: AssetValues | undefined): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const k of Object.keys(ASSET_FIELD_LABELS) as AssetFormField[]) {
    const v = values[k];
    if (!initial) {
      if (v !== undefined) body[k] = typeof v === 'string' ? v.trim() : v;
    } else if (JSON.stringify(v) !== JSON.stringify(initial[k])) {
      body[k] = v === undefined ? null : typeof v === 'string' ? v.trim() : v;
    }
  }
  return body;
}

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
  const schema = asset ? assetUpdateSchema : assetCreateSchema;
  const initial = useMemo<AssetValues | undefined>(() => {
    if (!asset) return undefined;
    const values: AssetValues = {};
    for (const k of Object.keys(ASSET_FIELD_LABELS) as AssetFormField[]) {
      const v = asset[k];
      if (v !== null && !(Array.isArray(v) && v.length === 0)) values[k] = v;
    }
    return values;
  }, [asset]);
  const [values, setValues] = useState<AssetValues>(initial ?? {});
  const [status, setStatus] = useState<AssetStatus>('in_stock');
  const [statusNote, setStatusNote] = useState<string>();
  const [unlock, setUnlock] = useState<string[]>([]);
  const save = useAction(async () => {
    const body = assetRequest(values, initial);
    if (asset) {
      const changes = { ...body, ...(unlock.length ? { unlockFields: unlock } : {}) } as AssetUpdate;
      await api.patch(`/api/v1/assets/${asset.id}`, changes);
      onSaved(asset.id);
    } else {
      const created = await api.post<Asset>('/api/v1/assets', {
        ...body,
        status,
        ...(statusNote?.trim() ? { statusNote: statusNote.trim() } : {}),
      } as AssetCreate);
      onSaved(created.id);
    }
    return 'Saved.';
  });
  const field = (k: AssetFormField) => {
    const fieldSchema = schema.properties?.[k];
    if (!fieldSchema) return null;
    return (
      <SchemaInput
        key={k}
        schema={fieldSchema}
        path={`/${k}`}
        label={ASSET_FIELD_LABELS[k]}
        value={values[k]}
        onChange={(v) => setValues((all) => ({ ...all, [k]: v }))}
        required={k === 'assetTag'}
        money={MONEY.includes(k)}
        hint={k === 'macs' || k === 'warrantyMonths' || MONEY.includes(k)}
      />
    );
  };
  return (
    <>
      <p class="crumbs">
        <a href="/assets">Assets</a> ›
      </p>
      <h1>{asset ? `Edit ${asset.assetTag}` : 'New asset'}</h1>
      <FieldErrorsContext.Provider value={new FieldErrors(save.error)}>
        <form
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            void save.start();
          }}
        >
          {ASSET_FORM_SECTIONS.map((section) => (
            <fieldset key={section.title} class="form-grid">
              <legend>{section.title}</legend>
              {section.fields.map(field)}
              {section.title === 'Identity' && !asset && (
                <>
                  <SchemaInput
                    schema={assetCreateSchema.properties?.status ?? {}}
                    path="/status"
                    label="Status"
                    value={status}
                    required
                    hint={false}
                    onChange={(s) => setStatus((s as AssetStatus | undefined) ?? 'in_stock')}
                  />
                  <SchemaInput
                    schema={assetCreateSchema.properties?.statusNote ?? {}}
                    path="/statusNote"
                    label="Why this status"
                    value={statusNote}
                    hint={false}
                    onChange={(v) => setStatusNote(v as string | undefined)}
                  />
                </>
              )}
            </fieldset>
          ))}
          {asset && asset.lockedFields.length > 0 && (
            <fieldset class="form-grid">
              <legend>Set by hand</legend>
              <p class="muted">Discovery does not overwrite these; hand them back to have agents fill them in.</p>
              {asset.lockedFields.map((f) => (
                <label key={f}>
                  <input
                    type="checkbox"
                    checked={unlock.includes(f)}
                    onChange={(e) => setUnlock((u) => (e.currentTarget.checked ? [...u, f] : u.filter((x) => x !== f)))}
                  />{' '}
                  Hand {labelOf(f).toLowerCase()} back to discovery
                </label>
              ))}
            </fieldset>
          )}
          <FormRefusal />
          <p>
            <button type="submit" class="primary" disabled={save.busy}>
              Save
            </button>
          </p>
        </form>
      </FieldErrorsContext.Provider>
      <p class="muted">
        {asset
          ? `Status changes go through the asset page (${count(ASSET_TRANSITIONS[asset.status].length)} moves allowed from ${words(asset.status)}).`
          : 'A disposed asset is recorded from its page, with its disposal record.'}
      </p>
    </>
  );
}
