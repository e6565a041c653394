import { readFileSync } from 'node:fs';
import { deflateSync, gzipSync, inflateSync } from 'node:zlib';
import type { DeviceDetail } from '@stocktake/shared/api';
import { makeSnapshot } from '@stocktake/shared/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { peerAgentId } from '../../../domain/peers/peer-ingest.ts';
import { bearer, createTestApp, enrolAgent, TEST_ENROLL_SECRET, type TestApp } from '../../../test-support/test-app.ts';

const fixture = (name: string) => readFileSync(new URL(`../../../domain/peers/fixtures/${name}`, import.meta.url));

/** The captures: what Debian's ocsinventory-agent 2.10.0 and fusioninventory-agent 2.6 sent. */
const OCS_PROLOG = fixture('ocs-2.10.0-prolog.zlib');
const OCS_INVENTORY = fixture('ocs-2.10.0-inventory.zlib');
const FI_PROLOG = fixture('fusioninventory-2.6-prolog.zlib');
const FI_INVENTORY = fixture('fusioninventory-2.6-inventory.zlib');
const GLPI_INVENTORY = fixture('glpi-agent-1.7-inventory.json');
const GLPI_INVENTORY_ZLIB = fixture('glpi-agent-1.7-inventory.json.zlib');
const GLPI_CONTACT = fixture('glpi-agent-1.7-contact.json');

const OCS_HEADERS = { 'content-type': 'application/x-compress', 'user-agent': 'OCS-NG_unified_unix_agent_v2.10.0' };
const FI_HEADERS = { 'content-type': 'application/x-compress-zlib', 'user-agent': 'FusionInventory-Agent_v2.6-3' };
const GLPI_HEADERS = { 'content-type': 'application/x-compress-zlib', 'user-agent': 'GLPI-Agent_v1.7' };

const SECRET_URL = `/ocsinventory/${TEST_ENROLL_SECRET}`;

let t: TestApp;
afterEach(async () => {
  await t?.close();
});

const secretApp = () => createTestApp({ peerAgents: { admission: 'secret', networks: [] } });

async function post(url: string, payload: Buffer, headers: Record<string, string>) {
  return t.app.inject({ method: 'POST', url, payload, headers });
}

const xmlOf = (body: Buffer) => inflateSync(body).toString('utf8');

/** The OCS inventory cut short inside its packages, as an agent that died while writing it would leave it. */
const OCS_CUT_SHORT = (() => {
  const xml = xmlOf(OCS_INVENTORY);
  return xml.slice(0, xml.indexOf('</SOFTWARES>', xml.length / 2));
})();

