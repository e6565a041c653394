import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { AGENT_BIN, COLLECTOR_BIN } from './processes.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');

/**
 * A machine for the agent to inventory through `hostRoot`: DMI identity, CPU, OS release and a
 * dpkg database the test edits to install and remove packages, exactly as dpkg writes it.
 */
export class HostFixture {
  readonly packages = new Map<string, string>();

  constructor(
    readonly root: string,
    /** `macs`: physical NICs (eth0, eth1, ...) with these addresses; none by default. */
    options: { packages?: number; serial?: string; uuid?: string; macs?: readonly string[] } = {},
  ) {
    const files: Record<string, string> = {
      'etc/os-release':
        'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nVERSION="12 (bookworm)"\nVERSION_CODENAME=bookworm\nID=debian\n',
      'etc/debian_version': '12.7\n',
      'proc/cpuinfo':
        'processor\t: 0\nvendor_id\t: GenuineIntel\nmodel name\t: Intel(R) Core(TM) i7-1365U\nphysical id\t: 0\ncore id\t\t: 0\ncpu cores\t: 1\n\n',
      'sys/class/dmi/id/sys_vendor': 'Dell Inc.\n',
      'sys/class/dmi/id/product_name': 'Latitude 7440\n',
      'sys/class/dmi/id/product_serial': `${options.serial ?? 'E2E0001'}\n`,
      'sys/class/dmi/id/product_uuid': `${options.uuid ?? '4c4c4544-0058-4b10-8033-b7c04f515733'}\n`,
    };
    for (const [i, mac] of (options.macs ?? []).entries()) files[`sys/class/net/eth${i}/address`] = `${mac}\n`;
    for (const [path, content] of Object.entries(files)) {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), content);
    }
    for (let i = 0; i < (options.packages ?? 300); i++) this.packages.set(`pkg-${i}`, `1.${i}-1`);
    this.write();
  }

  install(name: string, version: string): void {
    this.packages.set(name, version);
    this.write();
  }

  remove(name: string): void {
    this.packages.delete(name);
    this.write();
  }

  /** `name version` of every package, sorted: what the collector must end up storing. */
  expected(): string[] {
    return [...this.packages].map(([n, v]) => `${n} ${v}`).sort();
  }

  /** Written aside and renamed, as dpkg does, so the agent never reads half a database. */
  private write(): void {
    const stanzas = [...this.packages].map(
      ([name, version]) =>
        `Package: ${name}\nStatus: install ok installed\nPriority: optional\nSection: misc\nInstalled-Size: 120\nMaintainer: Stocktake Tests <tests@example.org>\nArchitecture: amd64\nVersion: ${version}\nDescription: fixture package ${name}\n This line continues the description.\n`,
    );
    const path = join(this.root, 'var/lib/dpkg/status');
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(`${path}-new`, stanzas.join('\n'));
    renameSync(`${path}-new`, path);
  }
}

export interface AgentLogLine {
  msg: string;
  level: number;
  snapshotId?: string;
  kind?: 'full' | 'delta';
  reason?: string;
  [key: string]: unknown;
}

/** `stocktake-agent run` as a child process, its JSON log parsed line by line. */
export class AgentProcess {
  readonly lines: AgentLogLine[] = [];
  private stderr = '';
  readonly process: ChildProcess;

