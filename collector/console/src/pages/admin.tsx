import type {
  ApiToken,
  ApiTokenList,
  CreatedApiToken,
  EnrollSecretList,
  EnrollSecretRotation,
  ReconciliationRun,
  StoredPolicy,
  User,
  UserList,
  UserWithPassword,
} from '@stocktake/shared/api';
import { API_ROLES } from '@stocktake/shared/api/vocabulary';
import { useState } from 'preact/hooks';
import { api } from '../api.ts';
import { dash, dateTime, words } from '../format.ts';
import { PolicyEditor } from '../policy-editor.tsx';
import { useCanWrite } from '../session.tsx';
import {
  type Column,
  DataTable,
  ErrorMessage,
  Loading,
  Pager,
  Section,
  SelectFilter,
  Status,
  useAction,
  useLoad,
  usePagedList,
} from '../ui.tsx';

export function AdminPage() {
  const canWrite = useCanWrite();
  return (
    <>
      <h1>Administration</h1>
      <Runs />
      {canWrite ? (
        <>
          <Users />
          <Tokens />
          <EnrollSecrets />
        </>
      ) : (
        <p class="muted">Users, API tokens and enroll secrets are for administrators.</p>
      )}
      <Policies />
    </>
  );
}

function Runs() {
  const canWrite = useCanWrite();
  const runs = usePagedList<ReconciliationRun>('/api/v1/reconciliations', {}, 10);
  const runNow = useAction(async () => {
    const run = await api.post<ReconciliationRun>('/api/v1/reconciliations');
    runs.reload();
    return `Run ${run.id} ${run.status} in ${run.durationMs ?? '?'} ms: ${run.counts?.totals.open ?? 0} findings unresolved.`;
  });
  const columns: Column<ReconciliationRun>[] = [
    { label: 'Run', render: (r) => String(r.id) },
    { label: 'Started', render: (r) => dateTime(r.startedAt) },
    { label: 'By', render: (r) => `${r.trigger} (${r.actor})` },
    { label: 'Status', render: (r) => (r.error ? `${r.status}: ${r.error}` : r.status) },
    { label: 'Took', numeric: true, render: (r) => (r.durationMs === null ? dash : `${r.durationMs} ms`) },
    {
      label: 'Findings',
      render: (r) =>
        r.counts
          ? `${r.counts.totals.opened} opened, ${r.counts.totals.resolved} resolved, ${r.counts.totals.open} unresolved`
          : dash,
    },
  ];
  return (
    <Section
      title="Reconciliation runs"
      actions={
        canWrite && (
          <button type="button" onClick={() => void runNow.start()} disabled={runNow.busy}>
            Run now
          </button>
        )
      }
    >
      <Status done={runNow.done} />
      <ErrorMessage error={runNow.error ?? runs.error} />
      <DataTable
        caption="Reconciliation runs"
        columns={columns}
        rows={runs.data?.items ?? []}
        rowKey={(r) => String(r.id)}
      />
      <Pager
        pageNumber={runs.pageNumber}
        hasNext={Boolean(runs.data?.nextCursor)}
        onNext={runs.next}
        onPrevious={runs.previous}
        loading={runs.loading}
      />
    </Section>
  );
}

/** A secret shown once: the person copies it now or never. */
function Secret({ label, value }: { label: string; value: string | undefined }) {
  if (!value) return null;
  return (
    <p class="notice" role="status">
      {label} (shown once, copy it now): <code>{value}</code>
    </p>
  );
}

type Role = User['role'];

/** Users and API tokens are both made from a name and a role; the name is cleared once made. */
function NameAndRoleForm(props: {
  id: string;
  nameLabel: string;
  roleLabel: string;
  submitLabel: string;
  busy: boolean;
  onMake: (name: string, role: Role) => Promise<boolean>;
}) {
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('reader');
  return (
    <form
      class="inline"
      onSubmit={async (e) => {
        e.preventDefault();
        if (await props.onMake(name.trim(), role)) setName('');
      }}
    >
      <span class="field">
        <label for={`${props.id}-name`}>{props.nameLabel}</label>
        <input id={`${props.id}-name`} required value={name} onInput={(e) => setName(e.currentTarget.value)} />
      </span>
      <SelectFilter
        label={props.roleLabel}
        value={role}
        anyLabel={null}
        options={API_ROLES}
        onChange={(r) => setRole(r as Role)}
      />
      <button type="submit" disabled={props.busy}>
        {props.submitLabel}
      </button>
    </form>
  );
}

