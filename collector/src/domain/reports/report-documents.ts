import type { Report, ReportCell, ReportColumn, ReportName, ReportSection } from '@stocktake/shared/api';
import type { AuditRecord } from '../audit/ports.ts';
import type { Finding } from '../findings/ports.ts';
import { daysSince } from '../findings/rule.ts';
import { cents } from './dates.ts';
import { flatText } from './flat-text.ts';
import type { Period } from './period.ts';
import { refreshForecast } from './refresh.ts';
import { RENEWAL_WINDOWS, renewalCalendar } from './renewals.ts';
import type { ReportFacts } from './report-facts.ts';
import { type AssetCost, assetCost, attributeLicenses, rollups, totalsOf } from './tco.ts';

type Kind = ReportColumn['kind'];
type Row = Record<string, ReportCell>;

/** A column from its key, header and kind. */
const col = (key: string, header: string, kind: Kind = 'text'): ReportColumn => ({ key, header, kind });

function section(name: string, title: string, columns: ReportColumn[], rows: Row[], note: string | null = null) {
  return { name, title, note, columns, rows } satisfies ReportSection;
}

const figure = (label: string, value: ReportCell, kind: Kind = 'number') => ({ label, value, kind });

export interface ReportContext {
  facts: ReportFacts;
  period: Period;
  now: Date;
  collector: string;
  /** Read only by the reports that show them. */
  openFindings: () => Promise<Finding[]>;
  changes: () => Promise<AuditRecord[]>;
}

type Body = Pick<Report, 'title' | 'summary' | 'sections'>;

// ---- TCO ----

function assetCosts(ctx: ReportContext): { costs: AssetCost[]; unattributed: number } {
  const { facts, period } = ctx;
  const assetOfDevice = new Map<string, string>();
  for (const d of facts.devices) if (d.assetId) assetOfDevice.set(d.id, d.assetId);
  const licenses = attributeLicenses(
    facts.positions.map((p) => p.holders),
    assetOfDevice,
  );
  const costs = facts.costed.map((a) => assetCost(a, licenses.byAsset.get(a.id) ?? 0, period, facts.policy.costs));
  return { costs, unattributed: licenses.unattributed };
}

const COST_COLUMNS = [
  col('purchaseCost', 'Purchase', 'money'),
  col('depreciationInPeriod', 'Depreciation in period', 'money'),
  col('bookValue', 'Book value', 'money'),
  col('supportCost', 'Support', 'money'),
  col('licenseCost', 'Licenses', 'money'),
  col('disposalProceeds', 'Disposal proceeds', 'money'),
  col('tco', 'TCO', 'money'),
];

const DIMENSION_NAMES = { costCenter: 'Cost centre', location: 'Location', category: 'Category', model: 'Model' };

function tco(ctx: ReportContext): Body {
  const { costs, unattributed } = assetCosts(ctx);
  const total = totalsOf(costs);
  const method = ctx.facts.policy.costs.depreciation.replace('_', ' ');
  return {
    title: 'Total cost of ownership',
    summary: [
      figure('Assets', total.assets),
      figure('Purchase cost', total.purchaseCost, 'money'),
      figure('Depreciation in the period', total.depreciationInPeriod, 'money'),
      figure('Book value at the end of the period', total.bookValue, 'money'),
      figure('Support contracts', total.supportCost, 'money'),
      figure('License seats held', total.licenseCost, 'money'),
      figure('Disposal proceeds', total.disposalProceeds, 'money'),
      figure('Total cost of ownership', total.tco, 'money'),
      figure('License seats on devices outside the register', unattributed, 'money'),
    ],
    sections: [
      section(
        'assets',
        'Per asset',
        [
          col('assetTag', 'Asset tag'),
          col('model', 'Model'),
          col('category', 'Category'),
          col('costCenter', 'Cost centre'),
          col('location', 'Location'),
          col('status', 'Status'),
          col('purchaseDate', 'Purchased', 'date'),
          col('endOfLife', 'End of life', 'date'),
          ...COST_COLUMNS,
        ],
        costs.map(({ assetId: _id, name: _name, ...c }) => ({ ...c })),
        `Depreciation ${method}, over each category's useful life (the asset's expected end of life first). TCO = purchase + support + licenses − disposal proceeds. License seats are those held now, at their current term's price.`,
      ),
      section(
        'rollups',
        'Rolled up',
        [col('dimension', 'By'), col('value', 'Value'), col('assets', 'Assets', 'number'), ...COST_COLUMNS],
        rollups(costs).map((r) => ({ ...r, dimension: DIMENSION_NAMES[r.dimension], value: r.value ?? '(none)' })),
      ),
    ],
  };
}

