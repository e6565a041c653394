import type { FlagSpec } from './command.ts';

/** Flags every command accepts. */
export const HELP_FLAG: FlagSpec = { name: 'help', short: 'h', kind: 'boolean', description: 'Show help and exit' };

export const JSON_FLAG: FlagSpec = {
  name: 'json',
  kind: 'boolean',
  description: "Print the API's JSON as is (for scripts) instead of tables",
};

/** Where the collector is and who we are; flags win over the environment and the profile file. */
export const CONNECTION_FLAGS: readonly FlagSpec[] = [
  { name: 'url', kind: 'string', value: 'URL', description: 'Collector URL (STOCKTAKE_URL, or the profile)' },
  { name: 'token', kind: 'string', value: 'TOKEN', description: 'API token (STOCKTAKE_TOKEN, or the profile)' },
  {
    name: 'profile',
    kind: 'string',
    value: 'NAME',
    description: 'Profile of the config file to use (STOCKTAKE_PROFILE, default "default")',
  },
  {
    name: 'timeout',
    kind: 'string',
    value: 'SECONDS',
    description: 'Give up on a request after this long without an answer (default 30)',
  },
];

/** Paging of every list: at most --limit rows unless --all, continuing from --cursor. */
export const PAGE_FLAGS: readonly FlagSpec[] = [
  { name: 'limit', kind: 'string', value: 'N', description: 'Show at most N rows (default 50)' },
  { name: 'all', kind: 'boolean', description: 'Show every row (follows the pages)' },
  { name: 'cursor', kind: 'string', value: 'CURSOR', description: 'Continue where a previous listing stopped' },
];

export const DRY_RUN_FLAG: FlagSpec = {
  name: 'dry-run',
  kind: 'boolean',
  description: 'Show what would change and write nothing',
};

export const COMMENT_FLAG: FlagSpec = {
  name: 'comment',
  kind: 'string',
  value: 'TEXT',
  description: 'Why, kept in the finding history and the audit log',
};

/** Flags accepted by every command, collector or not. */
export const ALWAYS_FLAGS: readonly FlagSpec[] = [HELP_FLAG];

/** Flags accepted by every command that talks to a collector. */
export const ONLINE_FLAGS: readonly FlagSpec[] = [JSON_FLAG, ...CONNECTION_FLAGS];

export const DEFAULT_LIMIT = 50;
/** Page size asked of the collector when following pages (its lists cap at 500). */
export const MAX_PAGE = 500;
