import Type, { type Static } from 'typebox';
import type { NetworkSettings } from '../network/settings.ts';
import { LOG_LEVELS } from './defaults.ts';

export { DEFAULTS, LOG_LEVELS } from './defaults.ts';

/**
 * The agent's config file. `service install` writes `{ server, enrollSecret }`; every other key
 * is optional and has a default. Objects are closed: a misspelt key stops the agent with its
 * name rather than being ignored.
 */
const Seconds = (description: string, minimum = 0) => Type.Optional(Type.Number({ minimum, description }));

export const ScheduleConfigSchema = Type.Object(
  {
    inventory: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 256,
        description: 'Cron expression for the full inventory (5 fields, or 6 with seconds first). Default hourly.',
      }),
    ),
    splaySeconds: Seconds('Random delay after each scheduled time, so a fleet does not call at once.'),
    runAtStart: Type.Optional(Type.Boolean({ description: 'Take an inventory as soon as the agent starts.' })),
    heartbeatSeconds: Seconds('Live-channel heartbeat interval.', 1),
    fullEverySeconds: Seconds('Send a full snapshot instead of a delta at least this often (0: always full).'),
  },
  { additionalProperties: false },
);

export const SpoolConfigSchema = Type.Object(
  {
    maxEntries: Type.Optional(Type.Integer({ minimum: 2, description: 'Snapshots the outbox holds at most.' })),
    maxBytes: Type.Optional(
      Type.Integer({ minimum: 65_536, description: 'Bytes (gzip) the outbox holds at most on disk.' }),
    ),
  },
  { additionalProperties: false },
);

export const RetryConfigSchema = Type.Object(
  {
    minSeconds: Seconds('First retry delay after a failed delivery or connection.'),
    maxSeconds: Seconds('Longest retry delay (the delay doubles up to this, with jitter).'),
  },
  { additionalProperties: false },
);

export const MeteringConfigSchema = Type.Object(
  {
    enabled: Type.Optional(
      Type.Boolean({
        description:
          'Measure software use (default true): per installed item and user, the day of last use (README, "Software metering"). False sends none.',
      }),
    ),
    sampleSeconds: Seconds('How often `run` looks at which programs are running (default 300).', 10),
  },
  { additionalProperties: false },
);

export const AgentConfigFileSchema = Type.Object(
  {
    server: Type.Optional(Type.String({ minLength: 1, maxLength: 2048, description: 'Collector URL.' })),
    enrollSecret: Type.Optional(
      Type.String({ minLength: 1, maxLength: 512, description: 'Used once, to enrol; then the agent has a token.' }),
    ),
    stateDir: Type.Optional(Type.String({ minLength: 1, description: 'Credentials, outbox and status.' })),
    hostRoot: Type.Optional(
      Type.String({
        minLength: 1,
        description: 'Directory prefixed to every path collectors read (a container inventorying its host at /host).',
      }),
    ),
    logLevel: Type.Optional(Type.Union(LOG_LEVELS.map((l) => Type.Literal(l)))),
    collectorTimeoutSeconds: Seconds('Time limit per collector.', 1),
    liveChannel: Type.Optional(
      Type.Boolean({ description: 'Hold a websocket to the collector (presence, refresh). HTTP alone works too.' }),
    ),
    caFile: Type.Optional(
      Type.String({
        minLength: 1,
        description:
          'PEM bundle of CA certificates trusted for the collector (and an https proxy), in addition to the default trust store.',
      }),
    ),
    proxy: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 2048,
        description:
          'HTTP(S) proxy to reach the collector through (CONNECT). Default: https_proxy / HTTPS_PROXY, or http_proxy / HTTP_PROXY for an http collector.',
      }),
    ),
    noProxy: Type.Optional(
      Type.String({
        maxLength: 8192,
        description: 'Hosts reached without the proxy, as NO_PROXY lists them. Default: no_proxy / NO_PROXY.',
      }),
    ),
    schedule: Type.Optional(ScheduleConfigSchema),
    spool: Type.Optional(SpoolConfigSchema),
    retry: Type.Optional(RetryConfigSchema),
    metering: Type.Optional(MeteringConfigSchema),
  },
  { additionalProperties: false },
);
export type AgentConfigFile = Static<typeof AgentConfigFileSchema>;

/** The config with every default filled in, as `run` uses it. */
export interface AgentConfig {
  server: string;
  enrollSecret?: string;
  stateDir: string;
  hostRoot: string;
  logLevel: (typeof LOG_LEVELS)[number];
  collectorTimeoutMs: number;
  liveChannel: boolean;
  schedule: {
    inventory: string;
    splayMs: number;
    runAtStart: boolean;
    heartbeatMs: number;
    fullEveryMs: number;
  };
  spool: { maxEntries: number; maxBytes: number };
  retry: { minMs: number; maxMs: number };
  /** Software metering: on or off, and how often `run` samples the running programs. */
  metering: { enabled: boolean; sampleMs: number };
  /** The CA bundle and the proxy for reaching the collector, read and checked. */
  network: NetworkSettings;
  /** Where the config file was read from, if one was. */
  file?: string;
}
