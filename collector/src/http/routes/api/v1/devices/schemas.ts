import Type from 'typebox';
import { Nullable } from '../schema-helpers.ts';

export const DeviceSummarySchema = Type.Object({
  id: Type.String(),
  hostname: Type.String(),
  hardwareSerial: Nullable(Type.String()),
  vendor: Nullable(Type.String()),
  model: Nullable(Type.String()),
  osFamily: Nullable(Type.String()),
  osName: Nullable(Type.String()),
  osVersion: Nullable(Type.String()),
  cpuModel: Nullable(Type.String()),
  cpuCores: Nullable(Type.Integer()),
  memoryBytes: Nullable(Type.Integer()),
  softwareCount: Type.Integer(),
  pendingUpdates: Nullable(Type.Integer()),
  pendingSecurityUpdates: Nullable(Type.Integer()),
  firstSeenAt: Type.String({ format: 'date-time' }),
  lastSeenAt: Type.String({ format: 'date-time' }),
});

export const DeviceListItemSchema = Type.Object({
  ...DeviceSummarySchema.properties,
  primaryUser: Nullable(Type.String({ description: 'The last user to log in, else the first logged in now.' })),
  macs: Type.Array(Type.String()),
  agentVersion: Nullable(Type.String()),
  assetId: Nullable(Type.String({ description: 'The register asset the device is linked to.' })),
  assetTag: Nullable(Type.String()),
});
