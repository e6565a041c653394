import { LICENSE_METRICS } from '@stocktake/shared/api';
import type { SQL } from 'drizzle-orm';
import type { License } from '../../../domain/licenses/license-model.ts';
import { dateBeforeFilter, enumFilter, likeAny, textFilter } from '../lists/filters.ts';
import type { ListSpec } from '../lists/list-query.ts';
import type { Db } from '../open-database.ts';
import { licenses } from '../schema/index.ts';
import { licenseFromRow } from './license-rows.ts';

type LicenseRow = typeof licenses.$inferSelect;

/** License entitlements: filters, sorts and `q` over product, publisher, pattern, order number and notes. */
export function createLicenseList(db: Db): ListSpec<LicenseRow, License> {
  return {
    name: 'licenses',
    defaultSort: 'product',
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
      product: textFilter(licenses.product, 'Product.'),
      publisher: textFilter(licenses.publisher, 'Publisher.'),
      metric: enumFilter(licenses.metric, LICENSE_METRICS, 'per_device or per_user.'),
      orderNumber: textFilter(licenses.orderNumber, 'Order number.'),
      termEndBefore: dateBeforeFilter(licenses.termEnd, 'Term ends on or before this date (YYYY-MM-DD).'),
    },
    search: {
      description: 'Product, publisher, name pattern, order number or notes contains the text.',
      where: (pattern): SQL =>
        likeAny(
          [licenses.product, licenses.publisher, licenses.namePattern, licenses.orderNumber, licenses.notes],
          pattern,
        ),
    },
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
