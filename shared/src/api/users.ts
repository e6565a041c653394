import Type, { type Static } from 'typebox';
import { Nullable } from './common.ts';
import { ApiRoleSchema } from './enums.ts';
import { AT } from './example-values.ts';

const UserNameSchema = Type.String({
  minLength: 1,
  maxLength: 64,
  description: 'Letters, digits and . _ - @ +: what the audit log records, as user:<name>, for this person’s writes.',
});
const PasswordSchema = Type.String({
  minLength: 12,
  maxLength: 1024,
  description: 'At least 12 characters. Kept only as a scrypt hash.',
});

/** A person's account, never its password. */
export const UserSchema = Type.Object({
  id: Type.Integer({ description: 'The user id.' }),
  name: UserNameSchema,
  role: ApiRoleSchema,
  createdAt: Type.String({ description: 'When it was made.' }),
  createdBy: Type.String({ description: 'Who made it.' }),
  passwordChangedAt: Type.String({ description: 'When its password was last set.' }),
  disabledAt: Nullable(Type.String({ description: 'When it was disabled; null while it may log in.' })),
  disabledBy: Nullable(Type.String({ description: 'Who disabled it.' })),
});
export type User = Static<typeof UserSchema>;

/** User accounts, unpaged. */
export const UserListSchema = Type.Object({
  items: Type.Array(UserSchema, { description: 'The accounts, oldest first.' }),
});
export type UserList = Static<typeof UserListSchema>;

/** A new account. Without a password the collector makes one and answers it this once. */
export const UserCreateSchema = Type.Object(
  { name: UserNameSchema, role: ApiRoleSchema, password: Type.Optional(PasswordSchema) },
  { additionalProperties: false },
);
export type UserCreate = Static<typeof UserCreateSchema>;

/** A new password for an account; without one the collector makes one and answers it this once. */
export const PasswordResetSchema = Type.Object(
  { password: Type.Optional(PasswordSchema) },
  { additionalProperties: false },
);
export type PasswordReset = Static<typeof PasswordResetSchema>;

/** An account just made or given a new password, with the password the collector made (if it made one). */
export const UserWithPasswordSchema = Type.Object({
  ...UserSchema.properties,
  password: Type.Optional(
    Type.String({ description: 'The password the collector made, shown this once; absent when one was given.' }),
  ),
});
export type UserWithPassword = Static<typeof UserWithPasswordSchema>;

/** Whether a list of accounts shows disabled ones too. */
export const IncludeDisabledQuerySchema = Type.Object(
  { includeDisabled: Type.Optional(Type.Boolean({ description: 'List disabled accounts too.' })) },
  { additionalProperties: false },
);

/** The account a user route names. */
export const UserParamsSchema = Type.Object({ name: UserNameSchema });

/** A login. */
export const LoginSchema = Type.Object(
  {
    name: UserNameSchema,
    password: Type.String({ minLength: 1, maxLength: 1024, description: 'The account’s password.' }),
  },
  { additionalProperties: false },
);
export type Login = Static<typeof LoginSchema>;

/** Who is calling: a person with a session (cookie), or a script with an API token. */
export const SessionSchema = Type.Object({
  kind: Type.Union([Type.Literal('user'), Type.Literal('token')], {
    description: 'user: a session cookie; token: an API token.',
  }),
  name: Type.String({ description: 'The user’s or the token’s name.' }),
  role: ApiRoleSchema,
  expiresAt: Nullable(
    Type.String({
      description: 'When the session ends unless used again (idle and absolute limits); null for a token.',
    }),
  ),
  csrfToken: Nullable(
    Type.String({
      description: 'Send it as the X-CSRF-Token header on every write made with the session cookie; null for a token.',
    }),
  ),
});
export type Session = Static<typeof SessionSchema>;

export const USER_EXAMPLE: User = {
  id: 2,
  name: 'ana.lopez',
  role: 'reader',
  createdAt: AT,
  createdBy: 'user:ops-lead',
  passwordChangedAt: AT,
  disabledAt: null,
  disabledBy: null,
};

export const SESSION_EXAMPLE: Session = {
  kind: 'user',
  name: 'ana.lopez',
  role: 'reader',
  expiresAt: '2026-11-22T17:11:39.921Z',
  csrfToken: 'mJ3xQ1pW8cV6nB0kT4yR7uE2sD9fG5hL1aZ3oN8iK0q',
};
