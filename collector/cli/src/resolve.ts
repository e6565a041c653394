import type { Asset, DeviceSummary, License } from '@stocktake/shared/api';
import { CliError, UsageError } from './errors.ts';
import { EXIT } from './exit-codes.ts';
import type { ApiClient } from './http-client.ts';
import type { Page } from './listing.ts';

/**
 * People name things the way they see them (a host name, an asset tag, a product); the API wants
 * ids. These turn either into an id, refusing a name that fits several.
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const isUuid = (value: string) => UUID.test(value);

function ambiguous(what: string, name: string, candidates: readonly string[]): UsageError {
  return new UsageError(`${what} "${name}" names ${candidates.length}: ${candidates.join(', ')}; give the id`);
}

/** The collector's text filters read * and ? as wildcards; a name typed with them may match several. */
async function byFilter<T>(client: ApiClient, path: string, query: Record<string, string>): Promise<T[]> {
  const page = await client.get<Page<T>>(path, { ...query, limit: 20 });
  return page.items;
}

/** A device id, from its id or its host name (full or short, any case; * and ? as wildcards). */
export async function resolveDevice(client: ApiClient, nameOrId: string): Promise<string> {
  if (isUuid(nameOrId)) return nameOrId;
  let found = await byFilter<DeviceSummary>(client, '/api/v1/devices', { hostname: nameOrId });
  // A short name finds its FQDN: ws-0042 is ws-0042.corp.example.org.
  if (found.length === 0 && !nameOrId.includes('.')) {
    found = await byFilter<DeviceSummary>(client, '/api/v1/devices', { hostname: `${nameOrId}.*` });
  }
  const [only] = found;
  if (found.length === 1 && only) return only.id;
  if (found.length > 1)
    throw ambiguous(
      'host name',
      nameOrId,
      found.map((d) => `${d.hostname} (${d.id})`),
    );
  throw new CliError(EXIT.notFound, `No device with id or host name "${nameOrId}"`);
}

/** An asset id, from its id or its asset tag (any case). */
export async function resolveAsset(client: ApiClient, tagOrId: string): Promise<string> {
  if (isUuid(tagOrId)) return tagOrId;
  const found = await byFilter<Asset>(client, '/api/v1/assets', { assetTag: tagOrId });
  const [only] = found;
  if (found.length === 1 && only) return only.id;
  if (found.length > 1)
    throw ambiguous(
      'asset tag',
      tagOrId,
      found.map((a) => `${a.assetTag} (${a.id})`),
    );
  throw new CliError(EXIT.notFound, `No asset with id or asset tag "${tagOrId}"`);
}

/** A license id, from its id or its product name (when the product has one entitlement). */
export async function resolveLicense(client: ApiClient, productOrId: string): Promise<string> {
  if (isUuid(productOrId)) return productOrId;
  const found = await byFilter<License>(client, '/api/v1/licenses', { product: productOrId });
  const [only] = found;
  if (found.length === 1 && only) return only.id;
  if (found.length > 1) {
    throw ambiguous(
      'product',
      productOrId,
      found.map((l) => `${l.id}${l.orderNumber ? ` (order ${l.orderNumber})` : ''}`),
    );
  }
  throw new CliError(EXIT.notFound, `No license with id or product "${productOrId}"`);
}

/**
 * A license whose product position is wanted: its id, or a product name. A product with several
 * entitlements under one metric has one position, so any of them answers; only a product bought
 * under two metrics is ambiguous.
 */
export async function resolveLicensePosition(client: ApiClient, productOrId: string): Promise<string> {
  if (isUuid(productOrId)) return productOrId;
  const found = await byFilter<License>(client, '/api/v1/licenses', { product: productOrId });
  const [first] = found;
  if (first && found.every((l) => l.metric === first.metric && l.product === first.product)) return first.id;
  if (found.length > 1) {
    throw ambiguous(
      'product',
      productOrId,
      found.map((l) => `${l.id} (${l.product}, ${l.metric}${l.orderNumber ? `, order ${l.orderNumber}` : ''})`),
    );
  }
  throw new CliError(EXIT.notFound, `No license with id or product "${productOrId}"`);
}

/** A finding id: a positive whole number. */
export function findingId(raw: string): number {
  if (!/^[1-9]\d{0,15}$/.test(raw)) throw new UsageError(`a finding id is a whole number (got "${raw}")`);
  return Number(raw);
}