// ---- Refresh forecast ----

function refresh(ctx: ReportContext): Body {
  const { facts, period } = ctx;
  const forecast = refreshForecast(facts.costed, facts.health, facts.policy, period.to);
  const budget = cents(forecast.quarters.reduce((n, q) => n + q.budget, 0));
  return {
    title: 'Refresh forecast',
    summary: [
      figure('Assets due in the next 8 quarters', forecast.items.length),
      figure('Replacement budget', budget, 'money'),
      figure(
        'Of which due on hardware signals',
        forecast.items.filter((i) => i.signals.some((s) => s.kind !== 'age')).length,
      ),
      figure(
        'Due without a known replacement cost',
        forecast.quarters.reduce((n, q) => n + q.unpriced, 0),
      ),
    ],
    sections: [
      section(
        'quarters',
        'By quarter',
        [
          col('label', 'Quarter'),
          col('start', 'From', 'date'),
          col('end', 'To', 'date'),
          col('assets', 'Assets', 'number'),
          col('budget', 'Budget', 'money'),
          col('unpriced', 'Without a price', 'number'),
        ],
        forecast.quarters.map((q) => ({ ...q })),
        'Replacement cost per model: the policy’s figure, else the latest purchase of that model.',
      ),
      section(
        'assets',
        'Assets due',
        [
          col('quarter', 'Quarter'),
          col('assetTag', 'Asset tag'),
          col('hostname', 'Host name'),
          col('model', 'Model'),
          col('costCenter', 'Cost centre'),
          col('purchaseDate', 'Purchased', 'date'),
          col('endOfLife', 'End of life', 'date'),
          col('reasons', 'Why'),
          col('replacementCost', 'Replacement', 'money'),
        ],
        forecast.items.map((i) => ({
          quarter: i.quarter,
          assetTag: i.assetTag,
          hostname: i.hostname,
          model: i.model,
          costCenter: i.costCenter,
          purchaseDate: i.purchaseDate,
          endOfLife: i.endOfLife,
          reasons: i.signals.map((s) => s.detail).join('; '),
          replacementCost: i.replacementCost,
        })),
      ),
    ],
  };
}

// ---- Renewals ----

function renewals(ctx: ReportContext): Body {
  const { facts, period } = ctx;
  const items = renewalCalendar(
    facts.positions.map((p) => ({
      product: p.product,
      metric: p.metric,
      entitlements: p.licenses,
      seats: p.usage.seats,
      used: p.usage.used,
      devices: p.usage.devices,
      users: p.usage.users,
    })),
    facts.assets
      .filter((a) => a.supportEnd && a.supportCost !== null && a.status !== 'disposed')
      .map((a) => ({
        assetTag: a.assetTag,
        supplier: a.supplier,
        end: a.supportEnd as string,
        cost: a.supportCost ?? 0,
      })),
    period.to,
  );
  const within = (w: number) => items.filter((i) => i.daysLeft <= w);
  const sum = (xs: typeof items, k: 'renewalCost' | 'unusedCost') => cents(xs.reduce((n, i) => n + (i[k] ?? 0), 0));
  return {
    title: 'Renewal calendar',
    summary: RENEWAL_WINDOWS.flatMap((w) => [
      figure(`Renewing within ${w} days`, within(w).length),
      figure(`Cost of renewing within ${w} days`, sum(within(w), 'renewalCost'), 'money'),
      figure(`Unused seats' cost within ${w} days`, sum(within(w), 'unusedCost'), 'money'),
    ]),
    sections: [
      section(
        'renewals',
        'License terms and support contracts ending in the next 365 days',
        [
          col('window', 'Within (days)', 'number'),
          col('ends', 'Ends', 'date'),
          col('daysLeft', 'Days left', 'number'),
          col('kind', 'Kind'),
          col('subject', 'Product or asset'),
          col('reference', 'Order or supplier'),
          col('metric', 'Metric'),
          col('seats', 'Seats', 'number'),
          col('used', 'Used', 'number'),
          col('devices', 'Installs', 'number'),
          col('users', 'Users', 'number'),
          col('unused', 'Unused', 'number'),
          col('costPerSeat', 'Per seat', 'money'),
          col('renewalCost', 'Renewal', 'money'),
          col('unusedCost', 'Unused seats’ cost', 'money'),
        ],
        items.map((i) => ({ ...i })),
        'Used: devices or users with the product now, by the metric. A position’s unused seats count against its earliest renewals first.',
      ),
    ],
  };
}