describe('POST /ocsinventory: the OCS protocol as the real agents speak it', () => {
  it('is a 404 until peer agents are admitted by configuration', async () => {
    t = await createTestApp();
    const res = await post(SECRET_URL, OCS_PROLOG, OCS_HEADERS);
    expect(res.statusCode).toBe(404);
    expect(res.json().detail).toMatch(/--peer-agents/);
  });

  it('answers the PROLOG with SEND and PROLOG_FREQ, zlib-compressed', async () => {
    t = await secretApp();
    const res = await post(SECRET_URL, OCS_PROLOG, OCS_HEADERS);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/x-compress');
    expect(res.rawPayload.subarray(0, 2)).toEqual(Buffer.from([0x78, 0x9c]));
    const reply = xmlOf(res.rawPayload);
    expect(reply).toContain('<RESPONSE>SEND</RESPONSE>');
    expect(reply).toMatch(/<PROLOG_FREQ>\d+<\/PROLOG_FREQ>/);
  });

  it('stores an OCS agent inventory as a device marked ocs, answered NO_ACCOUNT_UPDATE', async () => {
    t = await secretApp();
    const res = await post(SECRET_URL, OCS_INVENTORY, OCS_HEADERS);
    expect(res.statusCode, res.body).toBe(200);
    expect(xmlOf(res.rawPayload)).toContain('<RESPONSE>NO_ACCOUNT_UPDATE</RESPONSE>');
    const xml = inflateSync(OCS_INVENTORY).toString('utf8');
    const deviceId = /<DEVICEID>([^<]+)</.exec(xml)?.[1] ?? '';
    const agent = await t.app.stores.agents.get(peerAgentId(deviceId));
    expect(agent?.platform).toBe('ocs');
    const device = (await t.inject(`/api/v1/devices/${agent?.deviceId}`)).json() as DeviceDetail;
    expect(device.hostname).toBe('vm');
    expect(device).toMatchObject({ agentKind: 'ocs', agentVersion: '2.10.0' });
    // Every package of the capture is a deb: the count is the dpkg database's.
    expect(device.softwareCount).toBe((xml.match(/<FROM>deb<\/FROM>/g) ?? []).length);
    expect(device.memoryBytes).toBe(24105 * 1024 * 1024);
    expect(device.osName).toBe('Debian GNU/Linux 12');
    const audit = await t.app.stores.audit.history('agent', agent?.id ?? '');
    expect(audit[0]).toMatchObject({ actor: 'peer:ocs', action: 'create' });
  });

  it('keeps an inventory with a control character in a value, the character replaced', async () => {
    t = await secretApp();
    // DMI strings and package descriptions are copied as the agent finds them; XML 1.0 has no place for \x07.
    const xml = xmlOf(OCS_INVENTORY).replace('<NAME>vm</NAME>', '<NAME>v\x07m</NAME>');
    const res = await post(SECRET_URL, deflateSync(xml), OCS_HEADERS);
    expect(res.statusCode, res.body).toBe(200);
    const deviceId = /<DEVICEID>([^<]+)</.exec(xml)?.[1] ?? '';
    const agent = await t.app.stores.agents.get(peerAgentId(deviceId));
    const device = (await t.inject(`/api/v1/devices/${agent?.deviceId}`)).json() as DeviceDetail;
    expect(device.hostname).toBe('v\uFFFDm');
    expect(device.softwareCount).toBe((xml.match(/<FROM>deb<\/FROM>/g) ?? []).length);
  });

  it('reads an inventory over 1 MiB in the body thread, and refuses a broken one there with the same 400', async () => {
    t = await secretApp();
    const padding = Array.from(
      { length: 4000 },
      (_, i) =>
        `<SOFTWARES><FROM>deb</FROM><NAME>padding-${i}</NAME><VERSION>1.0-${i}</VERSION><COMMENTS>${'x'.repeat(200)}</COMMENTS></SOFTWARES>`,
    ).join('');
    const xml = xmlOf(OCS_INVENTORY).replace('<SOFTWARES>', `${padding}<SOFTWARES>`);
    expect(xml.length).toBeGreaterThan(1024 * 1024);
    const res = await post(SECRET_URL, deflateSync(xml), OCS_HEADERS);
    expect(res.statusCode, res.body).toBe(200);
    const deviceId = /<DEVICEID>([^<]+)</.exec(xml)?.[1] ?? '';
    const agent = await t.app.stores.agents.get(peerAgentId(deviceId));
    const device = (await t.inject(`/api/v1/devices/${agent?.deviceId}`)).json() as DeviceDetail;
    expect(device.softwareCount).toBe((xml.match(/<FROM>deb<\/FROM>/g) ?? []).length);

    const broken = await post(SECRET_URL, deflateSync(xml.slice(0, xml.length - 100)), OCS_HEADERS);
    expect(broken.statusCode).toBe(400);
    expect(broken.json().detail).toMatch(/not an OCS inventory request: unclosed tag: .*open elements: REQUEST/);
  });

  it('stores the same report twice as one device, with no change on the second', async () => {
    t = await secretApp();
    await post(SECRET_URL, OCS_INVENTORY, OCS_HEADERS);
    await post(SECRET_URL, OCS_INVENTORY, OCS_HEADERS);
    const devices = (await t.inject('/api/v1/devices')).json() as { items: { id: string }[] };
    expect(devices.items).toHaveLength(1);
    const changes = (await t.inject(`/api/v1/devices/${devices.items[0]?.id}/changes`)).json() as {
      items: { kind: string }[];
    };
    expect(changes.items.map((c) => c.kind)).toEqual(['first_seen']);
  });

  it("takes FusionInventory's prolog and inventory (application/x-compress-zlib), marked fusioninventory", async () => {
    t = await secretApp();
    const prolog = await post(SECRET_URL, FI_PROLOG, FI_HEADERS);
    expect(xmlOf(prolog.rawPayload)).toContain('<RESPONSE>SEND</RESPONSE>');
    const res = await post(SECRET_URL, FI_INVENTORY, FI_HEADERS);
    expect(res.statusCode, res.body).toBe(200);
    const xml = inflateSync(FI_INVENTORY).toString('utf8');
    const deviceId = /<DEVICEID>([^<]+)</.exec(xml)?.[1] ?? '';
    const agent = await t.app.stores.agents.get(peerAgentId(deviceId));
    expect(agent).toMatchObject({ platform: 'fusioninventory', version: '2.6-3' });
    const device = (await t.inject(`/api/v1/devices/${agent?.deviceId}`)).json() as DeviceDetail;
    expect(device.softwareCount).toBe((xml.match(/<FROM>deb<\/FROM>/g) ?? []).length);
    expect(device).toMatchObject({ agentKind: 'fusioninventory', osName: 'Debian GNU/Linux', cpuModel: 'AMD EPYC' });
  });

  it('refuses a wrong secret and a missing one before reading the body', async () => {
    t = await secretApp();
    expect((await post('/ocsinventory/not-the-secret', OCS_PROLOG, OCS_HEADERS)).statusCode).toBe(403);
    const bare = await post('/ocsinventory', OCS_PROLOG, OCS_HEADERS);
    expect(bare.statusCode).toBe(403);
    expect(bare.json().detail).toMatch(/\/ocsinventory\/<enroll secret>/);
  });

  it('never echoes the secret from the path in a problem', async () => {
    t = await secretApp();
    const res = await post(SECRET_URL, Buffer.from('not zlib, not xml'), OCS_HEADERS);
    expect(res.statusCode).toBe(400);
    expect(res.body).not.toContain(TEST_ENROLL_SECRET);
    expect(res.json().instance).toBe('/ocsinventory/<secret>');
  });

  it('admits by network: an address on the allowlist without a secret, and no other', async () => {
    t = await createTestApp({ peerAgents: { admission: 'network', networks: ['127.0.0.0/8'] } });
    expect((await post('/ocsinventory', OCS_PROLOG, OCS_HEADERS)).statusCode).toBe(200);
    await t.close();
    t = await createTestApp({ peerAgents: { admission: 'network', networks: ['192.0.2.0/24'] } });
    expect((await post('/ocsinventory', OCS_PROLOG, OCS_HEADERS)).statusCode).toBe(403);
  });

  it('with secret-and-network, needs both', async () => {
    t = await createTestApp({ peerAgents: { admission: 'secret-and-network', networks: ['127.0.0.1'] } });
    expect((await post('/ocsinventory', OCS_PROLOG, OCS_HEADERS)).statusCode).toBe(403);
    expect((await post(SECRET_URL, OCS_PROLOG, OCS_HEADERS)).statusCode).toBe(200);
  });
});

