import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as tls from 'node:tls';
import { bypassesProxy } from './no-proxy.ts';

/** A value the agent cannot use, with a message naming where it came from (file key, variable or flag). */
export class NetworkSettingError extends Error {
  override name = 'NetworkSettingError';
}

/** A setting and where it came from: `--proxy`, `HTTPS_PROXY`, `config file /etc/...: proxy`. */
export interface Given {
  value: string;
  origin: string;
}

/** How the agent reaches its collector, over HTTP and over the live channel alike. */
export interface NetworkSettings {
  /** The CA bundle file, its certificates added to the default trust store. */
  caFile?: string;
  /** Every certificate the agent trusts when `caFile` is set: the defaults and the bundle's. */
  ca?: string[];
  /** The proxy the collector is reached through, if any (NO_PROXY already applied). */
  proxy?: { url: string; origin: string };
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

/**
 * The PEM certificates of a bundle, each checked to be one. A file without any is refused: an
 * empty or wrong file (a key, a DER certificate) would otherwise only show up as a TLS failure.
 */
export function readCaBundle(given: Given): { path: string; certificates: string[] } {
  const path = resolve(given.value);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new NetworkSettingError(`${given.origin}: cannot read CA bundle ${path}: ${code}`);
  }
  const certificates = text.match(PEM_CERTIFICATE) ?? [];
  if (certificates.length === 0) {
    throw new NetworkSettingError(
      `${given.origin}: ${path} holds no PEM certificate (expected "-----BEGIN CERTIFICATE-----" blocks)`,
    );
  }
  certificates.forEach((pem, i) => {
    try {
      new X509Certificate(pem);
    } catch (err) {
      throw new NetworkSettingError(
        `${given.origin}: certificate ${i + 1} of ${path} cannot be read: ${(err as Error).message}`,
      );
    }
  });
  return { path, certificates };
}

/**
 * Node's default trust store: its bundled roots, plus NODE_EXTRA_CA_CERTS and the system's
 * store where the runtime is told to use them (Node 22.15 and later can say which it uses).
 */
export function defaultTrust(): string[] {
  const get = (tls as { getCACertificates?: (type?: string) => string[] }).getCACertificates;
  return get ? [...get('default')] : [...tls.rootCertificates];
}

/** `proxy.example:3128` means http://proxy.example:3128, as curl reads it. */
function proxyUrl(given: Given): string {
  const text = given.value.trim();
  const withScheme = text.includes('://') ? text : `http://${text}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new NetworkSettingError(
      `${given.origin}: "${redactedText(text)}" is not a proxy URL (e.g. http://proxy:3128)`,
    );
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '') {
    throw new NetworkSettingError(
      `${given.origin}: "${redact(url)}" is not an http:// or https:// proxy URL (e.g. http://proxy:3128)`,
    );
  }
  if (url.pathname !== '/' || url.search || url.hash) {
    throw new NetworkSettingError(`${given.origin}: "${redact(url)}" has a path; a proxy URL is scheme, host and port`);
  }
  return url.toString();
}

/** A proxy URL fit for messages and logs: its password replaced. */
export function redact(url: URL | string): string {
  const copy = new URL(url.toString());
  if (copy.password) copy.password = '***';
  return copy.toString();
}

function redactedText(text: string): string {
  return text.replace(/\/\/([^:/@]*):[^@/]*@/, '//$1:***@');
}

const nonEmpty = (env: NodeJS.ProcessEnv, name: string): Given | undefined => {
  const value = env[name];
  return value === undefined || value.trim() === '' ? undefined : { value, origin: name };
};

/** The lower-case variable wins over the upper-case one, as curl and most tools read them. */
const envPair = (env: NodeJS.ProcessEnv, name: string) => nonEmpty(env, name.toLowerCase()) ?? nonEmpty(env, name);

/**
 * The proxy for `server`: the agent's own setting, else the environment's variable for its
 * scheme (https_proxy/HTTPS_PROXY for https, http_proxy/HTTP_PROXY for http); none when the
 * server's host is in the agent's noProxy, else in no_proxy/NO_PROXY.
 */
export function proxyFor(
  server: URL,
  own: { proxy?: Given; noProxy?: Given },
  env: NodeJS.ProcessEnv,
): { url: string; origin: string } | undefined {
  const given = own.proxy ?? envPair(env, server.protocol === 'https:' ? 'HTTPS_PROXY' : 'HTTP_PROXY');
  if (!given) return undefined;
  const url = proxyUrl(given);
  const noProxy = own.noProxy ?? envPair(env, 'NO_PROXY');
  if (bypassesProxy(noProxy?.value, server)) return undefined;
  return { url, origin: given.origin };
}

/** Reads and checks the CA bundle and the proxy settings for reaching `server`. */
export function resolveNetwork(
  server: URL,
  own: { caFile?: Given; proxy?: Given; noProxy?: Given },
  env: NodeJS.ProcessEnv,
): NetworkSettings {
  const settings: NetworkSettings = {};
  if (own.caFile) {
    const bundle = readCaBundle(own.caFile);
    settings.caFile = bundle.path;
    settings.ca = [...defaultTrust(), ...bundle.certificates];
  }
  const proxy = proxyFor(server, own, env);
  if (proxy) settings.proxy = proxy;
  return settings;
}
