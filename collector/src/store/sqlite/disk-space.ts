// The free-space measure is engine-neutral (store/disk-space.ts); the SQLite engine reads it from here.
export { formatBytes, freeBytes } from '../disk-space.ts';
