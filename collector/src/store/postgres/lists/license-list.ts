import { LICENSE_LIST } from '@stocktake/shared/api';
import type { License } from '../../../domain/licenses/license-model.ts';
import type { Db } from '../connection.ts';
import { licenseFromRow } from '../licenses/license-rows.ts';
import { licenses } from '../schema/index.ts';
import { dateBeforeFilter, equalFilter, likeAny, textFilter } from './filters.ts';
import type { ListSpec } from './list-query.ts';

type LicenseRow = typeof licenses.$inferSelect;

/** License entitlements: filters, sorts and `q` over product, publisher, pattern, order number and notes. */
export function createLicenseList(db: Db): ListSpec<LicenseRow, License, typeof LICENSE_LIST> {
  return {
    list: LICENSE_LIST,
    id: { expr: licenses.id, type: 'string' },
    sorts: {
      product: { expr: licenses.product, type: 'string', notNull: true },
      publisher: { expr: licenses.publisher, type: 'string' },
      metric: { expr: licenses.metric, type: 'string', notNull: true },
      seats: { expr: licenses.seats, type: 'number', notNull: true },
      termEnd: { expr: licenses.termEnd, type: 'instant' },
      orderNumber: { expr: licenses.orderNumber, type: 'string', notNull: true },
      createdAt: { expr: licenses.createdAt, type: 'instant', notNull: true },
      updatedAt: { expr: licenses.updatedAt, type: 'instant', notNull: true },
    },
    filters: {
      product: textFilter(licenses.product),
      publisher: textFilter(licenses.publisher),
      metric: equalFilter(licenses.metric),
      orderNumber: textFilter(licenses.orderNumber),
      termEndBefore: dateBeforeFilter(licenses.termEnd),
    },
    search: (pattern) =>
      likeAny(
        [licenses.product, licenses.publisher, licenses.namePattern, licenses.orderNumber, licenses.notes],
        pattern,
      ),
    fetch: async ({ where, orderBy, limit, paging }) =>
      (
        await db
          .select({ row: licenses, ...paging })
          .from(licenses)
          .where(where)
          .orderBy(...orderBy)
          .limit(limit)
      ).map(({ row, __sort, __id }) => ({ ...row, __sort, __id })),
    toItems: (rows) => rows.map(licenseFromRow),
  };
}
