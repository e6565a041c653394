import Type, { type Static } from 'typebox';
import { USAGE_VIAS } from './api/vocabulary.ts';
import { SOFTWARE_SOURCE_COUNT, SoftwareSourceSchema } from './software.ts';

/**
 * Software use as the agent measured it: per installed item and per user, the day it was last
 * used and how that is known. Days only, in UTC: never a time of day, arguments, window titles
 * or documents. Optional in a snapshot (an agent with metering off, or an older agent, sends
 * none); a collector says it takes it in its acknowledgement (`accepts`), and an agent sends it
 * only to one that said so, so the contract version stays 1.
 */

export const UsageViaSchema = Type.Enum(USAGE_VIAS, {
  description: 'How the use is known: atime, process, bam, prefetch or spotlight (see USAGE_VIAS).',
});

const DaySchema = (description: string) => Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description });

export const UsageSourceStateSchema = Type.Object(
  {
    via: UsageViaSchema,
    since: DaySchema(
      'The earliest day this source can speak for (UTC): before it, no use seen means nothing. For access times the day the file system started keeping them; for process sampling the day the agent started sampling.',
    ),
    covers: Type.Optional(
      Type.Array(SoftwareSourceSchema, {
        minItems: 1,
        maxItems: SOFTWARE_SOURCE_COUNT,
        uniqueItems: true,
        description:
          'The software sources whose items this source can see, so that its silence about one of them means it was not used (macOS process sampling sees app bundles, not Homebrew formulae typed in a shell). Absent: every source.',
      }),
    ),
  },
  { additionalProperties: false },
);
export type UsageSourceState = Static<typeof UsageSourceStateSchema>;

export const UsageEntrySchema = Type.Object(
  {
    source: SoftwareSourceSchema,
    name: Type.String({ minLength: 1, maxLength: 512, description: 'The installed item’s name, as in `software`.' }),
    arch: Type.Optional(Type.String({ maxLength: 64, description: 'The installed item’s arch, as in `software`.' })),
    user: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 256,
        description:
          'Who used it, where the source says (a login name); absent when the source knows no user (access times, Spotlight).',
      }),
    ),
    lastUsed: DaySchema('Day of last use (UTC).'),
    via: UsageViaSchema,
  },
  { additionalProperties: false },
);
export type UsageEntry = Static<typeof UsageEntrySchema>;

export const UsageSchema = Type.Object(
  {
    sources: Type.Array(UsageSourceStateSchema, {
      maxItems: 8,
      description: 'The usage sources this device has; empty: metering is on but the device keeps no usage record.',
    }),
    entries: Type.Array(UsageEntrySchema, {
      maxItems: 200_000,
      description:
        'In a full snapshot every entry known; in a delta only those new or with another day or source since the base. Keyed by (source, name, arch, user).',
    }),
  },
  { additionalProperties: false, description: 'Software last use, per installed item and user, to the day.' },
);
export type Usage = Static<typeof UsageSchema>;

export {
  compareUsage,
  diffUsage,
  mergeUsage,
  usageKey,
} from './usage-diff.ts';
