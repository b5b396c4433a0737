// The ZeroMQ transport: the kernel's sockets, bound where the connection file says, and the heartbeat thread.
// zeromq v6 allows one send in flight per socket, so every socket the kernel sends on has a queue.
import * as zmq from 'zeromq';
import { ConnectionInfo, endpoint } from './connection';
import { Heartbeat } from './heartbeat';
import type { Receive, RequestChannel, SendChannel, Transport } from './transport';

type Sendable = zmq.Router | zmq.Publisher;

/** Serialises sends on one socket; a failed send is logged, never thrown into the caller. */
class SendQueue {
  private tail: Promise<void> = Promise.resolve();

  constructor(private readonly socket: Sendable, private readonly log: (msg: string) => void) {}

  send(frames: Buffer[]): Promise<void> {
    this.tail = this.tail.then(
      () => this.socket.send(frames).catch((err: unknown) => this.log(`send failed: ${err}`)),
    );
    return this.tail;
  }

  /** Resolves once everything queued so far has been sent. */
  drained(): Promise<void> {
    return this.tail;
  }
}

export class ZmqTransport implements Transport {
  private readonly shell = new zmq.Router({ linger: 0 });
  private readonly control = new zmq.Router({ linger: 0 });
  // Bound because clients connect to it; the kernel never asks for input (allow_stdin is not supported).
  private readonly stdin = new zmq.Router({ linger: 0 });
  // A high send water mark: iopub is batched, but a slow client must not lose display updates.
  private readonly iopub = new zmq.Publisher({ linger: 1000, sendHighWaterMark: 100_000 });
  private readonly queues: Record<SendChannel, SendQueue>;
  private heartbeat?: Heartbeat;

  constructor(private readonly info: ConnectionInfo, private readonly log: (msg: string) => void) {
    this.queues = {
      shell: new SendQueue(this.shell, log),
      control: new SendQueue(this.control, log),
      iopub: new SendQueue(this.iopub, log),
    };
  }

  async start(receive: Receive): Promise<void> {
    await Promise.all([
      this.shell.bind(endpoint(this.info, 'shell')),
      this.control.bind(endpoint(this.info, 'control')),
      this.stdin.bind(endpoint(this.info, 'stdin')),
      this.iopub.bind(endpoint(this.info, 'iopub')),
    ]);
    this.heartbeat = new Heartbeat(endpoint(this.info, 'hb'));
    for (const channel of ['shell', 'control'] as const) {
      this.listen(channel, receive).catch((err) => this.log(`${channel} stopped: ${err}`));
    }
  }

  private async listen(channel: RequestChannel, receive: Receive): Promise<void> {
    for await (const frames of this[channel]) receive(channel, frames);
  }

  send(channel: SendChannel, frames: Buffer[]): Promise<void> {
    return this.queues[channel].send(frames);
  }

  /** Sends what iopub still holds, then closes every socket (pending receives end their loops). */
  async stop(): Promise<void> {
    await this.queues.iopub.drained();
    await this.heartbeat?.stop();
    for (const socket of [this.shell, this.control, this.stdin, this.iopub]) socket.close();
  }
}