describe('a machine moving from the OCS agent to a Stocktake agent', () => {
  it('stays one device with its history, and the OCS agent is retired', async () => {
    t = await secretApp();
    await post(SECRET_URL, OCS_INVENTORY, OCS_HEADERS);
    const xml = inflateSync(OCS_INVENTORY).toString('utf8');
    const ocsAgentId = peerAgentId(/<DEVICEID>([^<]+)</.exec(xml)?.[1] ?? '');
    const deviceId = (await t.app.stores.agents.get(ocsAgentId))?.deviceId;

    // The capture's machine has no firmware serial (a virtual machine): its host name is what both agents share.
    const { agentId, agentToken } = await enrolAgent(t.app);
    const pushed = await t.app.inject({
      method: 'POST',
      url: '/api/v1/agent/snapshots',
      headers: bearer(agentToken),
      payload: makeSnapshot({ agentId, hostname: 'vm' }),
    });
    expect(pushed.statusCode, pushed.body).toBe(201);
    expect(pushed.json().deviceId).toBe(deviceId);

    const devices = (await t.inject('/api/v1/devices')).json() as { items: { id: string; agentKind: string }[] };
    expect(devices.items).toEqual([expect.objectContaining({ id: deviceId, agentKind: 'stocktake' })]);
    const history = async (kind: string) =>
      ((await t.inject(`/api/v1/devices/${deviceId}/changes?kind=${kind}`)).json() as { items: unknown[] }).items;
    expect(await history('first_seen')).toHaveLength(1);
    expect(await history('agent_replaced')).toHaveLength(1);
    expect((await t.app.stores.agents.get(ocsAgentId))?.revokedAt).not.toBeNull();

    // The OCS agent, still installed, is told to send nothing, and a forced inventory is refused.
    expect(xmlOf((await post(SECRET_URL, OCS_PROLOG_OF(xml), OCS_HEADERS)).rawPayload)).toContain(
      '<RESPONSE>STOP</RESPONSE>',
    );
    const forced = await post(SECRET_URL, OCS_INVENTORY, OCS_HEADERS);
    expect(forced.statusCode).toBe(403);
    expect(((await t.inject('/api/v1/devices')).json() as { items: unknown[] }).items).toHaveLength(1);
  });
});

