import Type, { type Static } from 'typebox';

export const OsFamilySchema = Type.Union(
  [Type.Literal('linux'), Type.Literal('windows'), Type.Literal('macos'), Type.Literal('other')],
  { description: 'OS family; patch policies are set per family.' },
);
export type OsFamily = Static<typeof OsFamilySchema>;

const Str = (description: string) => Type.Optional(Type.String({ maxLength: 512, description }));

export const OsSchema = Type.Object(
  {
    family: OsFamilySchema,
    name: Type.String({
      maxLength: 256,
      description: 'Distribution or product name (Debian GNU/Linux, Windows 11 Pro, macOS).',
    }),
    version: Str('Version (12, 23H2, 14.5).'),
    codename: Str('Release code name (bookworm, Sonoma).'),
    build: Str('Build number (Windows build with UBR such as 22631.3880, macOS 23F79).'),
    kernel: Str('Kernel release.'),
    arch: Str('Architecture (x86_64, aarch64, arm64).'),
    installDate: Str('When the OS was installed (ISO 8601) where the OS records it.'),
    lastBoot: Str('Last boot time (ISO 8601).'),
    hostname: Type.String({ maxLength: 255, description: 'Host name.' }),
    fqdn: Str('Fully qualified domain name, when resolvable.'),
    domain: Str('Directory domain the machine is joined to (AD, Kerberos realm).'),
    workgroup: Str('Windows workgroup when not domain joined.'),
  },
  { additionalProperties: false },
);
export type Os = Static<typeof OsSchema>;
