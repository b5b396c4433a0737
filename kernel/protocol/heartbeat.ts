// The heartbeat runs on its own thread with its own ZeroMQ socket, so it echoes even while the main thread is
// busy (a long query, a tight loop between time-slice yields, a slow synchronous store call).
import { isMainThread, parentPort, Worker, workerData } from 'worker_threads';
import * as zmq from 'zeromq';

export class Heartbeat {
  private readonly worker: Worker;
  private readonly exited: Promise<void>;

  constructor(address: string) {
    this.worker = new Worker(__filename, { workerData: { address } });
    this.worker.unref();
    this.exited = new Promise((resolve) => this.worker.once('exit', () => resolve()));
  }

  /** The thread must close its socket itself: a worker torn down with a live zeromq socket aborts the process. */
  async stop(): Promise<void> {
    this.worker.postMessage('stop');
    await Promise.race([this.exited, new Promise((r) => setTimeout(r, 2000))]);
  }
}

async function echo(address: string): Promise<void> {
  const socket = new zmq.Reply({ linger: 0 });
  parentPort?.once('message', () => socket.close());
  parentPort?.unref();
  await socket.bind(address);
  try {
    for await (const frames of socket) await socket.send(frames);
  } catch (err) {
    if (!socket.closed) throw err;
  }
}

if (!isMainThread && workerData?.address) {
  echo(workerData.address).catch((err) => {
    console.error(`[escript] heartbeat stopped: ${err}`);
  });
}
