import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Runs the openssl command line in `dir`; its output is thrown with the error when it fails. */
function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

export interface IssuedCertificate {
  certPath: string;
  keyPath: string;
  /** SHA-256 fingerprint, as `X509Certificate.fingerprint256` gives it. */
  fingerprint: string;
}

/**
 * A certificate authority of the test's own, made with the openssl command line in `dir`:
 * nothing outside the test trusts it, as with a company's internal CA.
 */
export class PrivateCa {
  readonly certPath: string;
  private readonly keyPath: string;
  private issued = 0;

  constructor(
    private readonly dir: string,
    name = 'Stocktake Test Root CA',
  ) {
    this.certPath = join(dir, 'ca.crt');
    this.keyPath = join(dir, 'ca.key');
    openssl(dir, [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      this.keyPath,
      '-out',
      this.certPath,
      '-days',
      '2',
      '-subj',
      `/CN=${name}`,
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ]);
  }

  /** A server certificate for 127.0.0.1 and localhost, signed by this CA. */
  issueServer(name: string): IssuedCertificate {
    this.issued++;
    const keyPath = join(this.dir, `${name}.key`);
    const certPath = join(this.dir, `${name}.crt`);
    const csr = join(this.dir, `${name}.csr`);
    const extensions = join(this.dir, `${name}.ext`);
    writeFileSync(
      extensions,
      'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,DNS:localhost\n',
    );
    openssl(this.dir, [
      'req',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      keyPath,
      '-out',
      csr,
      '-subj',
      `/CN=${name}`,
    ]);
    openssl(this.dir, [
      'x509',
      '-req',
      '-in',
      csr,
      '-CA',
      this.certPath,
      '-CAkey',
      this.keyPath,
      '-set_serial',
      String(1000 + this.issued),
      '-days',
      '2',
      '-extfile',
      extensions,
      '-out',
      certPath,
    ]);
    return { certPath, keyPath, fingerprint: new X509Certificate(readFileSync(certPath)).fingerprint256 };
  }
}