/** A PROLOG from the agent that sent this inventory (the captured PROLOG came from another run). */
const OCS_PROLOG_OF = (inventoryXml: string) =>
  deflateSync(
    `<?xml version="1.0" encoding="UTF-8"?>\n<REQUEST>\n  <DEVICEID>${/<DEVICEID>([^<]+)</.exec(inventoryXml)?.[1]}</DEVICEID>\n  <QUERY>PROLOG</QUERY>\n</REQUEST>\n`,
  );

describe('POST /ocsinventory: bad bodies', () => {
  it('stops a zip bomb at the decompressed-size limit with a 413, storing nothing', async () => {
    t = await createTestApp({ peerAgents: { admission: 'secret', networks: [] }, snapshotBodyLimit: 1024 * 1024 });
    // 64 MiB of zeros compress to about 64 KiB: well under the body limit, far over it inflated.
    const bomb = deflateSync(Buffer.alloc(64 * 1024 * 1024));
    expect(bomb.length).toBeLessThan(1024 * 1024);
    const res = await post(SECRET_URL, bomb, OCS_HEADERS);
    expect(res.statusCode).toBe(413);
    expect(res.json().detail).toMatch(/decompressed/);
    expect((await t.inject('/api/v1/devices')).json().items).toHaveLength(0);
  });

  it.each([
    ['a truncated zlib stream', OCS_INVENTORY.subarray(0, 200), /not valid zlib/],
    ['XML that is not well formed', deflateSync('<REQUEST><QUERY>PROLOG</QUERY>'), /not an OCS inventory request/],
    // The parser names the elements left open.
    [
      'an inventory cut short',
      deflateSync(OCS_CUT_SHORT),
      /not an OCS inventory request: unclosed tag: .*open elements: REQUEST > CONTENT > SOFTWARES/,
    ],
    [
      'crossed tags',
      deflateSync(
        '<REQUEST><DEVICEID>a-1</DEVICEID><QUERY>INVENTORY</QUERY><CONTENT><HARDWARE><NAME>x</CONTENT></HARDWARE></REQUEST>',
      ),
      /not an OCS inventory request: closing tag 'CONTENT' where 'NAME' was still open/,
    ],
    ['another root element', deflateSync('<REPLY><RESPONSE>SEND</RESPONSE></REPLY>'), /root element is not REQUEST/],
    ['no DEVICEID', deflateSync('<REQUEST><QUERY>PROLOG</QUERY></REQUEST>'), /DEVICEID/],
    [
      'a tag that names an object property',
      deflateSync('<REQUEST><DEVICEID>a-1</DEVICEID><QUERY>PROLOG</QUERY><constructor>x</constructor></REQUEST>'),
      /not an OCS inventory request: .*constructor/,
    ],
    ['an unknown QUERY', deflateSync('<REQUEST><DEVICEID>a-1</DEVICEID><QUERY>SNMP</QUERY></REQUEST>'), /QUERY SNMP/],
    [
      'entity declarations',
      deflateSync('<!DOCTYPE r [<!ENTITY a "aaaa">]><REQUEST><DEVICEID>&a;</DEVICEID><QUERY>PROLOG</QUERY></REQUEST>'),
      /document type/,
    ],
    [
      'an inventory without a host name',
      deflateSync('<REQUEST><DEVICEID>a-1</DEVICEID><QUERY>INVENTORY</QUERY><CONTENT><BIOS/></CONTENT></REQUEST>'),
      /names no host/,
    ],
    ['JSON that is not a GLPI message', deflateSync('{"action":"inventory"}'), /deviceid/],
    [
      // Read without recursion: nesting this deep is an answer, not a stack overflow.
      'elements nested 200,000 deep',
      deflateSync(`<REQUEST><DEVICEID>a-1</DEVICEID><QUERY>PROLOG</QUERY>${'<A>'.repeat(200_000)}</REQUEST>`),
      /closing tag 'REQUEST' where 'A' was still open/,
    ],
  ])('answers a clear 400 to %s', async (_name, body, detail) => {
    t = await secretApp();
    const res = await post(SECRET_URL, body, OCS_HEADERS);
    expect(res.statusCode, res.body).toBe(400);
    expect(`${res.json().detail} ${JSON.stringify(res.json().errors ?? [])}`).toMatch(detail);
  });

  it('refuses a content type the agents do not send with 415', async () => {
    t = await secretApp();
    const res = await post(SECRET_URL, OCS_PROLOG, { 'content-type': 'text/plain' });
    expect(res.statusCode).toBe(415);
  });
});

