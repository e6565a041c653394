import type { Compliance, License, LicenseCreate, LicenseUsage, SummaryReport } from '@stocktake/shared/api';
import { LICENSE_METRICS } from '@stocktake/shared/api/vocabulary';
import { useState } from 'preact/hooks';
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
  useAction,
  useLoad,
} from '../ui.tsx';
import { ImportPanel } from './import.tsx';

/** What the gap costs: seats bought and unused, or seats used and not bought (at the average seat cost). */
export function gapCost(usage: LicenseUsage, costPerSeat: number | null): string {
  if (usage.over > 0) return costPerSeat === null ? 'cost unknown' : `${money(usage.over * costPerSeat)} to buy`;
  if (usage.unusedSeatsCost !== null && usage.available > 0) return `${money(usage.unusedSeatsCost)} unused`;
  return dash;
}

/** Every product's position: seats against installs or users, and the cost of the gap. */
export function PositionTable({ positions }: { positions: SummaryReport['licenses'] }) {
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must take focus (WCAG 2.1.1)
    <section class="table-wrap" tabIndex={0} aria-label="License position">
      <table>
        <caption class="visually-hidden">License position per product</caption>
        <thead>
          <tr>
            <th scope="col">Product</th>
            <th scope="col">Metric</th>
            <th scope="col" class="num">
              Seats
            </th>
            <th scope="col" class="num">
              Used
            </th>
            <th scope="col">Position</th>
            <th scope="col">Cost of the gap</th>
          </tr>
        </thead>
        <tbody>
          {positions.length === 0 && (
            <tr>
              <td colSpan={6} class="muted">
                No license entitlements yet.
              </td>
            </tr>
          )}
          {positions.map((p) => {
            const costs = p.entitlements.filter((e) => e.current && e.costPerSeat !== null);
            const cost = costs.length ? (costs[0]?.costPerSeat ?? null) : null;
            return (
              <tr key={`${p.product}:${p.metric}`}>
                <td>{p.product}</td>
                <td>{words(p.metric)}</td>
                <td class="num">{count(p.usage.seats)}</td>
                <td class="num">{count(p.usage.used)}</td>
                <td>
                  <span
                    class={`badge ${p.usage.state === 'over' ? 'bad' : p.usage.state === 'shelfware' ? 'warn' : 'ok'}`}
                  >
                    {p.usage.state === 'over'
                      ? `${p.usage.over} over`
                      : p.usage.state === 'shelfware'
                        ? `${p.usage.available} unused`
                        : 'within'}
                  </span>
                </td>
                <td>{gapCost(p.usage, cost)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}

const columns: Column<License>[] = [
  { label: 'Product', sort: 'product', render: (l) => <a href={`/licenses/${l.id}`}>{l.product}</a> },
  { label: 'Publisher', render: (l) => l.publisher ?? dash },
  { label: 'Metric', render: (l) => words(l.metric) },
  { label: 'Seats', numeric: true, render: (l) => count(l.seats) },
  { label: 'Order', render: (l) => l.orderNumber ?? dash },
  { label: 'Term ends', sort: 'termEnd', render: (l) => day(l.termEnd) },
  { label: 'Cost per seat', numeric: true, render: (l) => money(l.costPerSeat) },
];

const filters: ListFilter[] = [
  { kind: 'text', key: 'q', label: 'Search' },
  { kind: 'select', key: 'metric', label: 'Metric', options: LICENSE_METRICS },
];

export function LicensesPage() {
  const canWrite = useCanWrite();
  const summary = useLoad(() => api.get<SummaryReport>('/api/v1/reports/summary'), 'summary');
  const [version, setVersion] = useState(0);
  const reload = () => {
    setVersion((v) => v + 1);
    summary.reload();
  };
  return (
    <>
      <h1>Licenses</h1>
      <Section title="Compliance position">
        <ErrorMessage error={summary.error} />
        {summary.data ? <PositionTable positions={summary.data.licenses} /> : <Loading what="the position" />}
      </Section>
      <Section title="Entitlements">
        <ListView
          caption="License entitlements"
          what="licenses"
          path="/api/v1/licenses"
          order="licenses"
          filters={filters}
          columns={columns}
          rowKey={(l) => l.id}
          csv={{ path: '/api/v1/licenses/export.csv', filtered: false }}
          version={version}
        />
      </Section>
      {canWrite && <NewLicense onCreated={reload} />}
      {canWrite && <ImportPanel path="/api/v1/licenses/import" what="licenses" onImported={reload} />}
    </>
  );
}

function NewLicense({ onCreated }: { onCreated(): void }) {
  const [product, setProduct] = useState('');
  const [seats, setSeats] = useState('1');
  const [metric, setMetric] = useState<LicenseCreate['metric']>('per_device');
  const create = useAction(async () => {
    await api.post<License>('/api/v1/licenses', { product: product.trim(), seats: Number(seats), metric });
    setProduct('');
    onCreated();
    return `Added ${product.trim()}.`;
  });
  return (
    <Section title="Add an entitlement">
      <form
        class="inline"
        onSubmit={(e) => {
          e.preventDefault();
          void create.start();
        }}
      >
        <span class="field">
          <label for="new-license-product">Product</label>
          <input id="new-license-product" required value={product} onInput={(e) => setProduct(e.currentTarget.value)} />
        </span>
        <span class="field">
          <label for="new-license-seats">Seats</label>
          <input
            id="new-license-seats"
            type="number"
            min="0"
            required
            value={seats}
            onInput={(e) => setSeats(e.currentTarget.value)}
          />
        </span>
        <SelectFilter
          label="Metric"
          value={metric}
          anyLabel={null}
          options={LICENSE_METRICS}
          onChange={(m) => setMetric(m as LicenseCreate['metric'])}
        />
        <button type="submit" disabled={create.busy}>
          Add
        </button>
      </form>
      <Status done={create.done} />
      <ErrorMessage error={create.error} />
    </Section>
  );
}

export function LicenseDetailPage({ id }: { id: string }) {
  const license = useLoad(() => api.get<License>(`/api/v1/licenses/${encodeURIComponent(id)}`), id);
  const compliance = useLoad(() => api.get<Compliance>(`/api/v1/licenses/${encodeURIComponent(id)}/compliance`), id);
  const l = license.data;
  const c = compliance.data;
  return (
    <>
      <p class="crumbs">
        <a href="/licenses">Licenses</a> ›
      </p>
      <ErrorMessage error={license.error ?? compliance.error} />
      {!l || !c ? (
        <Loading what="the license" />
      ) : (
        <>
          <h1>{l.product}</h1>
          <div class="grid">
            <Section title="Entitlement">
              <Facts
                items={[
                  ['Publisher', l.publisher],
                  ['Matches', [l.namePattern, l.publisherPattern, l.versionRange].filter(Boolean).join(' · ')],
                  ['Metric', words(l.metric)],
                  ['Seats', count(l.seats)],
                  ['Term', `${day(l.termStart)} to ${day(l.termEnd)}`],
                  ['Cost per seat', money(l.costPerSeat)],
                  ['Order number', l.orderNumber],
                ]}
              />
            </Section>
            <Section title="Position">
              <Facts
                items={[
                  ['Seats in term', count(c.usage.seats)],
                  ['Used', count(c.usage.used)],
                  ['Over', count(c.usage.over)],
                  ['Available', count(c.usage.available)],
                  ['Cost of the gap', gapCost(c.usage, l.costPerSeat)],
                  ['Package versions matched', count(c.matchedVersions)],
                ]}
              />
            </Section>
          </div>
          <Section title="Counted">
            <ul>
              {c.counted.map((k) => (
                <li key={k.key}>
                  {k.user ?? k.key}:{' '}
                  {k.devices.map((d) => (
                    <span key={d.deviceId}>
                      <a href={`/devices/${d.deviceId}`}>{d.hostname}</a> ({d.software.join(', ')}, seen{' '}
                      {dateTime(d.lastSeenAt)}){' '}
                    </span>
                  ))}
                </li>
              ))}
            </ul>
          </Section>
        </>
      )}
    </>
  );
}
