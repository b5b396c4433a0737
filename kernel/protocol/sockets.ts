// The kernel's ZeroMQ sockets. zeromq v6 allows one send in flight per socket, so every socket has a queue.
import * as zmq from 'zeromq';
import { ConnectionInfo, endpoint } from './connection';
import { Heartbeat } from './heartbeat';

type Sendable = zmq.Router | zmq.Publisher;

/** Serialises sends on one socket; a failed send is logged, never thrown into the caller. */
export class SendQueue {
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

export class KernelSockets {
  readonly shell = new zmq.Router({ linger: 0 });
  readonly control = new zmq.Router({ linger: 0 });
  readonly stdin = new zmq.Router({ linger: 0 });
  // A high send water mark: iopub is batched, but a slow client must not lose display updates.
  readonly iopub = new zmq.Publisher({ linger: 1000, sendHighWaterMark: 100_000 });
  readonly queues: Record<'shell' | 'control' | 'stdin' | 'iopub', SendQueue>;
  private heartbeat?: Heartbeat;

  constructor(private readonly info: ConnectionInfo, log: (msg: string) => void) {
    this.queues = {
      shell: new SendQueue(this.shell, log),
      control: new SendQueue(this.control, log),
      stdin: new SendQueue(this.stdin, log),
      iopub: new SendQueue(this.iopub, log),
    };
  }

  async bind(): Promise<void> {
    await Promise.all([
      this.shell.bind(endpoint(this.info, 'shell')),
      this.control.bind(endpoint(this.info, 'control')),
      this.stdin.bind(endpoint(this.info, 'stdin')),
      this.iopub.bind(endpoint(this.info, 'iopub')),
    ]);
    this.heartbeat = new Heartbeat(endpoint(this.info, 'hb'));
  }

  /** Closes every socket; pending receives end their loops. */
  async close(): Promise<void> {
    await this.heartbeat?.stop();
    for (const socket of [this.shell, this.control, this.stdin, this.iopub]) socket.close();
  }
}
