import Type, { type Static } from 'typebox';
import { SoftwareSourceSchema } from '../software.ts';
import { LicenseMetricSchema, UsageClassSchema, UsageViaSchema } from './enums.ts';

const Day = (description: string) => Type.String({ format: 'date', description });
const NullableDay = (description: string) => Type.Union([Day(description), Type.Null()]);

export const UsageSourceSchema = Type.Object({
  via: UsageViaSchema,
  since: Day('The earliest day this source speaks for on the device.'),
  covers: Type.Optional(
    Type.Array(Type.Union(SoftwareSourceSchema.anyOf), {
      description:
        'The software sources whose items this source can see (its silence about them means not used); absent: every source.',
    }),
  ),
});

export const UserUseSchema = Type.Object({
  user: Type.String({ description: 'Who used it (login name as the device reported it).' }),
  lastUsed: Day('Day of that person’s last use (UTC).'),
  via: UsageViaSchema,
  class: UsageClassSchema,
});

export const InstallUseSchema = Type.Object({
  source: Type.String({ description: 'Package source (dpkg, registry, app_bundle, ...).' }),
  name: Type.String({ description: 'Package or product name.' }),
  version: Type.String({ description: 'Installed version.' }),
  arch: Type.Union([Type.String(), Type.Null()], { description: 'Architecture, if the source gives one.' }),
  lastUsed: NullableDay('Day of last use by anyone (UTC); null when none is known.'),
  via: Type.Union([UsageViaSchema, Type.Null()]),
  class: UsageClassSchema,
  users: Type.Array(UserUseSchema, { description: 'Last use per person, where the source knows the person.' }),
});

export const DeviceUsageSchema = Type.Object(
  {
    deviceId: Type.String({ description: 'The device.' }),
    sources: Type.Union([Type.Array(UsageSourceSchema), Type.Null()], {
      description: 'The device’s usage sources; null when it never sent usage (metering off, or an older agent).',
    }),
    items: Type.Array(InstallUseSchema, { description: 'Every installed item, by source, name and arch.' }),
  },
  { description: 'Last use per installed application on one device.' },
);
export type DeviceUsageView = Static<typeof DeviceUsageSchema>;

export const ReclaimableSeatSchema = Type.Object({
  deviceId: Type.String({ description: 'The device the seat sits on.' }),
  hostname: Type.String({ description: 'Its host name.' }),
  user: Type.Union([Type.String(), Type.Null()], { description: 'The person the seat sits with, if known.' }),
  lastUsed: NullableDay('Last use of the product on that device (or by that person), if any.'),
  class: UsageClassSchema,
});

export const ReclamationSchema = Type.Object(
  {
    product: Type.String({ description: 'The product, as the license book names it.' }),
    metric: LicenseMetricSchema,
    seats: Type.Integer({ description: 'Seats of the current entitlements, pooled.' }),
    installs: Type.Integer({ description: 'Present devices with an install the entitlements match.' }),
    usedInstalls: Type.Integer({ description: 'Those used or rarely used.' }),
    unusedInstalls: Type.Integer({
      description:
        'Installs unused beyond the threshold (or never used while the device’s sources spoke for that long).',
    }),
    unknownInstalls: Type.Integer({ description: 'Installs on devices without usage sources (or too new to tell).' }),
    users: Type.Integer({ description: 'People counted under the metric (per user: distinct users of the devices).' }),
    usersWhoUsed: Type.Integer({ description: 'People who used it within the unused threshold.' }),
    reclaimable: Type.Integer({
      description:
        'Seats that could be taken back: unused installs (per device), or people none of whose installs were used (per user).',
    }),
    reclaimableSeats: Type.Array(ReclaimableSeatSchema, { description: 'Where they sit: the devices and people.' }),
    costPerSeat: Type.Union([Type.Number(), Type.Null()], {
      description: 'Cost of one seat over the current entitlements (weighted); null unless each has a cost.',
    }),
    nextRenewal: NullableDay('The earliest term end among the current entitlements, if any has one.'),
    renewingSeats: Type.Integer({ description: 'Seats of the entitlements ending on that day.' }),
    savingAtRenewal: Type.Union([Type.Number(), Type.Null()], {
      description:
        'Reclaimable seats (at most the renewing ones) × their cost per seat; null without a renewal or a cost.',
    }),
  },
  { description: 'What a product’s seats are used for, and what could be reclaimed at the next renewal.' },
);
export type Reclamation = Static<typeof ReclamationSchema>;

export const DEVICE_USAGE_EXAMPLE: DeviceUsageView = {
  deviceId: '0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9',
  sources: [
    { via: 'atime', since: '2024-03-01', covers: ['dpkg'] },
    { via: 'process', since: '2026-11-02', covers: ['dpkg', 'rpm'] },
  ],
  items: [
    {
      source: 'dpkg',
      name: 'libreoffice-writer',
      version: '4:7.4.7-1+deb12u5',
      arch: 'amd64',
      lastUsed: '2026-12-04',
      via: 'process',
      class: 'used',
      users: [{ user: 'alice', lastUsed: '2026-12-04', via: 'process', class: 'used' }],
    },
    {
      source: 'dpkg',
      name: 'gimp',
      version: '2.10.34-1',
      arch: 'amd64',
      lastUsed: null,
      via: null,
      class: 'unused',
      users: [],
    },
  ],
};

export const RECLAMATION_EXAMPLE: Reclamation = {
  product: 'Adobe Acrobat',
  metric: 'per_device',
  seats: 10,
  installs: 8,
  usedInstalls: 5,
  unusedInstalls: 2,
  unknownInstalls: 1,
  users: 8,
  usersWhoUsed: 5,
  reclaimable: 2,
  reclaimableSeats: [
    {
      deviceId: '0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9',
      hostname: 'ws-0042',
      user: 'bob',
      lastUsed: '2026-06-30',
      class: 'unused',
    },
    {
      deviceId: '1a2b3c4d-5e6f-4789-8abc-def012345678',
      hostname: 'ws-0077',
      user: 'carol',
      lastUsed: null,
      class: 'unused',
    },
  ],
  costPerSeat: 239.88,
  nextRenewal: '2027-01-31',
  renewingSeats: 10,
  savingAtRenewal: 479.76,
};

/** The query of a usage read: the day to classify as of (a renewal ahead, say); default today. */
export const UsageQuerySchema = Type.Object(
  {
    asOf: Type.Optional(
      Type.String({
        format: 'date',
        description: 'Classify as of this day (YYYY-MM-DD, UTC), e.g. a renewal date; default today.',
      }),
    ),
  },
  { additionalProperties: false },
);
export type UsageQuery = Static<typeof UsageQuerySchema>;