// ---- License compliance ----

function positionSection(ctx: ReportContext): ReportSection[] {
  const day = ctx.period.to;
  return [
    section(
      'positions',
      'License positions',
      [
        col('product', 'Product'),
        col('metric', 'Metric'),
        col('seats', 'Seats', 'number'),
        col('used', 'Used', 'number'),
        col('devices', 'Installs', 'number'),
        col('users', 'Users', 'number'),
        col('available', 'Available', 'number'),
        col('over', 'Over', 'number'),
        col('state', 'Position'),
        col('unusedSeatsCost', 'Unused seats’ cost', 'money'),
        col('orders', 'Purchase orders'),
      ],
      ctx.facts.positions.map((p) => ({
        product: p.product,
        metric: p.metric,
        seats: p.usage.seats,
        used: p.usage.used,
        devices: p.usage.devices,
        users: p.usage.users,
        available: p.usage.available,
        over: p.usage.over,
        state: p.usage.state,
        unusedSeatsCost: p.usage.unusedSeatsCost,
        orders: p.licenses.map((l) => l.orderNumber ?? '(none)').join(', '),
      })),
      'Seats of the entitlements in term, pooled per product and metric, against the devices (or users) with a matching install reported recently.',
    ),
    section(
      'entitlements',
      'Entitlements',
      [
        col('product', 'Product'),
        col('orderNumber', 'Purchase order'),
        col('metric', 'Metric'),
        col('seats', 'Seats', 'number'),
        col('termStart', 'Term from', 'date'),
        col('termEnd', 'Term to', 'date'),
        col('costPerSeat', 'Per seat', 'money'),
        col('inTerm', 'In term'),
      ],
      ctx.facts.positions.flatMap((p) =>
        p.licenses.map((l) => ({
          product: l.product,
          orderNumber: l.orderNumber,
          metric: l.metric,
          seats: l.seats,
          termStart: l.termStart,
          termEnd: l.termEnd,
          costPerSeat: l.costPerSeat,
          inTerm:
            (l.termStart === null || l.termStart <= day) && (l.termEnd === null || l.termEnd >= day) ? 'yes' : 'no',
        })),
      ),
    ),
  ];
}

function compliance(ctx: ReportContext): Body {
  const p = ctx.facts.positions;
  return {
    title: 'License compliance',
    summary: [
      figure('Products', p.length),
      figure('Over-deployed', p.filter((x) => x.usage.state === 'over').length),
      figure('Shelfware at renewal', p.filter((x) => x.usage.state === 'shelfware').length),
      figure(
        'Seats short',
        p.reduce((n, x) => n + x.usage.over, 0),
      ),
      figure('Unused seats’ cost', cents(p.reduce((n, x) => n + (x.usage.unusedSeatsCost ?? 0), 0)), 'money'),
    ],
    sections: positionSection(ctx),
  };
}

// ---- Disposals ----