  constructor(configPath: string, env: NodeJS.ProcessEnv = {}) {
    this.process = spawn(process.execPath, [AGENT_BIN, 'run', '--config', configPath], {
      env: { ...process.env, STOCKTAKE_LOG_LEVEL: 'info', ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    this.process.stderr?.on('data', (chunk: Buffer) => {
      this.stderr += chunk.toString();
      let nl = this.stderr.indexOf('\n');
      while (nl >= 0) {
        const line = this.stderr.slice(0, nl);
        this.stderr = this.stderr.slice(nl + 1);
        try {
          this.lines.push(JSON.parse(line) as AgentLogLine);
        } catch {
          this.lines.push({ msg: line, level: 50 });
        }
        nl = this.stderr.indexOf('\n');
      }
    });
  }

  get exited(): boolean {
    return this.process.exitCode !== null || this.process.signalCode !== null;
  }

  logs(): string {
    return this.lines.map((l) => JSON.stringify(l)).join('\n');
  }

  with(msg: string): AgentLogLine[] {
    return this.lines.filter((l) => l.msg === msg);
  }

  /** Waits until `count` log lines with this message exist; returns them. */
  async waitFor(msg: string, count = 1, timeoutMs = 60_000): Promise<AgentLogLine[]> {
    await until(
      () => this.with(msg).length >= count || this.exited,
      timeoutMs,
      () => `${count} × "${msg}"`,
    );
    if (this.with(msg).length < count) throw new Error(`agent exited before ${count} × "${msg}":\n${this.logs()}`);
    return this.with(msg);
  }

  /** SIGTERM, and the exit code once it is gone. */
  stop(): Promise<number | null> {
    return this.signal('SIGTERM');
  }

  kill(): Promise<number | null> {
    return this.signal('SIGKILL');
  }

  private signal(signal: NodeJS.Signals): Promise<number | null> {
    return new Promise((done) => {
      if (this.exited) return done(this.process.exitCode);
      this.process.once('exit', (code) => done(code));
      this.process.kill(signal);
    });
  }
}

/** Polls `check` until it holds; the machine is shared and loaded, so never a fixed sleep. */
export async function until(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 60_000,
  what: () => string = () => 'condition',
): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export function writeAgentConfig(path: string, config: Record<string, unknown>): string {
  writeFileSync(path, JSON.stringify(config, null, 2), { mode: 0o600 });
  return path;
}

/** Runs `stocktake-agent status --json` against a config. */
export function agentStatus(configPath: string): Promise<{ code: number; report: Record<string, unknown> }> {
  return new Promise((done, fail) => {
    execFile(process.execPath, [AGENT_BIN, 'status', '--config', configPath, '--json'], (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      try {
        done({ code, report: JSON.parse(stdout) as Record<string, unknown> });
      } catch {
        fail(new Error(`status printed no JSON (exit ${code}): ${stderr}`));
      }
    });
  });
}

/** Headers for the collector's read and admin API: an admin token made with the collector's own `token create`. */
export function apiHeaders(dbPath: string): Promise<Record<string, string>> {
  return new Promise((done, fail) => {
    execFile(
      process.execPath,
      [
        COLLECTOR_BIN,
        'token',
        'create',
        '--name',
        `e2e-${process.pid}-${Date.now()}`,
        '--role',
        'admin',
        '--db',
        dbPath,
      ],
      (error, stdout, stderr) => {
        const token = stdout.trim();
        if (error || !/^stk_\S+$/.test(token)) fail(new Error(`token create failed: ${stderr || error?.message}`));
        else done({ authorization: `Bearer ${token}` });
      },
    );
  });
}

interface Statement {
  all(...params: unknown[]): unknown[];
  get(...params: unknown[]): unknown;
  run(...params: unknown[]): unknown;
}
export interface SqliteHandle {
  prepare(sql: string): Statement;
  close(): void;
}

/** The collector's SQLite file, opened beside the running collector (WAL allows it). */
export function openCollectorDb(path: string, options: { readonly?: boolean } = {}): SqliteHandle {
  const require = createRequire(join(ROOT, 'collector', 'package.json'));
  const Database = require('better-sqlite3') as new (
    file: string,
    opts: { readonly?: boolean; fileMustExist?: boolean },
  ) => SqliteHandle & { pragma(s: string): unknown };
  const db = new Database(path, { readonly: options.readonly ?? true, fileMustExist: true });
  db.pragma('busy_timeout = 5000');
  return db;
}

/** One HTTP request as it crossed the relay: request line, headers and body. */
export interface RelayedRequest {
  method: string;
  path: string;
  bytes: number;
  body: Buffer;
}

/** Cuts one direction of an HTTP/1.1 connection into messages by their Content-Length. */
export class HttpMessages {
  private buffer = Buffer.alloc(0);
  constructor(private readonly onMessage: (head: string, bytes: number, body: Buffer) => void) {}

  push(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const end = this.buffer.indexOf('\r\n\r\n');
      if (end < 0) return;
      const head = this.buffer.subarray(0, end).toString('latin1');
      const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1] ?? 0);
      const total = end + 4 + length;
      if (this.buffer.length < total) return;
      const body = this.buffer.subarray(end + 4, total);
      this.buffer = this.buffer.subarray(total);
      this.onMessage(head, total, body);
    }
  }
}

