// How the kernel meets its clients. The Kernel is given one, as a xeus kernel is given its server: ZeroMQ sockets
// in a real kernel (sockets.ts), memory in the dispatch tests. A transport moves signed frames only; decoding,
// signing and every protocol rule stay in the Kernel.

/** The channels a client sends requests on. */
export type RequestChannel = 'shell' | 'control';

/** The channels the kernel sends on: replies on shell and control, everything else on iopub. */
export type SendChannel = RequestChannel | 'iopub';

/** Takes the frames of one received message; called in arrival order for each channel. */
export type Receive = (channel: RequestChannel, frames: Buffer[]) => void;

export interface Transport {
  /** Starts listening; from then on every message received on shell or control goes to `receive`. */
  start(receive: Receive): Promise<void>;
  /** Sends the frames of one message, after those sent before on the same channel. Never rejects. */
  send(channel: SendChannel, frames: Buffer[]): Promise<void>;
  /** Sends what iopub still holds (replies were awaited already), then stops listening and releases everything. */
  stop(): Promise<void>;
}
