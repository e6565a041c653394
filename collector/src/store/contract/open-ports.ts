import type { SnapshotArchive } from '../../domain/inventory/ports.ts';
import type { Stores } from '../../domain/ports.ts';

/**
 * Opens a fresh, empty, migrated store with the ports a contract uses (and `close`). Each
 * contract asks for only the ports it exercises, so an engine still being built runs the
 * contracts of the ports it has, type-checked, and a complete engine (`OpenStores`) runs them all.
 */
export type OpenPorts<K extends keyof Stores> = () => Promise<Pick<Stores, K | 'close'>>;

/**
 * The ports of a contract that follows devices' snapshots, with the snapshot archive's reads only
 * (an engine may not prune or thin its archive yet).
 */
export type OpenFollowing<K extends keyof Stores> = () => Promise<
  Pick<Stores, K | 'close'> & { snapshotArchive: Pick<SnapshotArchive, 'deviceOf'> }
>;
