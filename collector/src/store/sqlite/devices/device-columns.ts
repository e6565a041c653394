import type { Hardware, Os, PatchState, Snapshot } from '@stocktake/shared';
import type { devices } from '../schema/index.ts';

type DeviceColumns = Partial<typeof devices.$inferInsert>;

/** The summary columns a section's data sets; a section without data leaves them as they were. */
export function columnsFromSnapshot(snapshot: Snapshot): DeviceColumns {
  const cols: DeviceColumns = {
    hostname: snapshot.identity.hostname,
    hardwareSerial: snapshot.identity.hardwareSerial ?? null,
    hardwareUuid: snapshot.identity.hardwareUuid ?? null,
    macs: snapshot.identity.macs,
    agentVersion: snapshot.agent.version,
    agentKind: snapshot.agent.kind ?? 'stocktake',
    lastCollectedAt: snapshot.collectedAt,
    lastSnapshotId: snapshot.snapshotId,
  };
  const hw: Hardware | undefined = snapshot.sections.hardware.data;
  if (hw) {
    Object.assign(cols, {
      vendor: hw.system.vendor ?? null,
      model: hw.system.model ?? null,
      chassisType: hw.system.chassisType ?? null,
      cpuModel: hw.cpu?.model ?? null,
      cpuCores: hw.cpu?.cores ?? null,
      cpuThreads: hw.cpu?.threads ?? null,
      memoryBytes: hw.memory?.totalBytes ?? null,
      hardware: hw,
    });
  }
  const os: Os | undefined = snapshot.sections.os.data;
  if (os) {
    Object.assign(cols, {
      osFamily: os.family,
      osName: os.name,
      osVersion: os.version ?? null,
      osBuild: os.build ?? null,
      kernel: os.kernel ?? null,
      arch: os.arch ?? null,
      os,
    });
  }
  const patches: PatchState | undefined = snapshot.sections.patches.data;
  if (patches) {
    Object.assign(cols, {
      pendingUpdates: patches.pendingCount ?? null,
      pendingSecurityUpdates: patches.pendingSecurityCount ?? null,
      patches,
    });
  }
  if (snapshot.sections.users.data) cols.users = snapshot.sections.users.data;
  return cols;
}
