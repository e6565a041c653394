import { expect, it } from 'vitest';
import type { OpenPorts } from './open-ports.ts';

const AT = new Date('2026-11-22T12:00:00.000Z');
const LATER = new Date('2026-11-22T12:00:30.000Z');

/** The live roster of one instance: presence as channels open, beat and close; refreshes to its sockets. */
export default function liveRostersContract(open: OpenPorts<'liveRosters'>): void {
  it('says an agent is online from its channel opening to its closing, with its last heartbeat', async () => {
    const stores = await open();
    const roster = await stores.liveRosters('instance-a');
    try {
      expect((await roster.presence(['a1'])).get('a1')).toEqual({ online: false, lastHeartbeatAt: null });
      await roster.connected('a1', AT);
      expect((await roster.presence(['a1', 'a2'])).get('a1')).toEqual({
        online: true,
        lastHeartbeatAt: AT.toISOString(),
      });
      await roster.heartbeat('a1', LATER);
      expect((await roster.presence(['a1'])).get('a1')).toEqual({ online: true, lastHeartbeatAt: LATER.toISOString() });
      await roster.disconnected('a1');
      expect((await roster.presence(['a1'])).get('a1')).toEqual({
        online: false,
        lastHeartbeatAt: LATER.toISOString(),
      });
    } finally {
      await roster.close();
    }
  });

  it('hands a refresh request for a channel it holds to its socket, and refuses one for an agent offline', async () => {
    const stores = await open();
    const roster = await stores.liveRosters('instance-a');
    const delivered: string[] = [];
    roster.onRefresh((agentId, requestId) => delivered.push(`${agentId}:${requestId}`) > 0);
    try {
      await roster.connected('a1', AT);
      expect(await roster.requestRefresh('a1', 'r1')).toBe(true);
      expect(await roster.requestRefresh('a2', 'r2')).toBe(false);
      expect(delivered).toEqual(['a1:r1']);
    } finally {
      await roster.close();
    }
  });
}
