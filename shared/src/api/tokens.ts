import Type, { type Static } from 'typebox';
import { Nullable } from './common.ts';
import { ApiRoleSchema } from './enums.ts';
import { AT } from './example-values.ts';

/** An API token, never its secret. */
export const ApiTokenSchema = Type.Object({
  id: Type.Integer({ description: 'The token id.' }),
  name: Type.String({ description: 'What the audit log records as the actor of this token’s writes.' }),
  role: ApiRoleSchema,
  createdAt: Type.String({ description: 'When it was made.' }),
  createdBy: Type.String({ description: 'Who made it.' }),
  lastUsedAt: Nullable(Type.String({ description: 'To the minute.' })),
  revokedAt: Nullable(Type.String({ description: 'When it was revoked; null while live.' })),
  revokedBy: Nullable(Type.String({ description: 'Who revoked it.' })),
});
export type ApiToken = Static<typeof ApiTokenSchema>;

/** API tokens, unpaged. */
export const ApiTokenListSchema = Type.Object({
  items: Type.Array(ApiTokenSchema, { description: 'The tokens, oldest first.' }),
});
export type ApiTokenList = Static<typeof ApiTokenListSchema>;

/** A new API token. */
export const ApiTokenCreateSchema = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 64, description: 'Unique among live tokens.' }),
    role: ApiRoleSchema,
  },
  { additionalProperties: false },
);
export type ApiTokenCreate = Static<typeof ApiTokenCreateSchema>;

/** A token just made, with the secret shown this once. */
export const CreatedApiTokenSchema = Type.Object({
  ...ApiTokenSchema.properties,
  secret: Type.String({ description: 'The bearer token. Shown once; the collector keeps only its hash.' }),
});
export type CreatedApiToken = Static<typeof CreatedApiTokenSchema>;

export const API_TOKEN_EXAMPLE: ApiToken = {
  id: 4,
  name: 'grafana',
  role: 'reader',
  createdAt: AT,
  createdBy: 'ops-admin',
  lastUsedAt: null,
  revokedAt: null,
  revokedBy: null,
};
