import Type, { type Static } from 'typebox';

/** The collector is up and its database answers. */
export const HealthSchema = Type.Object({
  status: Type.Literal('ok', { description: 'Always ok.' }),
  version: Type.String({ description: 'The collector’s version.' }),
});
export type Health = Static<typeof HealthSchema>;

/** The collector is up but its database does not answer. */
export const HealthUnavailableSchema = Type.Object({
  status: Type.Literal('unavailable', { description: 'Always unavailable.' }),
  error: Type.String({ description: 'What is wrong.' }),
});
export type HealthUnavailable = Static<typeof HealthUnavailableSchema>;

export const HEALTH_EXAMPLE: Health = { status: 'ok', version: '0.1.0' };