function disposalSection(ctx: ReportContext): ReportSection {
  const { period } = ctx;
  const rows = ctx.facts.disposals
    .filter((d) => d.event.disposal && d.event.disposal.date >= period.from && d.event.disposal.date <= period.to)
    .sort((a, b) => (a.event.disposal?.date ?? '').localeCompare(b.event.disposal?.date ?? ''))
    .map(({ asset, event }) => ({
      date: event.disposal?.date ?? null,
      assetTag: asset.assetTag,
      serial: asset.serial,
      model: asset.model,
      method: event.disposal?.method ?? null,
      certificate: event.disposal?.certificateRef ?? null,
      vendor: event.disposal?.vendor ?? null,
      recordedBy: event.actor,
      recordedAt: event.at.slice(0, 10),
      proceeds: event.disposal?.proceeds ?? null,
    }));
  return section(
    'disposals',
    'Certificates of disposal',
    [
      col('date', 'Disposed', 'date'),
      col('assetTag', 'Asset tag'),
      col('serial', 'Serial'),
      col('model', 'Model'),
      col('method', 'Method (NIST SP 800-88)'),
      col('certificate', 'Certificate'),
      col('vendor', 'Vendor'),
      col('recordedBy', 'Recorded by'),
      col('recordedAt', 'Recorded', 'date'),
      col('proceeds', 'Proceeds', 'money'),
    ],
    rows,
  );
}

function disposals(ctx: ReportContext): Body {
  const s = disposalSection(ctx);
  return {
    title: 'Disposals',
    summary: [
      figure('Assets disposed of', s.rows.length),
      figure(
        'Proceeds',
        cents(s.rows.reduce((n, r) => n + (typeof r.proceeds === 'number' ? r.proceeds : 0), 0)),
        'money',
      ),
    ],
    sections: [s],
  };
}

// ---- Inventory accuracy ----

function accuracy(ctx: ReportContext): { summary: Report['summary']; sections: ReportSection[] } {
  const { facts, now } = ctx;
  const { ghostStatuses, ghostAfterDays } = facts.policy;
  const inUse = facts.assetFacts.filter((a) => ghostStatuses.includes(a.status));
  const unseen = inUse.filter((a) => !a.lastSeenAt || daysSince(a.lastSeenAt, now) >= ghostAfterDays);
  const present = facts.devices.filter((d) => daysSince(d.lastSeenAt, now) < ghostAfterDays);
  const unregistered = present.filter((d) => !d.assetId);
  const byMethod = new Map<string, number>();
  for (const d of present)
    if (d.assetId) byMethod.set(d.linkMethod ?? 'unknown', (byMethod.get(d.linkMethod ?? 'unknown') ?? 0) + 1);
  const share = (n: number, of: number) => (of === 0 ? null : Math.round((n / of) * 10_000) / 10_000);
  return {
    summary: [
      figure('Register assets in use', inUse.length),
      figure(`Unseen for ${ghostAfterDays} days or never (ghosts)`, unseen.length),
      figure('Ghost share (typical: 5–10%)', share(unseen.length, inUse.length), 'percent'),
      figure('Devices reporting', present.length),
      figure('Devices the register does not know', unregistered.length),
      figure(
        'Unregistered share of the register (discovery typically finds 10–20% more)',
        share(unregistered.length, inUse.length),
        'percent',
      ),
      figure('Devices matched to an asset', present.length - unregistered.length),
    ],
    sections: [
      section(
        'matched-by',
        'How reporting devices matched the register',
        [col('method', 'Matched by'), col('devices', 'Devices', 'number'), col('share', 'Share', 'percent')],
        [...byMethod.entries()]
          .sort((a, b) => b[1] - a[1])
          .map(([method, n]) => ({ method, devices: n, share: share(n, present.length) })),
      ),
      section(
        'unseen',
        'Assets in use no agent reported',
        [
          col('assetTag', 'Asset tag'),
          col('serial', 'Serial'),
          col('status', 'Status'),
          col('lastSeenAt', 'Last reported', 'date'),
          col('lastHostname', 'Last host name'),
        ],
        unseen.map((a) => ({
          assetTag: a.assetTag,
          serial: a.serial,
          status: a.status,
          lastSeenAt: a.lastSeenAt ? a.lastSeenAt.slice(0, 10) : 'never',
          lastHostname: a.lastDeviceHostname,
        })),
      ),
      section(
        'unregistered',
        'Reporting devices the register does not know',
        [
          col('hostname', 'Host name'),
          col('serial', 'Serial'),
          col('lastSeenAt', 'Last reported', 'date'),
          col('user', 'User'),
        ],
        unregistered.map((d) => ({
          hostname: d.hostname,
          serial: d.serial,
          lastSeenAt: d.lastSeenAt.slice(0, 10),
          user: d.primaryUser,
        })),
      ),
    ],
  };
}

