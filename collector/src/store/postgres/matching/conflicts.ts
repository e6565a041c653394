import type { ConflictKind } from '@stocktake/shared/api';
import { type SQL, sql } from 'drizzle-orm';
import type { IdentityConflict, IdentityConflicts } from '../../../domain/matching/ports.ts';
import type { Executor } from '../connection.ts';

/*
 * Identity conflicts answered by PostgreSQL in one statement each: every kind is a grouped query
 * with its devices and assets gathered as arrays. Ids are ordered bytewise (COLLATE "C"), as
 * SQLite orders text, whatever the database's locale.
 */

const devicesWith = (column: 'serial_key' | 'uuid_key', value: SQL) =>
  sql.raw(`array(select id from devices where ${column} = `).append(sql`${value} order by id collate "C")`);
const assetsWithSerial = (value: SQL) =>
  sql`array(select id from assets where serial_key = ${value} order by id collate "C")`;
const devicesWithMac = (value: SQL) =>
  sql`array(select d.id from device_macs m join devices d on d.key = m.device_key where m.mac = ${value} order by d.id collate "C")`;
const NONE = sql`'{}'::text[]`;

/** Devices sharing a serial, a UUID or a MAC, and assets sharing a serial, restricted by `where` on each. */
function shared(scope: { device?: number; asset?: string }): SQL {
  const onDevice = (alias: string) =>
    scope.device === undefined ? sql`` : sql.raw(` and ${alias}.key = `).append(sql`${scope.device}`);
  const serial = sql`select 1 as ord, 'duplicate_serial' as kind, v.serial_key as value,
      ${devicesWith('serial_key', sql`v.serial_key`)} as device_ids, ${assetsWithSerial(sql`v.serial_key`)} as asset_ids
    from (select distinct d.serial_key from devices d where d.serial_key is not null${onDevice('d')}
      and (select count(*) from devices o where o.serial_key = d.serial_key) > 1) v`;
  const uuid = sql`select 2, 'shared_uuid', v.uuid_key, ${devicesWith('uuid_key', sql`v.uuid_key`)}, ${NONE}
    from (select distinct d.uuid_key from devices d where d.uuid_key is not null${onDevice('d')}
      and (select count(*) from devices o where o.uuid_key = d.uuid_key) > 1) v`;
  const mac = sql`select 3, 'shared_mac', v.mac, ${devicesWithMac(sql`v.mac`)}, ${NONE}
    from (select distinct m.mac from device_macs m join devices d on d.key = m.device_key where true${onDevice('d')}
      and exists (select 1 from device_macs o where o.mac = m.mac and o.device_key <> m.device_key)) v`;
  const assetSerial = sql`select 4, 'duplicate_asset_serial', v.serial_key,
      ${devicesWith('serial_key', sql`v.serial_key`)}, ${assetsWithSerial(sql`v.serial_key`)}
    from (select distinct a.serial_key from assets a where a.serial_key is not null
      and (select count(*) from assets o where o.serial_key = a.serial_key) > 1) v`;
  if (scope.device !== undefined) return sql`${serial} union all ${uuid} union all ${mac}`;
  if (scope.asset === undefined) return sql`${serial} union all ${uuid} union all ${mac} union all ${assetSerial}`;
  // An asset's: its serial on other assets, or on several devices.
  const asset = scope.asset;
  return sql`select 1 as ord, 'duplicate_asset_serial' as kind, a.serial_key as value,
      ${devicesWith('serial_key', sql`a.serial_key`)} as device_ids, ${assetsWithSerial(sql`a.serial_key`)} as asset_ids
    from assets a where a.id = ${asset} and a.serial_key is not null
      and exists (select 1 from assets o where o.serial_key = a.serial_key and o.id <> a.id)
    union all select 2, 'duplicate_serial', a.serial_key,
      ${devicesWith('serial_key', sql`a.serial_key`)}, ${assetsWithSerial(sql`a.serial_key`)}
    from assets a where a.id = ${asset} and a.serial_key is not null
      and (select count(*) from devices o where o.serial_key = a.serial_key) > 1`;
}

/**
 * Open claims: an agent reporting the hardware of a device another agent follows, waiting on a
 * device of its own. The claimed device comes first, then the claimant's.
 */
function claims(device?: number): SQL {
  const either = device === undefined ? sql`` : sql` and (claimed.key = ${device} or claimant.key = ${device})`;
  return sql`select 5 as ord, coalesce(ag.claim_kind, 'claimed_identity') as kind,
      coalesce(claimed.serial_key, claimed.id) as value,
      array[claimed.id, claimant.id] as device_ids,
      case when claimed.serial_key is null then ${NONE} else ${assetsWithSerial(sql`claimed.serial_key`)} end as asset_ids,
      claimed.id as claimed_id, claimant.id as claimant_id
    from agents ag
    join devices claimed on claimed.id = ag.claimed_device_id
    join devices claimant on claimant.id = ag.device_id
    where ag.revoked_at is null and claimed.id <> claimant.id${either}`;
}

interface ConflictRow extends Record<string, unknown> {
  kind: ConflictKind;
  value: string;
  device_ids: string[];
  asset_ids: string[];
}

async function conflicts(db: Executor, query: SQL, withClaims: SQL | undefined): Promise<IdentityConflict[]> {
  const pad = sql`, null::text as claimed_id, null::text as claimant_id`;
  const all = withClaims
    ? sql`select * from (select *${pad} from (${query}) s union all ${withClaims}) c
        order by ord, claimed_id collate "C", claimant_id collate "C", value collate "C"`
    : sql`select * from (${query}) c order by ord, value collate "C"`;
  const { rows } = await db.execute<ConflictRow>(all);
  return rows.map((r) => ({ kind: r.kind, value: r.value, deviceIds: r.device_ids, assetIds: r.asset_ids }));
}

/** The IdentityConflicts port over PostgreSQL, devices named by id. */
export function createIdentityConflicts(db: Executor): IdentityConflicts {
  return {
    async ofDevice(deviceId) {
      const { rows } = await db.execute<{ key: number }>(sql`select key from devices where id = ${deviceId}`);
      const key = rows[0]?.key;
      return key === undefined ? [] : conflicts(db, shared({ device: key }), claims(key));
    },
    ofAsset: (assetId) => conflicts(db, shared({ asset: assetId }), undefined),
    all: () => conflicts(db, shared({}), claims()),
  };
}

/** An asset's conflicts, in the caller's transaction: for the asset's detail. */
export const conflictsOfAsset = (db: Executor, assetId: string) => conflicts(db, shared({ asset: assetId }), undefined);
