import type { EnrollRequest, EnrollResponse, SnapshotAck } from '../agent-api.ts';
import type { SnapshotDelta } from '../delta-schema.ts';
import type { Snapshot } from '../snapshot.ts';
import { EXAMPLE_HARDWARE, EXAMPLE_OS, EXAMPLE_PATCHES, EXAMPLE_SOFTWARE, EXAMPLE_USERS } from './devices.ts';
import { AGENT, AT, BASE_SNAPSHOT, DEVICE, HASH, SNAPSHOT } from './example-values.ts';

/**
 * Examples of the agent's side of the API, whose schemas are the wire contract
 * (@stocktake/shared): what stocktake-agent sends and what the collector answers.
 */

const section = <T>(data: T) => ({ status: 'ok' as const, collectedAt: AT, durationMs: 120, hash: HASH, data });

export const ENROLL_REQUEST_EXAMPLE: EnrollRequest = {
  enrollSecret: 'k3Jd9w0aQx1bV7sL2pR5tY8uE4iO6nM0',
  hostname: 'ws-0042',
  agentVersion: '0.1.0',
  platform: 'linux',
};

export const ENROLL_RESPONSE_EXAMPLE: EnrollResponse = {
  agentId: AGENT,
  agentToken: 'sta_Jt3G0dqk2Bq7YQm1N4xk3Z8yWcV5rL0sA9pE6uT2hF1',
};

export const SNAPSHOT_EXAMPLE: Snapshot = {
  contractVersion: 1,
  kind: 'full',
  snapshotId: SNAPSHOT,
  agent: { id: AGENT, version: '0.1.0', platform: 'linux' },
  collectedAt: AT,
  identity: {
    hostname: 'ws-0042',
    hardwareSerial: '7XK3QW3',
    hardwareUuid: '4c4c4544-0058-4b10-8033-b7c04f515733',
    macs: ['3c:22:fb:7a:19:c4'],
  },
  sections: {
    hardware: section(EXAMPLE_HARDWARE),
    os: section(EXAMPLE_OS),
    software: section(EXAMPLE_SOFTWARE),
    patches: section(EXAMPLE_PATCHES),
    users: section(EXAMPLE_USERS),
  },
};

const unchanged = { change: 'unchanged' as const, status: 'ok' as const, collectedAt: AT, durationMs: 40, hash: HASH };

export const SNAPSHOT_DELTA_EXAMPLE: SnapshotDelta = {
  contractVersion: 1,
  kind: 'delta',
  snapshotId: SNAPSHOT,
  baseSnapshotId: BASE_SNAPSHOT,
  agent: SNAPSHOT_EXAMPLE.agent,
  collectedAt: AT,
  identity: SNAPSHOT_EXAMPLE.identity,
  sections: {
    hardware: unchanged,
    os: unchanged,
    software: {
      change: 'patched',
      status: 'ok',
      collectedAt: AT,
      durationMs: 130,
      hash: HASH,
      added: [],
      changed: [{ name: 'openssl', version: '3.0.2-0ubuntu1.16', source: 'dpkg', arch: 'amd64' }],
      removed: [{ source: 'dpkg', name: 'telnet', arch: 'amd64' }],
    },
    patches: unchanged,
    users: unchanged,
  },
};

export const SNAPSHOT_ACK_EXAMPLE: SnapshotAck = { snapshotId: SNAPSHOT, deviceId: DEVICE, duplicate: false };
