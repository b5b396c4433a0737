// The Kernel's dispatch in this process, without sockets: an in-memory Transport, and a client on its other end
// that also sees every message the kernel sends, on any channel, in one global order.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Kernel } from '../../../kernel/protocol/dispatch';
import { History } from '../../../kernel/protocol/history';
import type { Receive, RequestChannel, SendChannel, Transport } from '../../../kernel/protocol/transport';
import { decode, Message, Signer } from '../../../kernel/protocol/wire';
import type { Interpreter } from '../../../language/contract';
import { Session } from '../../../language/session';
import { ClientChannel, KernelClient } from '../kernel-client';

export class MemoryTransport implements Transport {
  state: 'new' | 'started' | 'stopped' = 'new';
  /** Channels of the sends made after stop(): a closed socket would have failed them. */
  readonly sentAfterStop: SendChannel[] = [];
  private receive?: Receive;

  constructor(private readonly onSend: (channel: SendChannel, frames: Buffer[]) => void) {}

  async start(receive: Receive): Promise<void> {
    this.receive = receive;
    this.state = 'started';
  }

  async send(channel: SendChannel, frames: Buffer[]): Promise<void> {
    if (this.state === 'started') this.onSend(channel, frames);
    else this.sentAfterStop.push(channel);
  }

  async stop(): Promise<void> {
    this.state = 'stopped';
  }

  /** A client's message arrives a turn of the event loop later, as from a socket; a stopped transport drops it. */
  deliver(channel: RequestChannel, frames: Buffer[]): void {
    setImmediate(() => {
      if (this.state === 'started') this.receive?.(channel, frames);
    });
  }
}

/** A Kernel over a MemoryTransport, with a real History file, and the client that talks to it. */
export class InProcessKernel extends KernelClient {
  readonly transport = new MemoryTransport((channel, frames) => this.sent(channel, frames));
  /** Every message the kernel sent, in the order it sent them. */
  readonly sentLog: { channel: SendChannel; message: Message }[] = [];
  readonly logs: string[] = [];
  /** The `restart` flag of every onShutdown call. */
  readonly shutdowns: boolean[] = [];
  readonly kernel: Kernel;
  private readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'escript-dispatch-'));

  private constructor(readonly interpreter: Interpreter) {
    super('in-process-key');
    this.kernel = new Kernel({
      transport: this.transport,
      signer: new Signer(this.key),
      interpreter,
      history: new History(path.join(this.dir, 'history.db'), 'escript-test'),
      implementationVersion: '0.0.0-test',
      log: (message) => this.logs.push(message),
      onShutdown: (restart) => this.shutdowns.push(restart),
    });
  }

  static async start(interpreter: Interpreter = new Session()): Promise<InProcessKernel> {
    const k = new InProcessKernel(interpreter);
    await k.kernel.start();
    return k;
  }

  protected deliver(channel: ClientChannel, frames: Buffer[]): void {
    this.transport.deliver(channel, frames);
  }

  /** Frames as a misbehaving client might send them. */
  deliverFrames(channel: ClientChannel, frames: Buffer[]): void {
    this.transport.deliver(channel, frames);
  }

  private sent(channel: SendChannel, frames: Buffer[]): void {
    this.sentLog.push({ channel, message: decode(frames, this.signer) });
    this.received(channel, frames);
  }

  /** The kernel's messages about one request (its reply and its iopub messages), in the order sent. */
  about(msgId: string): { channel: SendChannel; type: string; content: Record<string, any> }[] {
    return this.sentLog
      .filter(({ message }) => message.parent_header.msg_id === msgId)
      .map(({ channel, message }) => ({ channel, type: message.header.msg_type, content: message.content }));
  }

  /** Shuts the kernel down unless a test did, and removes its files. */
  async stop(): Promise<void> {
    if (this.transport.state === 'started') await this.request('shutdown_request', { restart: false }, 'control');
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
