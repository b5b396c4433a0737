// A Jupyter client for tests: starts the real kernel process and talks to it over ZeroMQ.
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import * as zmq from 'zeromq';
import { ClientChannel, KernelClient } from './kernel-client';

export { ofType, streamText } from './kernel-client';

export const ROOT = path.resolve(__dirname, '..', '..', '..');
export const CLI = path.join(ROOT, 'dist', 'kernel', 'cli.js');

/** A TCP port nothing listens on right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/** Resolves once something accepts TCP connections on the port (the kernel has bound its sockets). */
async function waitForListener(port: number, child: ChildProcess, stderr: () => string): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`kernel exited (${child.exitCode}): ${stderr()}`);
    const open = await new Promise<boolean>((resolve) => {
      const probe = net.connect(port, '127.0.0.1');
      probe.once('connect', () => { probe.destroy(); resolve(true); });
      probe.once('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`kernel did not bind port ${port} in 15 s: ${stderr()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export class TestClient extends KernelClient {
  readonly shell = new zmq.Dealer({ linger: 0 });
  readonly control = new zmq.Dealer({ linger: 0 });
  readonly iopub = new zmq.Subscriber({ linger: 0 });
  stderr = '';
  process!: ChildProcess;
  dataDir!: string;
  connection!: Record<string, unknown>;

  constructor() {
    super('test-key-' + Math.random().toString(36).slice(2));
  }

  /** Starts a kernel: ours by default, or any command line taking a connection file as its last argument. */
  static async start(env: Record<string, string> = {}, argv: string[] = [process.execPath, CLI, 'kernel', '-f']): Promise<TestClient> {
    // Ports are picked free but bound later by the kernel; another process may take one in between (as with
    // jupyter_client). Such a start is retried with new ports.
    for (let attempt = 1; ; attempt++) {
      const client = new TestClient();
      try {
        await client.launch(env, argv);
        return client;
      } catch (err) {
        await client.stop().catch(() => undefined);
        if (attempt >= 3 || !/address already in use/i.test(String((err as Error).message))) throw err;
      }
    }
  }

  private async launch(env: Record<string, string>, argv: string[]): Promise<void> {
    this.dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'escript-test-'));
    this.connection = {
      transport: 'tcp', ip: '127.0.0.1', key: this.key, signature_scheme: 'hmac-sha256', kernel_name: 'escript-test',
      shell_port: await freePort(), control_port: await freePort(), stdin_port: await freePort(),
      iopub_port: await freePort(), hb_port: await freePort(),
    };
    const file = path.join(this.dataDir, 'connection.json');
    fs.writeFileSync(file, JSON.stringify(this.connection));
    this.process = spawn(argv[0], [...argv.slice(1), file], {
      env: { ...process.env, ESCRIPT_DATA_DIR: this.dataDir, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.process.stderr!.on('data', (d) => (this.stderr += d));
    // Connect once the kernel has bound its ports: connecting to a port nobody listens on yet can make a
    // loopback TCP socket connect to itself (same ephemeral port), and then it never reaches the kernel.
    await waitForListener(Number(this.connection.iopub_port), this.process, () => this.stderr);
    const url = (port: string) => `tcp://127.0.0.1:${this.connection[port]}`;
    this.shell.connect(url('shell_port'));
    this.control.connect(url('control_port'));
    this.iopub.connect(url('iopub_port'));
    this.iopub.subscribe();
    void this.pump(this.shell, 'shell');
    void this.pump(this.control, 'control');
    void this.pumpIopub();
    // The PUB socket drops what it sends before our subscription reaches it: wait for a kernel_info round trip
    // whose status messages arrive, as jupyter_client's wait_for_ready does.
    let replies = 0;
    for (let i = 0; i < 50; i++) {
      const reply = this.request('kernel_info_request', {}, 'shell');
      const got = await Promise.race([reply, new Promise((r) => setTimeout(() => r(null), 200))]);
      if (got) replies++;
      if (got && this.iopubMessages.some((m) => m.header.msg_type === 'status')) return;
    }
    throw new Error(`kernel did not start (${JSON.stringify(this.connection)} ${replies} replies, ${this.iopubMessages.length} iopub messages; ${this.undecodable}): ${this.stderr}`);
  }

  private async pump(socket: zmq.Dealer, channel: ClientChannel): Promise<void> {
    try {
      for await (const frames of socket) this.received(channel, frames); // a DEALER gets no routing identities
    } catch {
      /* socket closed */
    }
  }

  private async pumpIopub(): Promise<void> {
    try {
      for await (const frames of this.iopub) this.received('iopub', frames);
    } catch (err) {
      this.undecodable.push(`iopub loop ended: ${err}`);
    }
  }

  protected deliver(channel: ClientChannel, frames: Buffer[]): void {
    void this[channel].send(frames);
  }

  async heartbeat(timeoutMs = 1000): Promise<boolean> {
    const hb = new zmq.Request({ linger: 0, receiveTimeout: timeoutMs, sendTimeout: timeoutMs });
    hb.connect(`tcp://127.0.0.1:${this.connection.hb_port}`);
    try {
      await hb.send('ping');
      const [echo] = await hb.receive();
      return echo.toString() === 'ping';
    } catch {
      return false;
    } finally {
      hb.close();
    }
  }

  async stop(): Promise<void> {
    if (this.process.exitCode === null) {
      const exited = new Promise((r) => this.process.once('exit', r));
      await Promise.race([this.request('shutdown_request', { restart: false }, 'control'), new Promise((r) => setTimeout(r, 3000))]);
      await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
      if (this.process.exitCode === null) this.process.kill('SIGKILL');
    }
    for (const s of [this.shell, this.control, this.iopub]) s.close();
    fs.rmSync(this.dataDir, { recursive: true, force: true });
  }
}
