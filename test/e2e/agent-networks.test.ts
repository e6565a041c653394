import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AgentProcess, HostFixture, writeAgentConfig } from '../support/agent-service.ts';
import { ConnectProxy } from '../support/connect-proxy.ts';
import { PrivateCa } from '../support/private-ca.ts';
import { type RunningCollector, runAgent, startCollector, tempDir } from '../support/processes.ts';

const SECRET = 'e2e-networks-secret';

/**
 * Agents in real networks: a collector whose certificate comes from a private CA, and a proxy
 * that only tunnels. Real collector and agent processes; every byte stays on loopback.
 */
describe('an agent behind a private CA and an HTTP proxy', () => {
  const dir = tempDir('stocktake-e2e-networks-');
  const ca = new PrivateCa(dir.path);
  const served = ca.issueServer('collector');
  let collector: RunningCollector;
  const proxies: ConnectProxy[] = [];
  const agents: AgentProcess[] = [];
  let runs = 0;

  /** A fresh state directory per agent: each enrols as its own. */
  const stateDir = () => join(dir.path, `state-${++runs}`);
  // Pending updates (apt) take half a minute on a cold cache: a short per-source limit marks
  // them failed instead, which these tests do not look at.
  const once = (args: string[], env: NodeJS.ProcessEnv = {}) =>
    runAgent(
      [
        'once',
        '--server',
        collector.url,
        '--enroll-secret',
        SECRET,
        '--state-dir',
        stateDir(),
        '--timeout',
        '2000',
        ...args,
      ],
      // The machine's own proxy variables would change what these tests mean.
      { HTTPS_PROXY: '', https_proxy: '', HTTP_PROXY: '', http_proxy: '', NO_PROXY: '', no_proxy: '', ...env },
    );
  const proxy = async () => {
    const p = await new ConnectProxy().start();
    proxies.push(p);
    return p;
  };
  /** `stocktake-agent run` with a config file, inventorying a fixture machine. */
  const runWith = (name: string, config: Record<string, unknown>, env: NodeJS.ProcessEnv = {}) => {
    const hostRoot = join(dir.path, `host-${name}`);
    new HostFixture(hostRoot, { packages: 20, serial: `NET-${name}` });
    const path = writeAgentConfig(join(dir.path, `${name}.json`), {
      server: collector.url,
      enrollSecret: SECRET,
      stateDir: stateDir(),
      hostRoot,
      schedule: { splaySeconds: 0 },
      ...config,
    });
    const agent = new AgentProcess(path, {
      HTTPS_PROXY: '',
      https_proxy: '',
      NO_PROXY: '',
      no_proxy: '',
      ...env,
    });
    agents.push(agent);
    return agent;
  };

  beforeAll(async () => {
    collector = await startCollector({
      dbPath: join(dir.path, 'collector.db'),
      enrollSecret: SECRET,
      extraArgs: ['--tls-cert', served.certPath, '--tls-key', served.keyPath],
    });
  });
  afterEach(async () => {
    await Promise.all(agents.splice(0).map((a) => a.kill()));
    await Promise.all(proxies.splice(0).map((p) => p.stop()));
  });
  afterAll(async () => {
    await collector?.stop();
    dir.remove();
  });

  describe('a collector with a certificate from a private CA', () => {
    it('is refused without the CA, with a message that says so and what to do', async () => {
      expect(collector.url).toMatch(/^https:/);
      const result = await once([]);
      expect(result.code, result.stderr).toBe(69);
      expect(result.stderr).toContain('its TLS certificate is not trusted (UNABLE_TO_VERIFY_LEAF_SIGNATURE');
      expect(result.stderr).toContain('caFile, --ca-file');
    }, 120_000);

    it('enrols and delivers with caFile, and the CA is added to the default trust, not replacing it', async () => {
      const result = await once(['--ca-file', ca.certPath]);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toMatch(/^pushed snapshot \S+ for device \S+ \(enrolled as agent /);
      const fromEnv = await once([], { STOCKTAKE_CA_FILE: ca.certPath });
      expect(fromEnv.code, fromEnv.stderr).toBe(0);
    }, 120_000);

    it('runs as the service does: HTTP and the live channel both trust the bundle', async () => {
      const agent = runWith('ca', { caFile: ca.certPath });
      await agent.waitFor('live channel connected');
      const [delivered] = await agent.waitFor('snapshot delivered');
      expect(delivered?.snapshotId).toBeDefined();
    }, 120_000);

    it('refuses a bundle it cannot use in one line naming it', async () => {
      const notPem = join(dir.path, 'not-a-bundle.pem');
      writeAgentConfig(notPem, { hello: 'world' });
      const once78 = await once(['--ca-file', notPem]);
      expect(once78.code).toBe(78);
      expect(once78.stderr.trim()).toBe(
        `stocktake-agent: --ca-file: ${notPem} holds no PEM certificate (expected "-----BEGIN CERTIFICATE-----" blocks)`,
      );
      const agent = runWith('bad-ca', { caFile: join(dir.path, 'absent.pem') });
      const code = await new Promise<number | null>((done) => agent.process.once('exit', (c) => done(c)));
      expect(code).toBe(78);
      expect(agent.logs()).toContain(`: caFile: cannot read CA bundle ${join(dir.path, 'absent.pem')}: ENOENT`);
    }, 120_000);
  });

  describe('a CONNECT proxy', () => {
    it('carries the agent to the collector when HTTPS_PROXY names it, and NO_PROXY bypasses it', async () => {
      const tunnelling = await proxy();
      const target = new URL(collector.url).host;
      const through = await once(['--ca-file', ca.certPath], { HTTPS_PROXY: tunnelling.url });
      expect(through.code, through.stderr).toBe(0);
      expect(tunnelling.tunnels.length).toBeGreaterThan(0);
      expect(new Set(tunnelling.tunnels)).toEqual(new Set([target]));

      const before = tunnelling.tunnels.length;
      for (const noProxy of [
        '127.0.0.1',
        `127.0.0.1:${new URL(collector.url).port}`,
        '.corp.internal,127.0.0.0/8',
        '*',
      ]) {
        const direct = await once(['--ca-file', ca.certPath], { https_proxy: tunnelling.url, NO_PROXY: noProxy });
        expect(direct.code, `${noProxy}: ${direct.stderr}`).toBe(0);
      }
      // Another port or another host is no match: the proxy is used.
      const otherPort = await once(['--ca-file', ca.certPath], {
        HTTPS_PROXY: tunnelling.url,
        NO_PROXY: '127.0.0.1:1,example.org',
      });
      expect(otherPort.code, otherPort.stderr).toBe(0);
      expect(tunnelling.tunnels.length).toBeGreaterThan(before);
      expect(tunnelling.plainRequests).toEqual([]);
    }, 180_000);

    it('takes an http:// collector through HTTP_PROXY, and not through HTTPS_PROXY', async () => {
      const plain = await startCollector({ dbPath: join(dir.path, 'plain.db'), enrollSecret: SECRET });
      try {
        const tunnelling = await proxy();
        const other = await proxy();
        const args = ['once', '--server', plain.url, '--enroll-secret', SECRET, '--timeout', '2000'];
        const through = await runAgent([...args, '--state-dir', stateDir()], {
          HTTP_PROXY: tunnelling.url,
          HTTPS_PROXY: other.url,
          NO_PROXY: '',
        });
        expect(through.code, through.stderr).toBe(0);
        expect(new Set(tunnelling.tunnels)).toEqual(new Set([new URL(plain.url).host]));
        expect(other.tunnels).toEqual([]);
        expect(tunnelling.plainRequests).toEqual([]);
      } finally {
        await plain.stop();
      }
    }, 120_000);

    it('says which proxy refused the tunnel', async () => {
      const refusing = await proxy();
      refusing.refuseWith = 403;
      const result = await once(['--ca-file', ca.certPath, '--proxy', refusing.url]);
      expect(result.code, result.stderr).toBe(69);
      expect(result.stderr).toContain(`through proxy ${refusing.url}/ (--proxy)`);
      expect(result.stderr).toContain('the proxy refused the tunnel with HTTP 403');
      expect(refusing.tunnels).toEqual([new URL(collector.url).host]);
    }, 120_000);

    it('takes the live channel through the same proxy as HTTP, from the config or the environment', async () => {
      const configured = await proxy();
      const agent = runWith('proxy-config', { caFile: ca.certPath, proxy: configured.url });
      await agent.waitFor('live channel connected');
      await agent.waitFor('snapshot delivered');
      // Enrolment and snapshots over HTTP, and the websocket: at least two tunnels.
      expect(configured.tunnels.length).toBeGreaterThanOrEqual(2);
      expect(new Set(configured.tunnels)).toEqual(new Set([new URL(collector.url).host]));
      await agent.stop();

      const fromEnv = await proxy();
      const envAgent = runWith('proxy-env', { caFile: ca.certPath }, { HTTPS_PROXY: fromEnv.url });
      await envAgent.waitFor('live channel connected');
      await envAgent.waitFor('snapshot delivered');
      expect(fromEnv.tunnels.length).toBeGreaterThanOrEqual(2);

      // noProxy in the config wins over the environment's proxy: nothing goes through it.
      const bypassed = await proxy();
      const direct = runWith(
        'proxy-bypassed',
        { caFile: ca.certPath, noProxy: '127.0.0.1' },
        { HTTPS_PROXY: bypassed.url },
      );
      await direct.waitFor('live channel connected');
      await direct.waitFor('snapshot delivered');
      expect(bypassed.tunnels).toEqual([]);
    }, 180_000);
  });
});
