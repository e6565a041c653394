import { ASSET_FACT_KEYS, DEVICE_FACT_KEYS, pickColumns } from '../../common/fact-columns.ts';
import { assets, devices } from '../schema/index.ts';

/**
 * What matching reads about a device and an asset: one projection for the single-device path
 * (prepared queries) and the full pass (loaded once), so both decide on the same facts.
 */
export const DEVICE_FACT_COLUMNS = pickColumns(devices, DEVICE_FACT_KEYS);

export const ASSET_FACT_COLUMNS = pickColumns(assets, ASSET_FACT_KEYS);
