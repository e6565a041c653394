import Type, { type Static } from 'typebox';

export const SoftwareSourceSchema = Type.Union(
  [
    Type.Literal('dpkg'),
    Type.Literal('rpm'),
    Type.Literal('apk'),
    Type.Literal('pacman'),
    Type.Literal('snap'),
    Type.Literal('flatpak'),
    Type.Literal('registry'),
    Type.Literal('appx'),
    Type.Literal('app_bundle'),
    Type.Literal('homebrew'),
    Type.Literal('homebrew_cask'),
    Type.Literal('test'),
  ],
  { description: 'Package database or mechanism the item was read from.' },
);
export type SoftwareSource = Static<typeof SoftwareSourceSchema>;
/** How many software sources there are: no list of them needs more items. */
export const SOFTWARE_SOURCE_COUNT = SoftwareSourceSchema.anyOf.length;

export const SoftwareItemSchema = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 512, description: 'Package or product name.' }),
    version: Type.String({
      maxLength: 256,
      description: 'Version as the source prints it, epoch included (`1:2.3-4`); empty when the source has none.',
    }),
    publisher: Type.Optional(Type.String({ maxLength: 512, description: 'Publisher, vendor or maintainer.' })),
    arch: Type.Optional(Type.String({ maxLength: 64, description: 'Architecture (amd64, x86_64, noarch, x64, x86).' })),
    source: SoftwareSourceSchema,
    installDate: Type.Optional(Type.String({ maxLength: 64, description: 'Install date (ISO 8601) where known.' })),
    installLocation: Type.Optional(Type.String({ maxLength: 2048, description: 'Install path where known.' })),
  },
  { additionalProperties: false },
);
export type SoftwareItem = Static<typeof SoftwareItemSchema>;

export const SoftwareSchema = Type.Array(SoftwareItemSchema, {
  maxItems: 50_000,
  description: 'Installed software, sorted by source, name, arch and version.',
});

export { compareSoftware, softwareKey } from './software-order.ts';
