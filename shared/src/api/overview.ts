import Type, { type Static } from 'typebox';
import { Nullable } from './common.ts';
import { AssetStatusSchema } from './enums.ts';
import { ASSET, AT } from './example-values.ts';

/** Devices per operating system. */
export const OsCountSchema = Type.Object({
  osFamily: Nullable(Type.String({ description: 'The OS family the agents reported.' })),
  osName: Nullable(Type.String({ description: 'The OS name.' })),
  count: Type.Integer({ description: 'Devices on it.' }),
});
export type OsCount = Static<typeof OsCountSchema>;

/** Unresolved findings after the last run of one day. */
export const TrendDaySchema = Type.Object({
  day: Type.String({ description: 'The day, YYYY-MM-DD (UTC).' }),
  open: Nullable(
    Type.Integer({
      description: 'Unresolved findings after the day’s last successful run; null with no run that day.',
    }),
  ),
  byType: Type.Record(Type.String(), Type.Integer(), { description: 'The same, per finding type.' }),
});
export type TrendDay = Static<typeof TrendDaySchema>;

/** A register asset whose warranty ends soon. */
export const WarrantyEndingSchema = Type.Object({
  id: Type.String({ description: 'The asset id.' }),
  assetTag: Type.String({ description: 'Its tag.' }),
  name: Nullable(Type.String({ description: 'Its name.' })),
  status: AssetStatusSchema,
  warrantyEnd: Type.String({ description: 'When its warranty ends, YYYY-MM-DD.' }),
});
export type WarrantyEnding = Static<typeof WarrantyEndingSchema>;

/** A share of the inventory a reconciliation finding flags, beside the share the field usually sees. */
export const AccuracyShareSchema = Type.Object({
  count: Type.Integer({ description: 'Unresolved findings of the kind.' }),
  of: Type.Integer({ description: 'What the share is of: in-use register assets, or devices.' }),
  share: Nullable(Type.Number({ description: 'count / of (null when there is nothing to count).' })),
  typical: Type.Tuple([Type.Number(), Type.Number()], {
    description: 'The share inventories usually show, low and high (0.05–0.10 for ghosts, 0.10–0.20 for unregistered).',
  }),
});
export type AccuracyShare = Static<typeof AccuracyShareSchema>;

/** The console's overview: what the estate looks like now, in one answer. */
export const OverviewSchema = Type.Object({
  generatedAt: Type.String({ description: 'When it was made.' }),
  devices: Type.Object(
    {
      total: Type.Integer({ description: 'Devices in the inventory.' }),
      online: Type.Integer({ description: 'Of which their agent holds its live channel open now.' }),
      offline: Type.Integer({ description: 'The others.' }),
      byOs: Type.Array(OsCountSchema, { description: 'Devices per OS, most first.' }),
    },
    { description: 'The devices.' },
  ),
  findingsTrend: Type.Array(TrendDaySchema, { description: 'The last 30 days, oldest first.' }),
  warrantiesEnding: Type.Object(
    {
      withinDays: Type.Integer({ description: 'How far ahead.' }),
      assets: Type.Array(WarrantyEndingSchema, {
        description: 'Assets not retired, disposed, lost or stolen whose warranty ends within the days, soonest first.',
      }),
    },
    { description: 'Warranties ending soon.' },
  ),
  accuracy: Type.Object(
    {
      ghosts: Type.Object(AccuracyShareSchema.properties, {
        description: 'Unresolved ghost_asset findings among register assets in the statuses the policy calls in use.',
      }),
      unregistered: Type.Object(AccuracyShareSchema.properties, {
        description: 'Unresolved unregistered_device findings among devices.',
      }),
    },
    {
      description:
        'Inventory accuracy: ghost assets (in the register as in use, no agent reporting) among in-use assets, and unregistered devices among devices.',
    },
  ),
});
export type Overview = Static<typeof OverviewSchema>;

/** The share inventories usually show: ghosts 5–10% of the register, discovery finds 10–20% more. */
export const TYPICAL_GHOST_SHARE: [number, number] = [0.05, 0.1];
export const TYPICAL_UNREGISTERED_SHARE: [number, number] = [0.1, 0.2];

export const OVERVIEW_EXAMPLE: Overview = {
  generatedAt: AT,
  devices: {
    total: 120,
    online: 97,
    offline: 23,
    byOs: [
      { osFamily: 'windows', osName: 'Windows 11 Pro', count: 80 },
      { osFamily: 'linux', osName: 'Ubuntu', count: 40 },
    ],
  },
  findingsTrend: [{ day: '2026-11-22', open: 9, byType: { unpatched_device: 9 } }],
  warrantiesEnding: {
    withinDays: 90,
    assets: [
      { id: ASSET, assetTag: 'LAP-0042', name: 'Finance laptop', status: 'deployed', warrantyEnd: '2027-01-31' },
    ],
  },
  accuracy: {
    ghosts: { count: 6, of: 110, share: 6 / 110, typical: TYPICAL_GHOST_SHARE },
    unregistered: { count: 14, of: 120, share: 14 / 120, typical: TYPICAL_UNREGISTERED_SHARE },
  },
};
