import { Readable } from 'node:stream';
import { ProblemSchema } from '@stocktake/shared';
import { CsvPageSchema, type TPage } from '@stocktake/shared/api';
import type { SQL } from 'drizzle-orm';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import Type, { type TObject, type TSchema } from 'typebox';
import { writeCsvRows } from '../../../../domain/csv/csv.ts';
import {
  allPages,
  ListQueryError,
  type ListRequest,
  type ListSpec,
  runList,
  sortNames,
} from '../../../../store/sqlite/lists/list-query.ts';
import { HttpProblem } from '../../../plugins/problems/problem.ts';

/** Largest page a client may ask for; CSV exports are not paged. */
export const MAX_LIMIT = 500;

export interface ListRouteOptions<Row, Item, Extra extends Record<string, unknown>, Shown = Item> {
  spec: ListSpec<Row, Item>;
  /** The resource's page schema (from @stocktake/shared/api): the JSON response; its item's fields are the CSV columns. */
  page: TPage<TObject>;
  summary: string;
  description?: string;
  tags: string[];
  url?: string;
  /** Path parameters (`/:id/changes`), handed to `base`. */
  params?: TObject;
  /** Query parameters the route reads itself (not filters), e.g. who-has's software name; as given (Optional or not). */
  extraQuery?: Record<string, TSchema>;
  /** Conditions from those parameters and the path's (may throw a problem, e.g. 404 for an unknown id). */
  base?: (extra: Extra, params: Record<string, string>) => SQL[];
  /** Adds to a page of items what the route shows beside the spec's fields. */
  decorate?: (items: Item[], extra: Extra) => Shown[];
}

/** Whether the client asked for CSV (`Accept: text/csv`) rather than JSON. */
export function wantsCsv(request: FastifyRequest): boolean {
  const accept = request.headers.accept ?? '';
  return accept
    .split(',')
    .map((part) => part.split(';')[0]?.trim().toLowerCase())
    .some((type) => type === 'text/csv');
}

/** A value as a CSV cell: lists of plain values space-separated, objects as JSON. */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value) && value.every((v) => typeof v !== 'object' || v === null)) return value.join(' ');
  return JSON.stringify(value);
}

const optionalUnlessDefaulted = (schema: TSchema): TSchema =>
  (schema as { default?: unknown }).default === undefined ? Type.Optional(schema) : schema;

function refused(err: unknown): never {
  if (err instanceof ListQueryError) {
    throw HttpProblem.validation(err.message, [{ path: `/${err.field}`, message: err.message }]);
  }
  throw err;
}

/**
 * Registers a list route on a resource from its list spec: the same query string everywhere
 * (`limit` ≤ 500, `cursor`, `sort=field|-field`, `q`, the resource's filters; unknown
 * parameters refused), JSON pages, and the whole filtered list as CSV with `Accept: text/csv`,
 * streamed a page at a time.
 */
export function listRoute<Row, Item, Extra extends Record<string, unknown> = Record<string, never>, Shown = Item>(
  app: FastifyInstance,
  options: ListRouteOptions<Row, Item, Extra, Shown>,
): void {
  const { spec } = options;
  const filters = Object.fromEntries(
    Object.entries(spec.filters).map(([name, f]) => [name, optionalUnlessDefaulted(f.schema)]),
  );
  const extra = options.extraQuery ?? {};
  const querystring = Type.Object(
    {
      limit: Type.Integer({ minimum: 1, maximum: MAX_LIMIT, default: 50, description: 'Items per page.' }),
      cursor: Type.Optional(
        Type.String({ maxLength: 1024, description: 'nextCursor of the previous page (same sort).' }),
      ),
      sort: Type.Enum(sortNames(spec), {
        default: spec.defaultSort,
        description: 'A field, descending with a leading -.',
      }),
      ...(spec.search
        ? { q: Type.Optional(Type.String({ minLength: 1, maxLength: 255, description: spec.search.description })) }
        : {}),
      ...filters,
      ...extra,
    },
    { additionalProperties: false },
  );
  const columns = Object.keys(options.page.properties.items.items.properties);

  app.get(
    options.url ?? '/',
    {
      schema: {
        summary: options.summary,
        description: [
          options.description,
          'Send `Accept: text/csv` for every matching item as CSV (same filters and sort; limit and cursor ignored), streamed.',
        ]
          .filter(Boolean)
          .join(' '),
        tags: options.tags,
        ...(options.params ? { params: options.params } : {}),
        querystring,
        produces: ['application/json', 'text/csv'],
        response: {
          200: {
            description: 'A page of items, or with Accept: text/csv all of them.',
            content: {
              'application/json': { schema: options.page },
              'text/csv': { schema: CsvPageSchema },
            },
          },
          400: ProblemSchema,
          ...(options.params ? { 404: ProblemSchema } : {}),
        },
      },
    },
    async (request: FastifyRequest, reply: FastifyReply) => {
      const { limit, cursor, sort, q, ...rest } = request.query as Record<string, unknown> & {
        limit: number;
        cursor?: string;
        sort: string;
        q?: string;
      };
      const filterValues: Record<string, unknown> = {};
      const extraValues: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(rest)) {
        if (k in spec.filters) filterValues[k] = v;
        else extraValues[k] = v;
      }
      const shown = (items: Item[]): (Item | Shown)[] =>
        options.decorate ? options.decorate(items, extraValues as Extra) : items;
      let listRequest: Omit<ListRequest, 'limit' | 'cursor'>;
      try {
        listRequest = {
          sort,
          filters: filterValues,
          base: options.base?.(extraValues as Extra, (request.params ?? {}) as Record<string, string>) ?? [],
          ...(q !== undefined ? { q } : {}),
        };
        if (!wantsCsv(request)) {
          const page = runList(spec, { ...listRequest, limit, ...(cursor !== undefined ? { cursor } : {}) });
          return { items: shown(page.items), nextCursor: page.nextCursor };
        }
      } catch (err) {
        refused(err);
      }
      // The first page is read now, so a refused query is a problem response, not a broken download.
      let pages: Generator<Item[]>;
      let first: IteratorResult<Item[]>;
      try {
        pages = allPages(spec, listRequest);
        first = pages.next();
      } catch (err) {
        refused(err);
      }
      const rows = (items: Item[]) =>
        writeCsvRows(shown(items).map((item) => columns.map((c) => csvCell((item as Record<string, unknown>)[c]))));
      function* csv(): Generator<string> {
        yield writeCsvRows([columns]);
        if (!first.done) yield rows(first.value);
        for (const items of pages) yield rows(items);
      }
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${spec.name}.csv"`)
        .send(Readable.from(csv()));
    },
  );
}
