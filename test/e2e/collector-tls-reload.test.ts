import { execFileSync } from 'node:child_process';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../support/agent-service.ts';
import { PrivateCa } from '../support/private-ca.ts';
import { type RunningCollector, startCollector, tempDir } from '../support/processes.ts';

/** The SHA-256 fingerprint of the certificate a new TLS connection to `url` is served. */
function servedFingerprint(url: string, ca: Buffer): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((done, fail) => {
    const socket = connect({ host: hostname, port: Number(port), ca, servername: 'localhost' }, () => {
      const fingerprint = socket.getPeerCertificate().fingerprint256;
      socket.end();
      done(fingerprint);
    });
    socket.once('error', fail);
  });
}

/**
 * Renewing the collector's certificate without a restart: new files, SIGHUP, and new
 * connections get the new certificate; a pair that cannot be served is refused and the
 * one in service stays. A real collector process on loopback.
 */
describe('collector TLS certificate reload on SIGHUP', () => {
  const dir = tempDir('stocktake-e2e-tls-reload-');
  const ca = new PrivateCa(dir.path);
  const first = ca.issueServer('first');
  const second = ca.issueServer('second');
  const caPem = readFileSync(ca.certPath);
  const certPath = join(dir.path, 'collector.crt');
  const keyPath = join(dir.path, 'collector.key');
  let collector: RunningCollector;

  const install = (pair: { certPath: string; keyPath: string }) => {
    copyFileSync(pair.certPath, certPath);
    copyFileSync(pair.keyPath, keyPath);
  };
  const served = () => servedFingerprint(collector.url, caPem);
  const logLines = (message: string) =>
    collector
      .logs()
      .split('\n')
      .filter((line) => line.includes(message));

  beforeAll(async () => {
    install(first);
    collector = await startCollector({
      dbPath: join(dir.path, 'collector.db'),
      enrollSecret: 'e2e-tls-reload',
      extraArgs: ['--tls-cert', certPath, '--tls-key', keyPath, '--log-level', 'info'],
    });
  });
  afterAll(async () => {
    await collector?.stop();
    dir.remove();
  });

  it('serves the new certificate to new connections after SIGHUP, without a restart', async () => {
    expect(first.fingerprint).not.toBe(second.fingerprint);
    expect(await served()).toBe(first.fingerprint);
    const pid = collector.process.pid;

    install(second);
    // Until the signal, the files on disk are not what is served.
    expect(await served()).toBe(first.fingerprint);
    // The README's command, as a renewal hook runs it.
    execFileSync('sh', ['-c', 'kill -HUP "$COLLECTOR_PID"'], { env: { ...process.env, COLLECTOR_PID: String(pid) } });
    await until(
      () => logLines('TLS certificate reloaded').length > 0,
      30_000,
      () => `the reload log line in:\n${collector.logs()}`,
    );
    expect(await served()).toBe(second.fingerprint);
    expect(collector.process.pid).toBe(pid);
    expect(collector.process.exitCode).toBeNull();
    expect(logLines('TLS certificate reloaded')[0]).toContain(second.fingerprint);
  }, 60_000);

  it('refuses a damaged or mismatched pair with a log line and keeps serving the old one', async () => {
    expect(await served()).toBe(second.fingerprint);
    const cases: [what: string, apply: () => void, reason: string][] = [
      [
        'a certificate that is not PEM',
        () => writeFileSync(certPath, 'not a certificate\n'),
        'is not a PEM certificate',
      ],
      [
        "another certificate's key",
        () => {
          copyFileSync(first.certPath, certPath);
          copyFileSync(second.keyPath, keyPath);
        },
        'is not the key of the certificate',
      ],
      ['a missing key', () => writeFileSync(keyPath, ''), 'is not a PEM private key'],
    ];
    for (const [what, apply, reason] of cases) {
      const before = logLines('TLS certificate reload refused').length;
      apply();
      collector.process.kill('SIGHUP');
      await until(
        () => logLines('TLS certificate reload refused').length > before,
        30_000,
        () => `a refusal of ${what} in:\n${collector.logs()}`,
      );
      expect(logLines('TLS certificate reload refused').at(-1), what).toContain(reason);
      expect(await served(), what).toBe(second.fingerprint);
      expect(collector.process.exitCode).toBeNull();
    }

    // Fixed files are taken at the next signal.
    install(first);
    const reloads = logLines('TLS certificate reloaded').length;
    collector.process.kill('SIGHUP');
    await until(() => logLines('TLS certificate reloaded').length > reloads, 30_000);
    expect(await served()).toBe(first.fingerprint);
  }, 60_000);
});
