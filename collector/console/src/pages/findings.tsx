import type { Finding, FindingDetail, FindingStatusChange, FindingTypeCatalogue } from '@stocktake/shared/api';
import { FINDING_SEVERITIES, FINDING_STATUSES } from '@stocktake/shared/api/vocabulary';
import { useMemo, useState } from 'preact/hooks';
import { api } from '../api.ts';
import { dateTime, words } from '../format.ts';
import { type ListFilter, type ListSelection, ListView } from '../list.tsx';
import { useCanWrite } from '../session.tsx';
import { type Column, ErrorMessage, Facts, Loading, Section, Status, TextFilter, useAction, useLoad } from '../ui.tsx';

/** `lastSeenAt` → `last seen at`. */
const spoken = (key: string) =>
  key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replaceAll('_', ' ')
    .toLowerCase();

function spokenValue(value: unknown): string {
  if (value === null || value === undefined || value === '') return 'not known';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (Array.isArray(value)) return value.length ? value.map(spokenValue).join(', ') : 'none';
  if (typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => `${spoken(k)} ${spokenValue(v)}`)
      .join(', ');
  }
  return String(value);
}

/** A finding's evidence as sentences a person reads: "Asset tag is LAP-0042." */
export function evidenceSentences(evidence: Finding['evidence']): string[] {
  const sentence = (k: string, v: unknown) => {
    const text = `${spoken(k)} ${Array.isArray(v) ? 'are' : 'is'} ${spokenValue(v)}.`;
    return text.charAt(0).toUpperCase() + text.slice(1);
  };
  return [
    ...Object.entries(evidence.facts).map(([k, v]) => sentence(k, v)),
    ...Object.entries(evidence.observed).map(([k, v]) => `${sentence(k, v).slice(0, -1)} (as of the last run).`),
  ];
}

const subjectLink = (f: Finding) => {
  const ref = f.refs[0];
  if (!ref) return words(f.subject.kind);
  const base = ref.kind === 'device' ? '/devices' : ref.kind === 'asset' ? '/assets' : '/licenses';
  return <a href={`${base}/${ref.id}`}>{`${ref.kind} ${ref.id.slice(0, 8)}`}</a>;
};

/** Acknowledge, snooze or reopen the findings given, one after the other, with one comment. */
function useFindingChange(onChanged: () => void) {
  return useAction(async (ids: number[], change: FindingStatusChange) => {
    for (const id of ids) await api.patch(`/api/v1/findings/${id}`, change);
    onChanged();
    const done = { acknowledge: 'Acknowledged', snooze: 'Snoozed', reopen: 'Reopened' }[change.action];
    return `${done} ${ids.length} finding${ids.length === 1 ? '' : 's'}.`;
  });
}

function ChangeControls({ ids, onChanged, label }: { ids: number[]; onChanged(): void; label: string }) {
  const [comment, setComment] = useState('');
  const [until, setUntil] = useState(() => new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10));
  const change = useFindingChange(onChanged);
  const run = (action: FindingStatusChange['action']) =>
    void change.start(ids, {
      action,
      ...(comment.trim() ? { comment: comment.trim() } : {}),
      ...(action === 'snooze' ? { until: new Date(`${until}T00:00:00Z`).toISOString() } : {}),
    });
  return (
    <fieldset class="bulk">
      <legend class="visually-hidden">{label}</legend>
      <TextFilter label="Comment" type="text" value={comment} onCommit={setComment} />
      <button type="button" disabled={!ids.length || change.busy} onClick={() => run('acknowledge')}>
        Acknowledge
      </button>
      <span class="field">
        <label for={`until-${label}`}>Snooze until</label>
        <input id={`until-${label}`} type="date" value={until} onInput={(e) => setUntil(e.currentTarget.value)} />
      </span>
      <button type="button" disabled={!ids.length || change.busy} onClick={() => run('snooze')}>
        Snooze
      </button>
      <button type="button" disabled={!ids.length || change.busy} onClick={() => run('reopen')}>
        Reopen
      </button>
      <Status done={change.done} />
      <ErrorMessage error={change.error} />
    </fieldset>
  );
}

