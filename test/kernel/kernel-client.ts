// What a test client does with a kernel, whatever carries the frames (ZeroMQ to a kernel process in client.ts,
// memory to an in-process Kernel in protocol/memory-transport.ts): sign and send requests, match the replies to
// them, collect iopub, and wait for a request's idle.
import { decode, encode, makeMessage, Message, Signer } from '../../kernel/protocol/wire';

export type ClientChannel = 'shell' | 'control';

export abstract class KernelClient {
  readonly signer: Signer;
  readonly session = 'test-session';
  readonly iopubMessages: Message[] = [];
  readonly undecodable: string[] = [];
  private waiters: (() => void)[] = [];
  private replies = new Map<string, (m: Message) => void>();

  constructor(readonly key: string) {
    this.signer = new Signer(key);
  }

  /** Hands the frames of one request to the kernel. */
  protected abstract deliver(channel: ClientChannel, frames: Buffer[]): void;

  /** Takes the frames of one message the kernel sent. */
  protected received(channel: ClientChannel | 'iopub', frames: Buffer[]): void {
    const msg = this.tryDecode(frames);
    if (channel !== 'iopub') {
      if (msg) this.replies.get(String(msg.parent_header.msg_id))?.(msg);
      return;
    }
    if (msg) this.iopubMessages.push(msg);
    this.waiters.splice(0).forEach((w) => w());
  }

  private tryDecode(frames: Buffer[]): Message | undefined {
    try {
      return decode(frames, this.signer);
    } catch (err) {
      this.undecodable.push((err as Error).message);
      return undefined;
    }
  }

  /** Sends a request; resolves with its reply. */
  send(msgType: string, content: object, channel: ClientChannel = 'shell'): { msgId: string; reply: Promise<Message> } {
    const message = makeMessage(msgType, content, this.session);
    const reply = new Promise<Message>((resolve) => this.replies.set(message.header.msg_id, resolve));
    this.deliver(channel, encode(message, this.signer));
    return { msgId: message.header.msg_id, reply };
  }

  /** The reply to a request sent by other means (raw frames): resolves when it arrives. */
  replyTo(msgId: string): Promise<Message> {
    return new Promise<Message>((resolve) => this.replies.set(msgId, resolve));
  }

  request(msgType: string, content: object, channel: ClientChannel = 'shell'): Promise<Message> {
    return this.send(msgType, content, channel).reply;
  }

  /** iopub messages whose parent is `msgId`, once its `idle` status has arrived. */
  async outputs(msgId: string, timeoutMs = 10000): Promise<Message[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const mine = this.iopubMessages.filter((m) => m.parent_header.msg_id === msgId);
      if (mine.some((m) => m.header.msg_type === 'status' && m.content.execution_state === 'idle')) return mine;
      if (Date.now() > deadline) throw new Error(`no idle for ${msgId}; got ${mine.map((m) => m.header.msg_type)}`);
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 100);
      });
    }
  }

  /** Runs code; resolves with the reply and the iopub messages of the request. */
  async execute(code: string, extra: object = {}): Promise<{ reply: Message; outputs: Message[] }> {
    const { msgId, reply } = this.send('execute_request', { code, silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: true, ...extra });
    const r = await reply;
    return { reply: r, outputs: await this.outputs(msgId) };
  }
}

export function streamText(outputs: Message[], name = 'stdout'): string {
  return outputs.filter((m) => m.header.msg_type === 'stream' && m.content.name === name).map((m) => m.content.text).join('');
}

export function ofType(outputs: Message[], type: string): Message[] {
  return outputs.filter((m) => m.header.msg_type === type);
}
