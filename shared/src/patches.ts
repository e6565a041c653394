import Type, { type Static } from 'typebox';

export const PendingUpdateSchema = Type.Object(
  {
    name: Type.String({ maxLength: 512, description: 'Package, update or product name.' }),
    installedVersion: Type.Optional(Type.String({ maxLength: 256 })),
    availableVersion: Type.Optional(Type.String({ maxLength: 256 })),
    security: Type.Boolean({ description: 'Comes from a security origin or advisory.' }),
    origin: Type.Optional(Type.String({ maxLength: 512, description: 'Repository, advisory id or catalogue.' })),
    severity: Type.Optional(
      Type.String({ maxLength: 64, description: 'Advisory severity where the source gives one.' }),
    ),
    recommended: Type.Optional(Type.Boolean({ description: 'macOS: recommended by softwareupdate.' })),
  },
  { additionalProperties: false },
);
export type PendingUpdate = Static<typeof PendingUpdateSchema>;

export const HotfixSchema = Type.Object(
  {
    id: Type.String({ maxLength: 64, description: 'KB identifier (KB5034441).' }),
    description: Type.Optional(Type.String({ maxLength: 256 })),
    installedOn: Type.Optional(Type.String({ maxLength: 64, description: 'Install date (ISO 8601).' })),
  },
  { additionalProperties: false },
);
export type Hotfix = Static<typeof HotfixSchema>;

export const PatchStateSchema = Type.Object(
  {
    pendingCount: Type.Optional(Type.Integer({ minimum: 0, description: 'Updates available.' })),
    pendingSecurityCount: Type.Optional(Type.Integer({ minimum: 0, description: 'Security updates available.' })),
    pending: Type.Optional(Type.Array(PendingUpdateSchema, { maxItems: 20_000 })),
    lastPackageChange: Type.Optional(
      Type.String({ maxLength: 64, description: 'Last time the package database changed (ISO 8601).' }),
    ),
    lastInstall: Type.Optional(Type.String({ maxLength: 64, description: 'Windows: last update install (ISO 8601).' })),
    hotfixes: Type.Optional(Type.Array(HotfixSchema, { maxItems: 5_000 })),
    rebootPending: Type.Optional(Type.Boolean()),
    oldestPendingSecuritySince: Type.Optional(
      Type.String({ maxLength: 64, description: 'When the oldest pending security update was first seen (ISO 8601).' }),
    ),
  },
  { additionalProperties: false, description: 'Patch state: pending and security updates, installed hotfixes.' },
);
export type PatchState = Static<typeof PatchStateSchema>;