/**
 * A TCP relay in front of the collector that counts the bytes each way and can slow the
 * upload down: to measure a request on the wire, and to catch an agent in the middle of one.
 */
export class TcpRelay {
  bytesUp = 0;
  bytesDown = 0;
  /** Every complete HTTP request the agent sent (not websocket traffic after an upgrade). */
  readonly requests: RelayedRequest[] = [];
  /** Upload bytes per second; 0 for no limit. */
  uploadRate = 0;
  /** Holds the collector's answers back (they pass once it is false again): an agent waiting for its ack. */
  holdDown = false;
  private held: { client: Socket; chunk: Buffer }[] = [];
  private server: Server;
  private sockets = new Set<Socket>();
  port = 0;

  constructor(private readonly target: { host: string; port: number }) {
    this.server = createServer((client) => this.relay(client));
  }

  async listen(): Promise<string> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    const address = this.server.address();
    this.port = typeof address === 'object' && address ? address.port : 0;
    return `http://127.0.0.1:${this.port}`;
  }

  private relay(client: Socket): void {
    const upstream = connect(this.target.port, this.target.host);
    this.sockets.add(client);
    this.sockets.add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      this.sockets.delete(client);
      this.sockets.delete(upstream);
    };
    for (const s of [client, upstream]) {
      s.on('error', drop);
      s.on('close', drop);
    }
    upstream.on('data', (chunk: Buffer) => {
      this.bytesDown += chunk.length;
      if (this.holdDown) this.held.push({ client, chunk });
      else client.write(chunk);
    });
    // Read everything the agent sends at once (so its death is seen at once) and pass it on at the set rate.
    const queue: Buffer[] = [];
    let pumping = false;
    const pump = async () => {
      if (pumping) return;
      pumping = true;
      while (queue.length > 0 && !upstream.destroyed) {
        const chunk = queue.shift() as Buffer;
        if (!this.uploadRate) {
          upstream.write(chunk);
          this.forwardedUp += chunk.length;
          continue;
        }
        const slice = Math.max(1, Math.floor(this.uploadRate / 20));
        for (let i = 0; i < chunk.length && !upstream.destroyed; i += slice) {
          const part = chunk.subarray(i, i + slice);
          upstream.write(part);
          this.forwardedUp += part.length;
          await new Promise((r) => setTimeout(r, 50));
        }
      }
      pumping = false;
    };
    const messages = new HttpMessages((head, bytes, body) => {
      const [method = '', path = ''] = head.split(' ');
      this.requests.push({ method, path, bytes, body });
    });
    client.on('data', (chunk: Buffer) => {
      this.bytesUp += chunk.length;
      messages.push(chunk);
      queue.push(chunk);
      void pump();
    });
    // A sender that dies takes its unsent bytes with it, as a real connection would.
    client.on('end', drop);
  }

  /** Bytes passed on to the collector so far (behind `bytesUp` while throttling). */
  forwardedUp = 0;

  release(): void {
    this.holdDown = false;
    for (const { client, chunk } of this.held.splice(0)) if (!client.destroyed) client.write(chunk);
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}
