import { EX_USAGE } from '@stocktake/shared/cli';

/**
 * Exit codes of `stocktake`, stable for scripts. Listed in `stocktake --help` and the README from
 * this one table. A usage error is 64 (sysexits.h), as in every Stocktake command line.
 */
export const EXIT = {
  ok: 0,
  refused: 1,
  usage: EX_USAGE,
  auth: 3,
  unreachable: 4,
  notFound: 5,
  localFile: 6,
  collectorError: 7,
  internal: 8,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export const EXIT_MEANINGS: readonly (readonly [ExitCode, string])[] = [
  [EXIT.ok, 'done'],
  [
    EXIT.refused,
    'the collector refused the request: invalid input, a conflict, agent offline, import with errors, rate limit (429) after waiting',
  ],
  [EXIT.auth, 'no token, a wrong or revoked token (401), or a token whose role may not do this (403)'],
  [
    EXIT.unreachable,
    'collector unreachable or timed out, or the URL is not a Stocktake collector (also: refresh --wait got no inventory in time)',
  ],
  [EXIT.notFound, 'not found: no such device, asset, license or finding (404)'],
  [
    EXIT.localFile,
    'a local file could not be read or written (import file, export file, profile file), or an import file is over the size limit',
  ],
  [EXIT.collectorError, 'the collector failed (5xx), answered something unreadable, or lacks the route'],
  [EXIT.internal, 'a bug in this command line (the message says where)'],
  [EXIT.usage, 'usage error: unknown command or flag, missing or malformed argument, no collector URL'],
];