function inventoryAccuracy(ctx: ReportContext): Body {
  return { title: 'Inventory accuracy', ...accuracy(ctx) };
}

// ---- Audit pack ----

function changeText(r: AuditRecord): string {
  const before = (r.before ?? {}) as Record<string, unknown>;
  const after = (r.after ?? {}) as Record<string, unknown>;
  if (typeof r.before !== 'object' || typeof r.after !== 'object' || r.before === null || r.after === null) {
    return flatText(r.after ?? r.before);
  }
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  return keys.map((k) => `${k}: ${flatText(before[k]) || '–'} → ${flatText(after[k]) || '–'}`).join('; ');
}

async function auditPack(ctx: ReportContext): Promise<Body> {
  const findings = await ctx.openFindings();
  const changes = await ctx.changes();
  const acc = accuracy(ctx);
  const disposed = disposalSection(ctx);
  return {
    title: 'Audit pack',
    summary: [
      figure('License positions over-deployed', ctx.facts.positions.filter((p) => p.usage.state === 'over').length),
      figure('Assets disposed of in the period', disposed.rows.length),
      figure('Open findings', findings.length),
      figure('Register changes in the period', changes.length),
      ...acc.summary,
    ],
    sections: [
      ...positionSection(ctx),
      disposed,
      ...acc.sections,
      section(
        'findings',
        'Open findings',
        [
          col('severity', 'Severity'),
          col('type', 'Type'),
          col('status', 'Status'),
          col('subject', 'Subject'),
          col('summary', 'Summary'),
          col('evidence', 'Evidence'),
          col('firstSeenAt', 'First seen', 'date'),
          col('lastSeenAt', 'Last seen', 'date'),
        ],
        findings.map((f) => ({
          severity: f.severity,
          type: f.type,
          status: f.status,
          subject: `${f.subject.kind} ${f.subject.id}${f.subject.subKey ? ` (${f.subject.subKey})` : ''}`,
          summary: f.summary,
          evidence: flatText(f.evidence.facts),
          firstSeenAt: f.firstSeenAt.slice(0, 10),
          lastSeenAt: f.lastSeenAt.slice(0, 10),
        })),
      ),
      section(
        'changes',
        'Register changes',
        [
          col('at', 'When'),
          col('actor', 'Who'),
          col('entity', 'What'),
          col('action', 'Action'),
          col('changes', 'Changes'),
          col('context', 'From'),
        ],
        changes.map((r) => ({
          at: r.at.slice(0, 19).replace('T', ' '),
          actor: r.actor,
          entity: `${r.entityType} ${r.entityId}`,
          action: r.action,
          changes: changeText(r),
          context: r.context,
        })),
      ),
    ],
  };
}

const BUILDERS: Record<ReportName, (ctx: ReportContext) => Body | Promise<Body>> = {
  tco,
  'refresh-forecast': refresh,
  renewals,
  'license-compliance': compliance,
  disposals,
  'inventory-accuracy': inventoryAccuracy,
  'audit-pack': auditPack,
};

/** The report as data: the same figures its CSV and PDF show. */
export async function buildReport(name: ReportName, ctx: ReportContext): Promise<Report> {
  const body = await BUILDERS[name](ctx);
  return {
    report: name,
    title: body.title,
    period: ctx.period,
    generatedAt: ctx.now.toISOString(),
    collector: ctx.collector,
    currency: ctx.facts.policy.costs.currency,
    summary: body.summary,
    sections: body.sections,
  };
}
