/**
 * `@stocktake/shared/core`: what the agent runs on every inventory, without TypeBox. Hashing,
 * normalisation, the delta diff and apply, the contract's constants and the static types; no
 * schema and no validator, so loading it builds none. The main entry exports all of this too,
 * plus the schemas and validators the collector checks requests with.
 */

export * from './agent-answers.ts';
export type { EnrollRequest, EnrollResponse, Problem, SnapshotAck } from './agent-api.ts';
export * from './canonical.ts';
export * from './contract.ts';
export * from './delta.ts';
export type { DeltaSection, SnapshotDelta, SoftwareKey } from './delta-schema.ts';
export type {
  Battery,
  Bios,
  Cpu,
  Disk,
  Gpu,
  Hardware,
  Memory,
  MemoryModule,
  Monitor,
  NetworkInterface,
  SystemInfo,
} from './hardware.ts';
export type { DeviceIdentity } from './identity.ts';
export type {
  AgentLiveMessage,
  CollectorLiveMessage,
  LiveAckMessage,
  LiveDeltaMessage,
  LiveErrorMessage,
  LiveSnapshotMessage,
} from './live.ts';
export * from './normalize.ts';
export type { Os, OsFamily } from './os.ts';
export type { Hotfix, PatchState, PendingUpdate } from './patches.ts';
export type { Section, SectionStatus } from './section.ts';
export * from './section-shapes.ts';
export type { AgentInfo, Sections, Snapshot } from './snapshot.ts';
export type { SoftwareItem, SoftwareSource } from './software.ts';
export * from './software-order.ts';
export type { Usage, UsageEntry, UsageSourceState } from './usage.ts';
export * from './usage-diff.ts';
export type { Session, Users } from './users.ts';
export type { FieldError, Validation } from './validate.ts';
