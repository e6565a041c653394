import Type, { type Static } from 'typebox';

export const MacAddressSchema = Type.String({
  pattern: '^[0-9a-f]{2}(:[0-9a-f]{2}){5}$',
  description: 'MAC address, lower case, colon separated.',
});

export const DeviceIdentitySchema = Type.Object(
  {
    hostname: Type.String({ minLength: 1, maxLength: 255, description: 'Short host name.' }),
    hardwareSerial: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 255,
        description: 'System serial number as firmware reports it; absent when unreadable.',
      }),
    ),
    hardwareUuid: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 64,
        description: 'SMBIOS system UUID, lower case; absent when unreadable.',
      }),
    ),
    macs: Type.Array(MacAddressSchema, {
      maxItems: 256,
      description: 'MACs of physical network interfaces, sorted; virtual and all-zero MACs excluded.',
    }),
  },
  {
    additionalProperties: false,
    description:
      'Facts the collector uses to recognise the device across agent reinstalls (serial, UUID, MACs, hostname, in that order of trust).',
  },
);
export type DeviceIdentity = Static<typeof DeviceIdentitySchema>;
