export * from './agents.ts';
export * from './devices.ts';
export * from './snapshots.ts';
export * from './software.ts';
