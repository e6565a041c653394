import Type, { type Static, type TSchema } from 'typebox';

export const SectionStatusSchema = Type.Union([Type.Literal('ok'), Type.Literal('partial'), Type.Literal('failed')], {
  description:
    '`ok`: every source answered. `partial`: some sources failed, `data` holds what the others gave and `reason` says what is missing. `failed`: nothing usable, `data` is absent.',
});
export type SectionStatus = Static<typeof SectionStatusSchema>;

/** Envelope shared by every snapshot section: the data plus how its collection went. */
export function SectionSchema<T extends TSchema>(data: T, description: string) {
  return Type.Object(
    {
      status: SectionStatusSchema,
      reason: Type.Optional(Type.String({ maxLength: 2000, description: 'Why the section is partial or failed.' })),
      failedSources: Type.Optional(
        Type.Array(Type.String({ maxLength: 64 }), {
          maxItems: 64,
          description:
            'Sources that failed in a `partial` section. For software these are item `source` values: the collector keeps what it last knew from them instead of reading their absence as uninstalls.',
        }),
      ),
      collectedAt: Type.String({
        format: 'date-time',
        description: 'When collection of this section finished (UTC).',
      }),
      durationMs: Type.Number({
        minimum: 0,
        description: 'Wall time spent collecting this section.',
      }),
      hash: Type.Optional(
        Type.String({
          pattern: '^[0-9a-f]{64}$',
          description: 'SHA-256 of the canonical JSON of `data` (see shared/README.md).',
        }),
      ),
      data: Type.Optional(data),
    },
    { description, additionalProperties: false },
  );
}

export interface Section<T> {
  status: SectionStatus;
  reason?: string;
  failedSources?: string[];
  collectedAt: string;
  durationMs: number;
  hash?: string;
  data?: T;
}
