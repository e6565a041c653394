import { LICENSE_LIST } from '@stocktake/shared/api';
import type { SQL } from 'drizzle-orm';
import type { License } from '../../../domain/licenses/license-model.ts';
import { dateBeforeFilter, equalFilter, likeAny, textFilter } from '../lists/filters.ts';
import type { ListSpec } from '../lists/list-query.ts';
import type { Db } from '../open-database.ts';
import { licenses } from '../schema/index.ts';
import { licenseFromRow } from './license-rows.ts';

type LicenseRow = typeof licenses.$inferSelect;

/** License entitlements: filters, sorts and `q` over product, publisher, pattern, order number and notes. */
export function createLicenseList(db: Db): ListSpec<LicenseRow, License, typeof LICENSE_LIST> {
  return {
    list: LICENSE_LIST,
    id: { expr: licenses.id, type: 'string' },
    sorts: {
      product: { expr: licenses.product, type: 'string' },
      publisher: { expr: licenses.publisher, type: 'string' },
      metric: { expr: licenses.metric, type: 'string' },
      seats: { expr: licenses.seats, type: 'number' },
      termEnd: { expr: licenses.termEnd, type: 'string' },
      orderNumber: { expr: licenses.orderNumber, type: 'string' },
      createdAt: { expr: licenses.createdAt, type: 'string' },
      updatedAt: { expr: licenses.updatedAt, type: 'string' },
    },
    filters: {
      product: textFilter(licenses.product),
      publisher: textFilter(licenses.publisher),
      metric: equalFilter(licenses.metric),
      orderNumber: textFilter(licenses.orderNumber),
      termEndBefore: dateBeforeFilter(licenses.termEnd),
    },
    search: (pattern): SQL =>
      likeAny(
        [licenses.product, licenses.publisher, licenses.namePattern, licenses.orderNumber, licenses.notes],
        pattern,
      ),
    fetch: ({ where, orderBy, limit, paging }) =>
      db
        .select({ row: licenses, ...paging })
        .from(licenses)
        .where(where)
        .orderBy(...orderBy)
        .limit(limit)
        .all()
        .map(({ row, __sort, __id }) => ({ ...row, __sort, __id })),
    toItems: (rows) => rows.map(licenseFromRow),
  };
}