function Users() {
  const users = useLoad(() => api.get<UserList>('/api/v1/users', { includeDisabled: true }), 'users');
  const [secret, setSecret] = useState<string>();
  const create = useAction(async (name: string, role: Role) => {
    const made = await api.post<UserWithPassword>('/api/v1/users', { name, role });
    setSecret(made.password ? `Password for ${made.name}: ${made.password}` : undefined);
    users.reload();
    return `Made ${made.name} (${made.role}).`;
  });
  const act = useAction(async (user: string, action: 'disable' | 'reset-password') => {
    const answer = await api.post<UserWithPassword | User>(`/api/v1/users/${encodeURIComponent(user)}/${action}`, {});
    if ('password' in answer && answer.password) setSecret(`New password for ${user}: ${answer.password}`);
    users.reload();
    return action === 'disable' ? `Disabled ${user}.` : `Reset ${user}'s password.`;
  });
  const columns: Column<User>[] = [
    { label: 'Name', render: (u) => u.name },
    { label: 'Role', render: (u) => u.role },
    { label: 'Made', render: (u) => `${dateTime(u.createdAt)} by ${u.createdBy}` },
    { label: 'State', render: (u) => (u.disabledAt ? `disabled ${dateTime(u.disabledAt)}` : 'enabled') },
    {
      label: 'Actions',
      render: (u) =>
        u.disabledAt ? (
          dash
        ) : (
          <>
            <button type="button" onClick={() => void act.start(u.name, 'reset-password')}>
              Reset password<span class="visually-hidden"> of {u.name}</span>
            </button>{' '}
            <button type="button" onClick={() => void act.start(u.name, 'disable')}>
              Disable<span class="visually-hidden"> {u.name}</span>
            </button>
          </>
        ),
    },
  ];
  return (
    <Section title="Users">
      <Secret label="Password" value={secret} />
      <Status done={create.done ?? act.done} />
      <ErrorMessage error={users.error ?? create.error ?? act.error} />
      {users.data ? (
        <DataTable caption="Users" columns={columns} rows={users.data.items} rowKey={(u) => u.name} />
      ) : (
        <Loading what="users" />
      )}
      <NameAndRoleForm
        id="new-user"
        nameLabel="New user's name"
        roleLabel="Role"
        submitLabel="Make account"
        busy={create.busy}
        onMake={create.start}
      />
    </Section>
  );
}

function Tokens() {
  const tokens = useLoad(() => api.get<ApiTokenList>('/api/v1/tokens'), 'tokens');
  const [secret, setSecret] = useState<string>();
  const create = useAction(async (name: string, role: Role) => {
    const made = await api.post<CreatedApiToken>('/api/v1/tokens', { name, role });
    setSecret(made.secret);
    tokens.reload();
    return `Made token ${made.name}.`;
  });
  const revoke = useAction(async (token: ApiToken) => {
    await api.delete(`/api/v1/tokens/${token.id}`);
    tokens.reload();
    return `Revoked ${token.name}.`;
  });
  const columns: Column<ApiToken>[] = [
    { label: 'Name', render: (t) => t.name },
    { label: 'Role', render: (t) => t.role },
    { label: 'Made', render: (t) => `${dateTime(t.createdAt)} by ${t.createdBy}` },
    { label: 'Last used', render: (t) => dateTime(t.lastUsedAt) },
    {
      label: 'Actions',
      render: (t) => (
        <button type="button" onClick={() => void revoke.start(t)}>
          Revoke<span class="visually-hidden"> {t.name}</span>
        </button>
      ),
    },
  ];
  return (
    <Section title="API tokens">
      <Secret label="Token" value={secret} />
      <Status done={create.done ?? revoke.done} />
      <ErrorMessage error={tokens.error ?? create.error ?? revoke.error} />
      {tokens.data ? (
        <DataTable caption="API tokens" columns={columns} rows={tokens.data.items} rowKey={(t) => String(t.id)} />
      ) : (
        <Loading what="tokens" />
      )}
      <NameAndRoleForm
        id="new-token"
        nameLabel="New token's name"
        roleLabel="Token role"
        submitLabel="Make token"
        busy={create.busy}
        onMake={create.start}
      />
    </Section>
  );
}

function EnrollSecrets() {
  const secrets = useLoad(() => api.get<EnrollSecretList>('/api/v1/enroll-secrets'), 'secrets');
  const [secret, setSecret] = useState<string>();
  const rotate = useAction(async () => {
    const r = await api.post<EnrollSecretRotation>('/api/v1/enroll-secrets/rotate', { keepPrevious: true });
    setSecret(r.secret);
    secrets.reload();
    return `New secret ${r.created.fingerprint}; the others are kept.`;
  });
  const revoke = useAction(async (fingerprint: string) => {
    await api.delete(`/api/v1/enroll-secrets/${fingerprint}`);
    secrets.reload();
    return `Revoked ${fingerprint}.`;
  });
  return (
    <Section
      title="Enroll secrets"
      actions={
        <button type="button" onClick={() => void rotate.start()} disabled={rotate.busy}>
          New secret
        </button>
      }
    >
      <Secret label="Enroll secret" value={secret} />
      <Status done={rotate.done ?? revoke.done} />
      <ErrorMessage error={secrets.error ?? rotate.error ?? revoke.error} />
      <ul>
        {(secrets.data?.items ?? []).map((s) => (
          <li key={s.id}>
            <code>{s.fingerprint}</code> ({s.origin}, made {dateTime(s.createdAt)} by {s.createdBy}){' '}
            {s.origin === 'managed' && (
              <button type="button" onClick={() => void revoke.start(s.fingerprint)}>
                Revoke<span class="visually-hidden"> {s.fingerprint}</span>
              </button>
            )}
          </li>
        ))}
      </ul>
    </Section>
  );
}

function Policies() {
  const canWrite = useCanWrite();
  const policy = useLoad(() => api.get<StoredPolicy>('/api/v1/policies'), 'policy');
  const p = policy.data;
  return (
    <Section title="Policies in force">
      <ErrorMessage error={policy.error} />
      {!p ? (
        <Loading what="the policy" />
      ) : (
        <>
          {!canWrite && (
            <dl class="facts">
              {Object.entries(p.policy).map(([k, v]) => (
                <div key={k}>
                  <dt>{words(k.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase())}</dt>
                  <dd>{typeof v === 'object' ? JSON.stringify(v) : String(v)}</dd>
                </div>
              ))}
            </dl>
          )}
          <p class="muted">
            {p.updatedAt
              ? `Last replaced ${dateTime(p.updatedAt)} by ${p.updatedBy ?? '?'}.`
              : 'The defaults: never replaced.'}
          </p>
          {canWrite && <PolicyEditor stored={p} onSaved={policy.reload} />}
        </>
      )}
    </Section>
  );
}
