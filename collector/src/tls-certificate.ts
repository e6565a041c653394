import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';

/** The certificate (chain) and key files the collector serves HTTPS with. */
export interface TlsFiles {
  certPath: string;
  keyPath: string;
}

/** A certificate and key read from their files and checked to belong together. */
export interface TlsPair {
  cert: Buffer;
  key: Buffer;
  /** The served (first) certificate's SHA-256 fingerprint, subject and end of validity, for logs. */
  fingerprint: string;
  subject: string;
  validTo: string;
}

/** A pair that cannot be served, with the reason. `key` names the setting at fault. */
export class TlsPairError extends Error {
  constructor(
    readonly key: 'tls-cert' | 'tls-key',
    message: string,
  ) {
    super(message);
    this.name = 'TlsPairError';
  }
}

function read(key: 'tls-cert' | 'tls-key', path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new TlsPairError(
      key,
      `cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
}

/**
 * Reads both files and checks them as a TLS server would use them: the first certificate
 * parses, the key parses and is that certificate's, and OpenSSL builds a context from them.
 */
export function readTlsPair(files: TlsFiles): TlsPair {
  const cert = read('tls-cert', files.certPath);
  const key = read('tls-key', files.keyPath);
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(cert);
  } catch (err) {
    throw new TlsPairError('tls-cert', `${files.certPath} is not a PEM certificate: ${(err as Error).message}`);
  }
  let privateKey: ReturnType<typeof createPrivateKey>;
  try {
    privateKey = createPrivateKey(key);
  } catch (err) {
    throw new TlsPairError('tls-key', `${files.keyPath} is not a PEM private key: ${(err as Error).message}`);
  }
  if (!x509.checkPrivateKey(privateKey)) {
    throw new TlsPairError('tls-key', `${files.keyPath} is not the key of the certificate in ${files.certPath}`);
  }
  try {
    createSecureContext({ cert, key });
  } catch (err) {
    throw new TlsPairError(
      'tls-cert',
      `${files.certPath} and ${files.keyPath} cannot be served: ${(err as Error).message}`,
    );
  }
  return { cert, key, fingerprint: x509.fingerprint256, subject: x509.subject, validTo: x509.validTo };
}

/** The part of a TLS server that swaps the certificate for new connections. */
export interface SecureContextTarget {
  setSecureContext(options: { cert: Buffer; key: Buffer }): void;
}

export interface TlsReloadLog {
  info(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

/**
 * Re-reads the files and, when the new pair is sound, serves it to new connections
 * (connections already open keep theirs). A pair that is not is refused with a log line and
 * the one in service stays. Returns the pair now served.
 */
export function reloadTlsPair(
  server: SecureContextTarget,
  files: TlsFiles,
  current: TlsPair,
  log: TlsReloadLog,
): TlsPair {
  let next: TlsPair;
  try {
    next = readTlsPair(files);
  } catch (err) {
    if (!(err instanceof TlsPairError)) throw err;
    log.error(
      { err: { message: err.message }, fingerprint: current.fingerprint },
      `TLS certificate reload refused, still serving the previous certificate: ${err.message}`,
    );
    return current;
  }
  server.setSecureContext({ cert: next.cert, key: next.key });
  log.info(
    { fingerprint: next.fingerprint, previous: current.fingerprint, subject: next.subject, validTo: next.validTo },
    'TLS certificate reloaded',
  );
  return next;
}
