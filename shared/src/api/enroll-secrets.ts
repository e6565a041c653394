import Type, { type Static } from 'typebox';
import { Nullable } from './common.ts';
import { EnrollSecretOriginSchema } from './enums.ts';
import { AT } from './example-values.ts';

/** A secret agents enrol with, by its fingerprint. */
export const EnrollSecretSchema = Type.Object(
  {
    id: Type.Integer({ description: 'The secret id.' }),
    origin: EnrollSecretOriginSchema,
    fingerprint: Type.String({ description: "First 8 hex digits of the secret's SHA-256." }),
    createdAt: Type.String({ description: 'When it was made.' }),
    createdBy: Type.String({ description: '"config", or who made it.' }),
    revokedAt: Nullable(Type.String({ description: 'When it was revoked; null while live.' })),
    revokedBy: Nullable(Type.String({ description: 'Who revoked it.' })),
  },
  { description: 'An enroll secret, by its fingerprint.' },
);
export type EnrollSecret = Static<typeof EnrollSecretSchema>;

/** Enroll secrets, unpaged. */
export const EnrollSecretListSchema = Type.Object({
  items: Type.Array(EnrollSecretSchema, { description: 'The secrets, oldest first.' }),
});
export type EnrollSecretList = Static<typeof EnrollSecretListSchema>;

/** How a rotation goes. */
export const EnrollSecretRotateSchema = Type.Object(
  {
    keepPrevious: Type.Optional(
      Type.Boolean({ description: 'Leave the other secrets live, for a change-over (default false).' }),
    ),
  },
  { additionalProperties: false },
);
export type EnrollSecretRotate = Static<typeof EnrollSecretRotateSchema>;

/** What a rotation made and revoked. */
export const EnrollSecretRotationSchema = Type.Object({
  secret: Type.String({ description: 'The new enroll secret. Shown once.' }),
  created: EnrollSecretSchema,
  revoked: Type.Array(EnrollSecretSchema, { description: 'The secrets it revoked.' }),
});
export type EnrollSecretRotation = Static<typeof EnrollSecretRotationSchema>;

export const ENROLL_SECRET_EXAMPLE: EnrollSecret = {
  id: 2,
  origin: 'managed',
  fingerprint: '3f1c9a0b',
  createdAt: AT,
  createdBy: 'ops-admin',
  revokedAt: null,
  revokedBy: null,
};
