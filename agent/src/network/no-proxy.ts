import { BlockList, isIP } from 'node:net';

const DEFAULT_PORTS: Record<string, number> = { 'http:': 80, 'https:': 443, 'ws:': 80, 'wss:': 443 };

/** One NO_PROXY entry: a host or domain (maybe with a port), `*`, or an address block. */
type Entry = { kind: 'any' } | { kind: 'block'; list: BlockList } | { kind: 'host'; host: string; port?: number };

const unbracket = (host: string) => host.replace(/^\[(.*)\]$/, '$1');

function parseEntry(raw: string): Entry | undefined {
  const text = raw.trim().toLowerCase();
  if (text === '') return undefined;
  if (text === '*') return { kind: 'any' };
  const slash = text.indexOf('/');
  if (slash > 0) {
    const address = unbracket(text.slice(0, slash));
    const prefix = Number(text.slice(slash + 1));
    const family = isIP(address);
    if (family === 0 || !Number.isInteger(prefix)) return undefined;
    const list = new BlockList();
    try {
      list.addSubnet(address, prefix, family === 6 ? 'ipv6' : 'ipv4');
    } catch {
      return undefined;
    }
    return { kind: 'block', list };
  }
  // `[::1]:8443`, `host:8443`; a bare IPv6 address has colons but no port.
  let host = text;
  let port: number | undefined;
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  if (bracketed?.[1]) {
    host = bracketed[1];
    if (bracketed[2]) port = Number(bracketed[2]);
  } else if (!isIP(text)) {
    const withPort = /^(.*):(\d+)$/.exec(text);
    if (withPort?.[1]) {
      host = withPort[1];
      port = Number(withPort[2]);
    }
  }
  // `example.org`, `.example.org` and `*.example.org` all name the domain and its hosts, as curl
  // reads them.
  host = host.replace(/^\*?\./, '').replace(/\.$/, '');
  if (host === '') return undefined;
  return { kind: 'host', host, ...(port !== undefined ? { port } : {}) };
}

function matches(entry: Entry, host: string, port: number): boolean {
  if (entry.kind === 'any') return true;
  if (entry.kind === 'block') {
    const family = isIP(host);
    return family !== 0 && entry.list.check(host, family === 6 ? 'ipv6' : 'ipv4');
  }
  if (entry.port !== undefined && entry.port !== port) return false;
  return host === entry.host || host.endsWith(`.${entry.host}`);
}

/**
 * Whether `target` is reached directly rather than through the proxy, by the usual reading of
 * NO_PROXY: entries separated by commas (or spaces); `*` alone for every host; `example.org`,
 * `.example.org` or `*.example.org` for that domain and its subdomains; `host:port` for one port
 * only; an IP address, or an address block such as `10.0.0.0/8`. Case does not matter.
 */
export function bypassesProxy(noProxy: string | undefined, target: URL): boolean {
  if (!noProxy) return false;
  const host = unbracket(target.hostname.toLowerCase()).replace(/\.$/, '');
  const port = target.port ? Number(target.port) : (DEFAULT_PORTS[target.protocol] ?? 0);
  return noProxy
    .split(/[\s,]+/)
    .map(parseEntry)
    .some((entry) => entry !== undefined && matches(entry, host, port));
}
