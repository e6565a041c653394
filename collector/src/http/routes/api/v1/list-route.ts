import { Readable } from 'node:stream';
import { ProblemSchema } from '@stocktake/shared';
import { CsvPageSchema, type ListDeclaration, listQuerySchema, type TPage } from '@stocktake/shared/api';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TObject, TSchema } from 'typebox';
import { writeCsvRows } from '../../../../domain/csv/csv.ts';
import { NotFoundError, ValidationError } from '../../../../domain/errors.ts';
import { allPages } from '../../../../domain/lists/all-pages.ts';
import type { Lister, ListQuery } from '../../../../domain/lists/list-query.ts';
import { flatText } from '../../../../domain/reports/flat-text.ts';
import { HttpProblem } from '../../../plugins/problems/problem.ts';

export interface ListRouteOptions<D extends ListDeclaration, Item, Own extends object> {
  /** What the list accepts (filters, sorts, q), as the API declares it. */
  list: D;
  /** Where the pages come from. */
  lister: Lister<Item, ListQuery<D> & Own>;
  /** The resource's page schema (from @stocktake/shared/api): the JSON response; its item's fields are the CSV columns. */
  page: TPage<TObject>;
  summary: string;
  description?: string;
  tags: string[];
  url?: string;
  /** Path parameters (`/:id/changes`), handed to `own`. */
  params?: TObject;
  /** Query parameters the route reads itself (not filters), e.g. who-has's software name; as given (Optional or not). */
  extraQuery?: Record<string, TSchema>;
  /** The query's own part beside the declared list query: from the extra parameters and the path's. */
  own?: (extra: Record<string, unknown>, params: Record<string, string>) => Own;
}

/** Whether the client asked for CSV (`Accept: text/csv`) rather than JSON. */
export function wantsCsv(request: FastifyRequest): boolean {
  const accept = request.headers.accept ?? '';
  return accept
    .split(',')
    .map((part) => part.split(';')[0]?.trim().toLowerCase())
    .some((type) => type === 'text/csv');
}

/**
 * A value as a CSV cell: lists of plain values space-separated, objects (a finding's subject and
 * evidence) as "key: value" text a spreadsheet shows as it is, never JSON to take apart.
 */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value) && value.every((v) => typeof v !== 'object' || v === null)) return value.join(' ');
  return flatText(value);
}

/** A list refusal (a cursor of another sort, a malformed version) or an unknown parent as a problem. */
function refused(err: unknown): never {
  if (err instanceof ValidationError) {
    throw HttpProblem.validation(
      err.message,
      err.problems.map((p) => ({ path: `/${p.field}`, message: p.message })),
    );
  }
  if (err instanceof NotFoundError) throw HttpProblem.notFound(err.message);
  throw err;
}

/**
 * Registers a list route on a resource from its declaration and its lister: the same query string
 * everywhere (`limit` ≤ 500, `cursor`, `sort=field|-field`, `q`, the resource's filters; unknown
 * parameters refused), JSON pages, and the whole filtered list as CSV with `Accept: text/csv`,
 * streamed a page at a time.
 */
export function listRoute<D extends ListDeclaration, Item, Own extends object = Record<never, never>>(
  app: FastifyInstance,
  options: ListRouteOptions<D, Item, Own>,
): void {
  const { list, lister } = options;
  const querystring = listQuerySchema(list, options.extraQuery ?? {});
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
        sort: ListQuery<D>['sort'];
        q?: string;
      };
      const filters: Record<string, unknown> = {};
      const extra: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(rest)) {
        if (k in list.filters) filters[k] = v;
        else extra[k] = v;
      }
      const params = (request.params ?? {}) as Record<string, string>;
      // Validated against the declaration's schemas above, so the values are the declared types.
      const query = {
        ...(options.own?.(extra, params) ?? ({} as Own)),
        sort,
        filters: filters as ListQuery<D>['filters'],
        ...(q !== undefined ? { q } : {}),
      } as Omit<ListQuery<D> & Own, 'limit' | 'cursor'>;
      if (!wantsCsv(request)) {
        try {
          return await lister.list({ ...query, limit, ...(cursor !== undefined ? { cursor } : {}) } as ListQuery<D> &
            Own);
        } catch (err) {
          refused(err);
        }
      }
      // The first page is read now, so a refused query is a problem response, not a broken download.
      const pages = allPages(lister, query);
      let first: IteratorResult<Item[]>;
      try {
        first = await pages.next();
      } catch (err) {
        refused(err);
      }
      const rows = (items: Item[]) =>
        writeCsvRows(items.map((item) => columns.map((c) => csvCell((item as Record<string, unknown>)[c]))));
      async function* csv(): AsyncGenerator<string> {
        yield writeCsvRows([columns]);
        if (!first.done) yield rows(first.value);
        for await (const items of pages) yield rows(items);
      }
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${list.name}.csv"`)
        .send(Readable.from(csv()));
    },
  );
}
