import Type, { type Static } from 'typebox';
import { Nullable, Page } from './common.ts';
import { DEVICE_LIST_ITEM_EXAMPLE, DeviceListItemSchema } from './devices.ts';
import { UsageClassSchema } from './enums.ts';

/** One package version of the fleet's software catalogue. */
export const CatalogueEntrySchema = Type.Object({
  id: Type.Integer({ description: 'The catalogue entry.' }),
  source: Type.String({ description: 'dpkg, rpm, registry, app_bundle, ...' }),
  name: Type.String({ description: 'Package or product name.' }),
  version: Type.String({ description: 'Version, as the source reports it.' }),
  arch: Nullable(Type.String({ description: 'Architecture, where the source has one.' })),
  publisher: Nullable(Type.String({ description: 'Publisher or vendor.' })),
  installs: Type.Integer({ description: 'Devices that have this exact version now.' }),
  used: Type.Optional(Type.Integer({ description: 'Of those installs, used within the policy’s usedWithinDays.' })),
  rarelyUsed: Type.Optional(
    Type.Integer({ description: 'Installs last used between usedWithinDays and unusedAfterDays ago.' }),
  ),
  unused: Type.Optional(
    Type.Integer({
      description: 'Installs unused beyond unusedAfterDays (or never used while the device’s sources spoke that long).',
    }),
  ),
  usageUnknown: Type.Optional(
    Type.Integer({ description: 'Installs on devices without usage sources, or whose sources are too new to tell.' }),
  ),
});
export type CatalogueEntry = Static<typeof CatalogueEntrySchema>;

/** A package a device has that matches a who-has query. */
export const InstalledSoftwareSchema = Type.Object({
  source: Type.String({ description: 'dpkg, rpm, registry, app_bundle, ...' }),
  name: Type.String({ description: 'Package or product name.' }),
  version: Type.String({ description: 'Installed version.' }),
  arch: Type.Optional(Type.String({ description: 'Architecture, where the source has one.' })),
  publisher: Type.Optional(Type.String({ description: 'Publisher or vendor.' })),
  lastUsed: Type.Optional(
    Nullable(Type.String({ format: 'date', description: 'Day of last use on this device (UTC); null: none known.' })),
  ),
  usage: Type.Optional(UsageClassSchema),
});
export type InstalledSoftware = Static<typeof InstalledSoftwareSchema>;

/** A device of a who-has answer: its list row with the matching software it has. */
export const WhoHasItemSchema = Type.Object({
  ...DeviceListItemSchema.properties,
  software: Type.Array(InstalledSoftwareSchema, { description: 'The matching software this device has.' }),
  versions: Type.Array(Type.String(), { description: 'Their distinct versions, oldest first.' }),
});
export type WhoHasItem = Static<typeof WhoHasItemSchema>;

export const CataloguePageSchema = Page(CatalogueEntrySchema);
export type CataloguePage = Static<typeof CataloguePageSchema>;

export const WhoHasPageSchema = Page(WhoHasItemSchema);
export type WhoHasPage = Static<typeof WhoHasPageSchema>;

export const CATALOGUE_PAGE_EXAMPLE: CataloguePage = {
  items: [
    {
      id: 5120,
      source: 'dpkg',
      name: 'openssl',
      version: '3.0.2-0ubuntu1.15',
      arch: 'amd64',
      publisher: 'Ubuntu Developers',
      installs: 84,
      used: 52,
      rarelyUsed: 9,
      unused: 15,
      usageUnknown: 8,
    },
    {
      id: 7733,
      source: 'dpkg',
      name: 'openssl',
      version: '3.0.13-0ubuntu3.4',
      arch: 'amd64',
      publisher: 'Ubuntu Developers',
      installs: 31,
      used: 24,
      rarelyUsed: 2,
      unused: 3,
      usageUnknown: 2,
    },
  ],
  nextCursor: null,
};

export const WHO_HAS_PAGE_EXAMPLE: WhoHasPage = {
  items: [
    {
      ...DEVICE_LIST_ITEM_EXAMPLE,
      software: [
        {
          source: 'dpkg',
          name: 'openssl',
          version: '3.0.2-0ubuntu1.15',
          arch: 'amd64',
          publisher: 'Ubuntu Developers',
          lastUsed: '2026-08-14',
          usage: 'unused',
        },
      ],
      versions: ['3.0.2-0ubuntu1.15'],
    },
  ],
  nextCursor: null,
};
