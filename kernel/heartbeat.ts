// The heartbeat runs on its own thread with its own ZeroMQ socket, so it echoes even while the main thread is
// busy (a long query, a tight loop between time-slice yields, a slow synchronous store call).
import { Worker, isMainThread, workerData } from 'worker_threads';
import * as zmq from 'zeromq';

export function startHeartbeat(address: string): Worker {
  const worker = new Worker(__filename, { workerData: { address } });
  worker.unref();
  return worker;
}

async function echo(address: string): Promise<void> {
  const socket = new zmq.Reply({ linger: 0 });
  await socket.bind(address);
  for await (const frames of socket) await socket.send(frames);
}

if (!isMainThread && workerData?.address) {
  echo(workerData.address).catch((err) => {
    console.error(`[escript] heartbeat stopped: ${err}`);
  });
}
