import Type, { type Static } from 'typebox';

export const SessionSchema = Type.Object(
  {
    user: Type.String({ maxLength: 256 }),
    terminal: Type.Optional(Type.String({ maxLength: 128 })),
    host: Type.Optional(Type.String({ maxLength: 256, description: 'Remote host for remote sessions.' })),
    since: Type.Optional(Type.String({ maxLength: 64, description: 'Login time (ISO 8601).' })),
  },
  { additionalProperties: false },
);
export type Session = Static<typeof SessionSchema>;

export const UsersSchema = Type.Object(
  {
    loggedIn: Type.Array(SessionSchema, { maxItems: 1024 }),
    lastLoggedIn: Type.Optional(
      Type.Object(
        {
          user: Type.String({ maxLength: 256 }),
          at: Type.Optional(Type.String({ maxLength: 64 })),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
export type Users = Static<typeof UsersSchema>;