/** Findings as a device or asset page shows them, each with its evidence and its own controls. */
export function FindingList({ findings, onChanged }: { findings: Finding[]; onChanged(): void }) {
  const canWrite = useCanWrite();
  if (findings.length === 0) return <p class="muted">None open.</p>;
  return (
    <ul class="findings">
      {findings.map((f) => (
        <li key={f.id}>
          <p>
            <span class={`sev sev-${f.severity}`}>{f.severity}</span> <strong>{words(f.type)}</strong> ({f.status}):{' '}
            <a href={`/findings/${f.id}`}>{f.summary}</a>
          </p>
          <ul class="evidence">
            {evidenceSentences(f.evidence).map((s) => (
              <li key={s}>{s}</li>
            ))}
          </ul>
          {canWrite && <ChangeControls ids={[f.id]} onChanged={onChanged} label={`Finding ${f.id}`} />}
        </li>
      ))}
    </ul>
  );
}

const columns: Column<Finding>[] = [
  { label: 'Severity', sort: 'severity', render: (f) => <span class={`sev sev-${f.severity}`}>{f.severity}</span> },
  { label: 'Type', sort: 'type', render: (f) => words(f.type) },
  { label: 'Status', render: (f) => f.status },
  { label: 'Summary', render: (f) => <a href={`/findings/${f.id}`}>{f.summary}</a> },
  { label: 'About', render: subjectLink },
  { label: 'Opened', sort: 'openedAt', render: (f) => dateTime(f.openedAt) },
];

const bulkChange: ListSelection<Finding> = {
  label: (f) => `finding ${f.id}: ${f.summary}`,
  actions: (keys, done) => <ChangeControls ids={keys.map(Number)} onChanged={done} label="Selected findings" />,
};

export function FindingsPage() {
  const canWrite = useCanWrite();
  const types = useLoad(() => api.get<FindingTypeCatalogue>('/api/v1/findings/types'), 'types');
  const filters = useMemo<ListFilter[]>(
    () => [
      { kind: 'text', key: 'q', label: 'Search' },
      { kind: 'select', key: 'type', label: 'Type', options: (types.data?.items ?? []).map((t) => t.type) },
      { kind: 'select', key: 'severity', label: 'Severity', options: FINDING_SEVERITIES },
      { kind: 'select', key: 'status', label: 'State', options: FINDING_STATUSES, anyLabel: 'Unresolved' },
    ],
    [types.data],
  );
  return (
    <>
      <h1>Findings</h1>
      <ListView
        caption="Findings"
        what="findings"
        path="/api/v1/findings"
        order="findings"
        filters={filters}
        columns={columns}
        rowKey={(f) => String(f.id)}
        {...(canWrite ? { selection: bulkChange } : {})}
      />
    </>
  );
}

export function FindingDetailPage({ id }: { id: string }) {
  const canWrite = useCanWrite();
  const finding = useLoad(() => api.get<FindingDetail>(`/api/v1/findings/${encodeURIComponent(id)}`), id);
  if (finding.error) return <ErrorMessage error={finding.error} />;
  const f = finding.data;
  if (!f) return <Loading what="the finding" />;
  return (
    <>
      <p class="crumbs">
        <a href="/findings">Findings</a> ›
      </p>
      <h1>{f.summary}</h1>
      <Section title="Finding">
        <Facts
          items={[
            ['Type', words(f.type)],
            ['Severity', f.severity],
            ['State', f.status],
            ['About', subjectLink(f)],
            ['First seen', dateTime(f.firstSeenAt)],
            ['Opened', dateTime(f.openedAt)],
            ['Occurrences', String(f.occurrences)],
            ['Last changed by', `${f.statusChangedBy} on ${dateTime(f.statusChangedAt)}`],
          ]}
        />
      </Section>
      <Section title="Evidence">
        <ul class="evidence">
          {evidenceSentences(f.evidence).map((s) => (
            <li key={s}>{s}</li>
          ))}
        </ul>
      </Section>
      {canWrite && <ChangeControls ids={[f.id]} onChanged={finding.reload} label={`Finding ${f.id}`} />}
      <Section title="History">
        <ol class="timeline">
          {f.history.map((e) => (
            <li key={e.id}>
              <time dateTime={e.at}>{dateTime(e.at)}</time> <strong>{words(e.kind)}</strong> by {e.actor}
              {e.comment ? `: ${e.comment}` : ''}
            </li>
          ))}
        </ol>
      </Section>
    </>
  );
}
