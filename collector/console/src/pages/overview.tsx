import type { AccuracyShare, Overview, SummaryReport, TrendDay } from '@stocktake/shared/api';
import { FINDING_SEVERITIES } from '@stocktake/shared/api/vocabulary';
import { api } from '../api.ts';
import { count, dash, day, percent, words } from '../format.ts';
import { Bar, ErrorMessage, Loading, Section, useLoad } from '../ui.tsx';
import { PositionTable } from './licenses.tsx';

export function OverviewPage() {
  const overview = useLoad(() => api.get<Overview>('/api/v1/overview'), 'overview');
  const summary = useLoad(() => api.get<SummaryReport>('/api/v1/reports/summary'), 'summary');
  const o = overview.data;
  const s = summary.data;
  return (
    <>
      <h1>Overview</h1>
      <ErrorMessage error={overview.error ?? summary.error} />
      {!o || !s ? (
        <Loading what="the overview" />
      ) : (
        <div class="grid">
          <Devices o={o} />
          <Accuracy o={o} />
          <Section title="Open findings">
            <FindingsByType s={s} />
            <Trend days={o.findingsTrend} />
          </Section>
          <Section title="License position">
            <PositionTable positions={s.licenses.filter((l) => l.usage.state !== 'within')} />
            <p class="muted">
              Over- and under-used products only; <a href="/licenses">every product</a>.
            </p>
          </Section>
          <Warranties o={o} />
        </div>
      )}
    </>
  );
}

function Devices({ o }: { o: Overview }) {
  const { total, online, offline, byOs } = o.devices;
  return (
    <Section title="Devices">
      <p class="stats">
        <span>
          <strong>{count(total)}</strong> devices
        </span>
        <span>
          <strong>{count(online)}</strong> online
        </span>
        <span>
          <strong>{count(offline)}</strong> offline
        </span>
      </p>
      <table class="compact">
        <caption>By operating system</caption>
        <thead>
          <tr>
            <th scope="col">OS</th>
            <th scope="col" class="num">
              Devices
            </th>
            <th scope="col">Share</th>
          </tr>
        </thead>
        <tbody>
          {byOs.map((os) => {
            const name = os.osName ?? os.osFamily ?? 'unknown';
            return (
              <tr key={`${os.osFamily}:${os.osName}`}>
                <td>
                  <a href={`/devices?osName=${encodeURIComponent(os.osName ?? '')}`}>{name}</a>
                </td>
                <td class="num">{count(os.count)}</td>
                <td>
                  <Bar
                    share={total ? os.count / total : 0}
                    label={`${percent(total ? os.count / total : 0)} of devices`}
                  />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </Section>
  );
}

function FindingsByType({ s }: { s: SummaryReport }) {
  const severities = [...FINDING_SEVERITIES].reverse();
  return (
    <table class="compact">
      <caption>
        {count(s.findings.total)} unresolved, {count(s.findings.open)} waiting for someone
      </caption>
      <thead>
        <tr>
          <th scope="col">Type</th>
          {severities.map((sev) => (
            <th scope="col" class="num" key={sev}>
              {sev}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {s.findings.byType.map((t) => (
          <tr key={t.type}>
            <td>
              <a href={`/findings?type=${t.type}`}>{words(t.type)}</a>
            </td>
            {severities.map((sev) => (
              <td class="num" key={sev}>
                {t.bySeverity[sev] ? count(t.bySeverity[sev]) : dash}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Unresolved findings after each day's last run, as bars (days without a run are gaps). */
function Trend({ days }: { days: TrendDay[] }) {
  const max = Math.max(1, ...days.map((d) => d.open ?? 0));
  const width = 300;
  const height = 60;
  const step = width / Math.max(1, days.length);
  const known = days.filter((d) => d.open !== null);
  const first = known[0];
  const last = known.at(-1);
  const description =
    first && last
      ? `Unresolved findings over 30 days: ${first.open} on ${first.day}, ${last.open} on ${last.day}.`
      : 'No reconciliation run in the last 30 days.';
  return (
    <figure class="trend">
      <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-label={description}>
        {days.map((d, i) =>
          d.open === null ? null : (
            <rect
              key={d.day}
              x={i * step + 1}
              y={height - (d.open / max) * height}
              width={Math.max(1, step - 2)}
              height={(d.open / max) * height}
            >
              <title>
                {d.day}: {d.open}
              </title>
            </rect>
          ),
        )}
      </svg>
      <figcaption>{description}</figcaption>
    </figure>
  );
}

function ShareLine({ label, share }: { label: string; share: AccuracyShare }) {
  const [low, high] = share.typical;
  const verdict =
    share.share === null
      ? ''
      : share.share < low
        ? 'better than usual'
        : share.share <= high
          ? 'within the usual range'
          : 'worse than usual';
  return (
    <div class="share">
      <p>
        <strong>{percent(share.share)}</strong> {label} ({count(share.count)} of {count(share.of)}); inventories usually
        show {percent(low)}–{percent(high)}
        {verdict ? `: ${verdict}` : ''}.
      </p>
      <Bar share={share.share ?? 0} label={`${percent(share.share)} ${label}`} />
    </div>
  );
}

function Accuracy({ o }: { o: Overview }) {
  return (
    <Section title="Inventory accuracy">
      <ShareLine label="ghost assets among in-use assets" share={o.accuracy.ghosts} />
      <ShareLine label="unregistered devices among devices" share={o.accuracy.unregistered} />
    </Section>
  );
}

function Warranties({ o }: { o: Overview }) {
  const { withinDays, assets } = o.warrantiesEnding;
  return (
    <Section title={`Warranties ending in ${withinDays} days`}>
      {assets.length === 0 ? (
        <p class="muted">None.</p>
      ) : (
        <ul>
          {assets.slice(0, 20).map((a) => (
            <li key={a.id}>
              <a href={`/assets/${a.id}`}>{a.assetTag}</a> {a.name ?? ''} ({words(a.status)}): {day(a.warrantyEnd)}
            </li>
          ))}
          {assets.length > 20 && <li>and {assets.length - 20} more</li>}
        </ul>
      )}
    </Section>
  );
}
