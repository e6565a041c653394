import { describe, expect, it } from 'vitest';
import { NotAnOcsRequest, parseOcsRequest } from './ocs-request.ts';

const request = (content: string) =>
  `<?xml version="1.0" encoding="UTF-8" ?>\n<REQUEST>\n  <CONTENT>${content}</CONTENT>\n  <DEVICEID>vm-2026-12-07-10-00-00</DEVICEID>\n  <QUERY>INVENTORY</QUERY>\n</REQUEST>\n`;

describe('reading an OCS request', () => {
  it('keeps a value as written, entities and CDATA included, trimmed at its ends only', () => {
    const read = parseOcsRequest(request('<HARDWARE>\n <NAME>  AT&amp;T <![CDATA[<Lab>]]> box  </NAME>\n</HARDWARE>'));
    expect(read.content.HARDWARE).toEqual([{ NAME: 'AT&T <Lab> box' }]);
    expect(read).toMatchObject({ query: 'INVENTORY', deviceId: 'vm-2026-12-07-10-00-00' });
  });

  it('lists every section whatever its count, and a field met twice as a list', () => {
    const read = parseOcsRequest(
      request(
        '<SOFTWARES><NAME>a</NAME></SOFTWARES><SOFTWARES><NAME>b</NAME></SOFTWARES>' +
          '<BIOS><SSN>0042</SSN></BIOS><NETWORKS><IPADDRESS>10.0.0.1</IPADDRESS><IPADDRESS>10.0.0.2</IPADDRESS></NETWORKS>' +
          '<VERSIONCLIENT>OCS-NG_unified_unix_agent_v2.10.0</VERSIONCLIENT><EMPTY/>',
      ),
    );
    expect(read.content.SOFTWARES).toEqual([{ NAME: 'a' }, { NAME: 'b' }]);
    // A serial of digits stays text.
    expect(read.content.BIOS).toEqual([{ SSN: '0042' }]);
    expect(read.content.NETWORKS).toEqual([{ IPADDRESS: ['10.0.0.1', '10.0.0.2'] }]);
    expect(read.content.EMPTY).toEqual([]);
    expect(read.versionClient).toBe('OCS-NG_unified_unix_agent_v2.10.0');
  });

  it('refuses what is not well-formed, naming where', () => {
    expect(() => parseOcsRequest('<REQUEST><QUERY>PROLOG</QUERY>')).toThrow(NotAnOcsRequest);
    expect(() => parseOcsRequest(request('<BIOS><SSN>1</BIOS>'))).toThrow(
      /closing tag 'BIOS' where 'SSN' was still open \(line 3, column \d+; open elements: REQUEST > CONTENT > BIOS > SSN\)/,
    );
    expect(() => parseOcsRequest(`${request('')}<REQUEST/>`)).toThrow(/only one root/);
    expect(() => parseOcsRequest(request('<BIOS>&nbsp;</BIOS>'))).toThrow(/undefined entity/);
  });
});
