import type { Asset, DeviceSummary, License } from './api-types.ts';
import { CliError, UsageError } from './errors.ts';
import { EXIT } from './exit-codes.ts';
import { MAX_PAGE } from './flags.ts';
import type { ApiClient } from './http-client.ts';
import type { Page } from './listing.ts';

/**
 * People name things the way they see them (a host name, an asset tag, a product); the API wants
 * ids. These turn either into an id, refusing a name that fits several.
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const isUuid = (value: string) => UUID.test(value);

const shortName = (hostname: string) => hostname.toLowerCase().split('.')[0] ?? '';

function ambiguous(what: string, name: string, candidates: readonly string[]): UsageError {
  return new UsageError(`${what} "${name}" names ${candidates.length}: ${candidates.join(', ')}; give the id`);
}

/** A device id, from its id or its host name (full or short, any case). */
export async function resolveDevice(client: ApiClient, nameOrId: string): Promise<string> {
  if (isUuid(nameOrId)) return nameOrId;
  // The device list has no host-name filter: read it whole, a page of 500 at a time.
  const wanted = nameOrId.toLowerCase();
  const exact: DeviceSummary[] = [];
  const short: DeviceSummary[] = [];
  let cursor: string | undefined;
  do {
    const page: Page<DeviceSummary> = await client.get('/api/v1/devices', {
      limit: MAX_PAGE,
      ...(cursor ? { cursor } : {}),
    });
    for (const device of page.items) {
      if (device.hostname.toLowerCase() === wanted) exact.push(device);
      else if (shortName(device.hostname) === shortName(wanted)) short.push(device);
    }
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  const found = exact.length > 0 ? exact : short;
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

/** An asset id, from its id or its asset tag. */
export async function resolveAsset(client: ApiClient, tagOrId: string): Promise<string> {
  if (isUuid(tagOrId)) return tagOrId;
  const page = await client.get<Page<Asset>>('/api/v1/assets', { assetTag: tagOrId, limit: 2 });
  const [asset] = page.items;
  if (asset) return asset.id;
  throw new CliError(EXIT.notFound, `No asset with id or asset tag "${tagOrId}"`);
}

/** A license id, from its id or its product name (when the product has one entitlement). */
export async function resolveLicense(client: ApiClient, productOrId: string): Promise<string> {
  if (isUuid(productOrId)) return productOrId;
  const page = await client.get<Page<License>>('/api/v1/licenses', { product: productOrId, limit: 20 });
  const [license] = page.items;
  if (page.items.length === 1 && license) return license.id;
  if (page.items.length > 1) {
    throw ambiguous(
      'product',
      productOrId,
      page.items.map((l) => `${l.id}${l.orderNumber ? ` (order ${l.orderNumber})` : ''}`),
    );
  }
  throw new CliError(EXIT.notFound, `No license with id or product "${productOrId}"`);
}

/** A finding id: a positive whole number. */
export function findingId(raw: string): number {
  if (!/^[1-9]\d{0,15}$/.test(raw)) throw new UsageError(`a finding id is a whole number (got "${raw}")`);
  return Number(raw);
}
