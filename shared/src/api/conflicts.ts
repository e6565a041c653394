import Type, { type Static } from 'typebox';
import { ConflictKindSchema } from './enums.ts';
import { AGENT, DEVICE } from './example-values.ts';

/** An identifier that names more than one machine, and the machines it names. */
export const ConflictSchema = Type.Object({
  kind: ConflictKindSchema,
  value: Type.String({ description: 'The identifier: a serial, a UUID or a MAC address.' }),
  deviceIds: Type.Array(Type.String(), { description: 'Devices that report it.' }),
  assetIds: Type.Array(Type.String(), { description: 'Register assets that carry it.' }),
});
export type Conflict = Static<typeof ConflictSchema>;

/** Every conflict the collector knows of. */
export const ConflictListSchema = Type.Object({
  items: Type.Array(ConflictSchema, { description: 'Every identifier conflict, unpaged.' }),
});
export type ConflictList = Static<typeof ConflictListSchema>;

export const CONFLICT_LIST_EXAMPLE: ConflictList = {
  items: [{ kind: 'duplicate_serial', value: 'to be filled', deviceIds: [DEVICE, AGENT], assetIds: [] }],
};
