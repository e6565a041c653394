import type { CommandContext, FlagSpec } from './command.ts';
import { UsageError } from './errors.ts';
import { PAGE_FLAGS } from './flags.ts';
import type { ApiClient, Query } from './http-client.ts';
import { fetchList, listOptions, type Page } from './listing.ts';
import type { Column } from './output.ts';
import { progressBar } from './progress.ts';

/**
 * One filter of a collector list, as a flag: `--os-version 22.04*` → `osVersion=22.04*`. Every
 * list of the collector takes the same query (`q`, `sort=field|-field`, filters, `limit`,
 * `cursor`, CSV with `Accept: text/csv`); each list command declares its resource once here.
 */
export interface ListFilter {
  flag: string;
  param: string;
  description: string;
  value?: string;
  choices?: readonly string[];
  /** Offered by completion, not enforced: the collector refuses an unknown value itself. */
  suggestions?: readonly string[];
  /** A flag without a value that sends `param=sends` (`--unlinked` → `linked=false`). */
  sends?: string;
  /** Turns what a person types into what the API wants (a host name into a device id). */
  resolve?: (client: ApiClient, raw: string) => Promise<string>;
}

export interface ListResource {
  /** Route of the list, e.g. `/api/v1/devices`. */
  path: string;
  /** Sort fields the route accepts (each also descending with a leading -). */
  sorts: readonly string[];
  defaultSort: string;
  filters: readonly ListFilter[];
  /** What `--search` looks in. */
  search: string;
}

const CSV_FLAG: FlagSpec = {
  name: 'csv',
  kind: 'boolean',
  description: 'Print every matching row as CSV, as the collector exports it (--limit and --cursor do not apply)',
};

const FILTER_FLAG: FlagSpec = {
  name: 'filter',
  kind: 'string',
  value: 'NAME=VALUE',
  multiple: true,
  description: 'Any filter of the API by its query name (see /docs), e.g. --filter osFamily=linux',
};

/** The flags of a list command: its filters, then search, sort, raw filters, CSV and paging. */
export function listFlags(resource: ListResource): FlagSpec[] {
  return [
    ...resource.filters.map(
      (f): FlagSpec =>
        f.sends !== undefined
          ? { name: f.flag, kind: 'boolean', description: f.description }
          : {
              name: f.flag,
              kind: 'string',
              value: f.value ?? 'TEXT',
              description: f.description,
              ...(f.choices ? { choices: f.choices } : {}),
              ...(f.suggestions ? { suggestions: f.suggestions } : {}),
            },
    ),
    { name: 'search', kind: 'string', value: 'TEXT', description: `Only rows whose ${resource.search}` },
    {
      name: 'sort',
      kind: 'string',
      value: 'FIELD',
      description: `Sort by a field, descending with a leading - (default ${resource.defaultSort})`,
      choices: resource.sorts.flatMap((s) => [s, `-${s}`]),
    },
    FILTER_FLAG,
    CSV_FLAG,
    ...PAGE_FLAGS,
  ];
}

/** The query string for the flags given: filters (resolved), q, sort and raw --filter pairs. */
export async function listQuery(ctx: CommandContext, resource: ListResource): Promise<Record<string, string>> {
  const query: Record<string, string> = {};
  const set = (param: string, value: string, from: string) => {
    if (param in query && query[param] !== value) throw new UsageError(`${from} and another flag both set ${param}`);
    query[param] = value;
  };
  for (const f of resource.filters) {
    if (f.sends !== undefined) {
      if (ctx.flags.bool(f.flag)) set(f.param, f.sends, `--${f.flag}`);
      continue;
    }
    const raw = ctx.flags.string(f.flag);
    if (raw === undefined) continue;
    set(f.param, f.resolve ? await f.resolve(await ctx.client(), raw) : raw, `--${f.flag}`);
  }
  const search = ctx.flags.string('search');
  if (search !== undefined) set('q', search, '--search');
  const sort = ctx.flags.string('sort');
  if (sort !== undefined) set('sort', sort, '--sort');
  for (const pair of ctx.flags.list('filter')) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new UsageError(`--filter takes NAME=VALUE (got "${pair}")`);
    const name = pair.slice(0, at);
    if (['limit', 'cursor'].includes(name)) throw new UsageError(`--filter ${name}=…: use --${name}`);
    set(name, pair.slice(at + 1), '--filter');
  }
  return query;
}

/** Streams the whole filtered list as CSV to stdout (the collector ignores paging for CSV). */
async function printCsv(ctx: CommandContext, path: string, query: Query): Promise<void> {
  if (ctx.json) throw new UsageError('--csv and --json exclude each other');
  for (const flag of ['limit', 'cursor']) {
    if (ctx.flags.string(flag) !== undefined) throw new UsageError(`--csv prints every row: --${flag} does not apply`);
  }
  const client = await ctx.client();
  const bar = progressBar(ctx.io, 'download csv');
  bar.wait('collector preparing the list');
  // Chunks may split a UTF-8 character; the decoder keeps the partial bytes for the next one.
  const decoder = new TextDecoder('utf-8');
  try {
    await client.download(
      { method: 'GET', path, query, accept: 'text/csv' },
      {
        write(chunk) {
          ctx.io.out(decoder.decode(chunk, { stream: true }));
          return true;
        },
        once() {},
      },
      (done, total) => bar.update(done, total),
    );
  } finally {
    bar.finish();
  }
  ctx.io.out(decoder.decode());
}

/**
 * A list command's whole run: the query from its flags, then CSV, the API's JSON (pages joined),
 * or a table with, on stderr, how to see more. `extra` adds parameters of its own (who-has's name).
 */
export async function runList<T>(
  ctx: CommandContext,
  resource: ListResource,
  columns: readonly Column<T>[],
  empty: string,
  extra: Query = {},
): Promise<Page<T> | undefined> {
  const query = { ...extra, ...(await listQuery(ctx, resource)) };
  if (ctx.flags.bool('csv')) {
    await printCsv(ctx, resource.path, query);
    return undefined;
  }
  const options = listOptions(ctx);
  const page = await fetchList<T>(await ctx.client(), resource.path, query, options);
  if (ctx.json) {
    ctx.print.json(page);
    return page;
  }
  if (page.items.length === 0) {
    ctx.print.note(empty);
    return page;
  }
  ctx.print.table(page.items, columns);
  if (page.nextCursor) {
    ctx.print.note(`(${page.items.length} shown; more with --all, or --cursor ${page.nextCursor})`);
  }
  return page;
}
