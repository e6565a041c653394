import type { AssetImportOutcome, ImportJob, LicenseImportOutcome } from '@stocktake/shared/api';
import { IMPORT_JOBS_PATH } from '@stocktake/shared/api/vocabulary';
import { useState } from 'preact/hooks';
import { ApiError, api } from '../api.ts';
import { ErrorMessage, Section, Status } from '../ui.tsx';

type Outcome = AssetImportOutcome | LicenseImportOutcome;
type Row = { line: number };

const label = (row: Row) => {
  const r = row as Row & { assetTag?: string; product?: string; orderNumber?: string | null };
  return r.assetTag ?? [r.product, r.orderNumber].filter(Boolean).join(' / ');
};

/** A large file is imported as a job (202): follow it until it is done. */
async function settle(answer: Outcome | ImportJob): Promise<Outcome> {
  if (!('id' in answer && 'state' in answer)) return answer;
  let job = answer;
  while (job.state === 'queued' || job.state === 'running') {
    await new Promise((r) => setTimeout(r, 1000));
    job = await api.get<ImportJob>(`${IMPORT_JOBS_PATH}/${job.id}`);
  }
  if (job.state === 'failed' || !job.result) throw new ApiError(job.problem?.status ?? 422, job.problem);
  return job.result as Outcome;
}

/**
 * CSV import in two steps: a dry run shows what would change, or every refused line, and
 * nothing is written until the person imports the same file.
 */
export function ImportPanel({ path, what, onImported }: { path: string; what: string; onImported?: () => void }) {
  const [file, setFile] = useState<File | null>(null);
  const [preview, setPreview] = useState<Outcome | null>(null);
  const [done, setDone] = useState<string>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const send = async (dryRun: boolean) => {
    if (!file) return;
    setBusy(true);
    setError(undefined);
    setDone(undefined);
    try {
      const outcome = await settle(await api.upload<Outcome | ImportJob>(path, file, { dryRun }));
      if (dryRun) setPreview(outcome);
      else {
        setPreview(null);
        setDone(
          `Imported ${outcome.rows} rows: ${outcome.created.length} created, ${outcome.updated.length} updated, ${outcome.unchanged.length} unchanged.`,
        );
        onImported?.();
      }
    } catch (err) {
      setPreview(null);
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Section title={`Import ${what} from CSV`}>
      <form
        class="inline"
        onSubmit={(e) => {
          e.preventDefault();
          void send(true);
        }}
      >
        <span class="field">
          <label for={`import-${what}`}>CSV file</label>
          <input
            id={`import-${what}`}
            type="file"
            accept=".csv,text/csv"
            onChange={(e) => {
              setFile(e.currentTarget.files?.[0] ?? null);
              setPreview(null);
              setError(undefined);
              setDone(undefined);
            }}
          />
        </span>
        <button type="submit" disabled={!file || busy}>
          Preview (dry run)
        </button>
        <button type="button" class="primary" disabled={!file || busy || !preview} onClick={() => void send(false)}>
          Import
        </button>
      </form>
      <Status done={done} />
      {error ? (
        <>
          <p>The file was refused; nothing was written.</p>
          <ErrorMessage error={error} />
        </>
      ) : null}
      {preview && (
        <div class="preview">
          <p>
            Dry run: {preview.rows} rows; {preview.created.length} to create, {preview.updated.length} to update,{' '}
            {preview.unchanged.length} unchanged. Read as {preview.detected.encoding}, {preview.detected.delimiter}{' '}
            separated.
          </p>
          {preview.warnings.map((w) => (
            <p class="notice" key={w}>
              {w}
            </p>
          ))}
          {preview.ignoredColumns.length > 0 && (
            <p class="muted">Columns not used: {preview.ignoredColumns.join(', ')}</p>
          )}
          <ul class="preview-list">
            {preview.created.map((r) => (
              <li key={`c${r.line}`}>
                Line {r.line}: create {label(r)}
              </li>
            ))}
            {preview.updated.map((r) => (
              <li key={`u${r.line}`}>
                Line {r.line}: update {label(r)} ({r.changes.map((c) => c.field).join(', ')})
              </li>
            ))}
          </ul>
        </div>
      )}
    </Section>
  );
}