describe("POST /ocsinventory: GLPI Agent's JSON protocol", () => {
  it('answers CONTACT with status ok and an expiration', async () => {
    t = await secretApp();
    const res = await post(SECRET_URL, GLPI_CONTACT, { 'content-type': 'application/json' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok', expiration: 24 });
  });

  it.each([
    ['compressed', GLPI_INVENTORY_ZLIB, GLPI_HEADERS],
    ['plain', GLPI_INVENTORY, { 'content-type': 'application/json', 'user-agent': 'GLPI-Agent_v1.7' }],
    ['gzip', gzipSync(GLPI_INVENTORY), { ...GLPI_HEADERS, 'content-type': 'application/x-compress-gzip' }],
  ])('stores a %s inventory: hardware, software, users, marked glpi-agent', async (_name, body, headers) => {
    t = await secretApp();
    const res = await post(SECRET_URL, body, headers);
    expect(res.statusCode, res.body).toBe(200);
    const answer = headers['content-type'] === 'application/json' ? res.body : inflateSync(res.rawPayload).toString();
    expect(JSON.parse(answer)).toEqual({ status: 'ok', expiration: 24 });
    const agent = await t.app.stores.agents.get(peerAgentId('ws-042-2026-12-01-09-15-02'));
    expect(agent).toMatchObject({ platform: 'glpi-agent', version: '1.7' });
    const device = (await t.inject(`/api/v1/devices/${agent?.deviceId}`)).json() as DeviceDetail;
    expect(device).toMatchObject({
      agentKind: 'glpi-agent',
      agentVersion: '1.7',
      hostname: 'ws-042',
      hardwareSerial: 'PF3XK9QZ',
      vendor: 'LENOVO',
      model: 'ThinkPad T14 Gen 3',
      osName: 'Ubuntu',
      cpuModel: '12th Gen Intel(R) Core(TM) i5-1245U',
      cpuCores: 10,
      memoryBytes: 15731 * 1024 * 1024,
      softwareCount: 4,
      primaryUser: 'amartin',
    });
    expect(device.software.map((s) => `${s.source}:${s.name}`).sort()).toEqual([
      'dpkg:bash',
      'dpkg:openssh-client',
      'flatpak:org.libreoffice.LibreOffice',
      'snap:firefox',
    ]);
    expect(device.components.filter((c) => c.kind === 'memory')).toHaveLength(2);
    expect(device.components.filter((c) => c.kind === 'disk')).toHaveLength(1);
  });

  it('refuses a partial inventory and another item type', async () => {
    t = await secretApp();
    const doc = JSON.parse(GLPI_INVENTORY.toString());
    const partial = await post(SECRET_URL, Buffer.from(JSON.stringify({ ...doc, partial: true })), {
      'content-type': 'application/json',
    });
    expect(partial.statusCode).toBe(400);
    const printer = await post(SECRET_URL, Buffer.from(JSON.stringify({ ...doc, itemtype: 'Printer' })), {
      'content-type': 'application/json',
    });
    expect(printer.statusCode).toBe(400);
    expect(printer.json().detail).toMatch(/itemtype/);
  });
});
