// The protocol layer: one handler per request type, wrapped in busy/idle, with all the bookkeeping
// (execution count, execute_input, stop_on_error, interrupts) done here once, so the language only implements
// the Interpreter contract. Messages come and go through the Transport it is given.
import { randomUUID } from 'crypto';
import type { ExecuteOutcome, Interpreter } from '../../language/contract';
import { History } from './history';
import { IOPubOutput, StreamBuffer } from './output';
import type { RequestChannel, Transport } from './transport';
import { decode, encode, makeMessage, Message, PROTOCOL_VERSION, Signer } from './wire';
import { fromCodePoints, toCodePoints } from './unicode';
import { ReplayGuard } from './replay';

type Handler = (request: Message, channel: RequestChannel) => Promise<void>;

export interface KernelOptions {
  transport: Transport;
  /** Checks incoming and signs outgoing messages (the connection file's key and signature scheme). */
  signer: Signer;
  interpreter: Interpreter;
  history: History;
  implementationVersion: string;
  log: (msg: string) => void;
  /** Called once the kernel has replied to a shutdown request and stopped its transport. */
  onShutdown: (restart: boolean) => void;
  /** How long a shutdown lets background work settle (default: as long as it takes). */
  shutdownGraceMs?: number;
}

export class Kernel {
  readonly session = randomUUID();
  private readonly streams: StreamBuffer;
  private readonly shellQueue: { request: Message; channel: RequestChannel }[] = [];
  private shellBusy = false;
  // Control requests are handled in order among themselves but never wait behind the shell queue.
  private control = Promise.resolve();
  private executionCount = 0;
  private running?: { request: Message; controller: AbortController };
  private stopping: Promise<void> | null = null;
  private readonly replays = new ReplayGuard();

  constructor(private readonly options: KernelOptions) {
    this.streams = new StreamBuffer((type, content, parent) => this.publish(type, content, parent));
  }

  async start(): Promise<void> {
    await this.options.transport.start((channel, frames) => this.receive(channel, frames));
    this.publishStatus('starting');
  }

  /** Stops the running cell (SIGINT or interrupt_request); the kernel and its variables stay. False: none ran. */
  interrupt(): boolean {
    if (!this.running || this.running.controller.signal.aborted) return false;
    this.running.controller.abort(new Error('interrupted'));
    return true;
  }

  /**
   * Stops without being asked by a client (a signal, a dead parent), and after a shutdown request: interrupts
   * the running cell, lets the language cancel its background work (within the grace), then closes the sockets
   * and the heartbeat thread (the process may exit once this resolves) and the history.
   */
  stop(lastWords?: () => void, stopped?: () => void): Promise<void> {
    this.stopping ??= (async () => {
      this.interrupt();
      try {
        await this.options.interpreter.shutdown({ graceMs: this.options.shutdownGraceMs });
      } catch (err) {
        this.options.log(`shutdown: ${(err as Error).message}`);
      }
      this.streams.flush();
      lastWords?.();
      await this.options.transport.stop();
      this.options.history.close();
      stopped?.();
    })();
    return this.stopping;
  }

  private readonly handlers: Record<string, Handler> = {
    kernel_info_request: (r, c) => this.kernelInfo(r, c),
    execute_request: (r, c) => this.execute(r, c),
    is_complete_request: (r, c) => this.isComplete(r, c),
    complete_request: (r, c) => this.complete(r, c),
    inspect_request: (r, c) => this.inspect(r, c),
    history_request: (r, c) => this.history(r, c),
    comm_info_request: (r, c) => this.reply(c, r, 'comm_info_reply', { status: 'ok', comms: {} }),
    comm_open: async (r) => this.publish('comm_close', { comm_id: r.content.comm_id, data: {} }, r),
    comm_msg: async () => undefined,
    comm_close: async () => undefined,
    interrupt_request: async (r, c) => {
      this.interrupt();
      await this.reply(c, r, 'interrupt_reply', { status: 'ok' });
    },
    shutdown_request: (r, c) => this.shutdown(r, c),
  };

  private receive(channel: RequestChannel, frames: Buffer[]): void {
    let request: Message;
    try {
      request = decode(frames, this.options.signer);
    } catch (err) {
      this.options.log(`dropped a message on ${channel}: ${(err as Error).message}`);
      return;
    }
    if (this.replays.isReplay(frames)) {
      this.options.log(`dropped a replayed message on ${channel}: ${request.header.msg_type} ${request.header.msg_id}`);
      return;
    }
    if (channel === 'control') this.control = this.control.then(() => this.dispatch(request, channel));
    else {
      this.shellQueue.push({ request, channel });
      void this.drainShell();
    }
  }

  private async drainShell(): Promise<void> {
    if (this.shellBusy) return;
    this.shellBusy = true;
    try {
      for (let next = this.shellQueue.shift(); next; next = this.shellQueue.shift()) {
        await this.dispatch(next.request, next.channel);
      }
    } finally {
      this.shellBusy = false;
    }
  }

  private async dispatch(request: Message, channel: RequestChannel): Promise<void> {
    const type = request.header.msg_type;
    // own properties only: a msg_type of `constructor` or `__proto__` names no handler
    const handler = Object.hasOwn(this.handlers, type) ? this.handlers[type] : undefined;
    this.publishStatus('busy', request);
    try {
      if (handler) await handler(request, channel);
      else this.options.log(`unknown message type ${type} on ${channel}`);
    } catch (err) {
      this.options.log(`handler for ${type} failed: ${(err as Error).stack ?? err}`);
      // the client waits for a reply to its request: an error reply, rather than none
      if (type.endsWith('_request')) {
        const e = err as Error;
        const evalue = err instanceof RequestError ? e.message : `${type} failed: ${String(e?.message ?? e)}`;
        const ename = err instanceof RequestError ? 'bad_request' : 'internal_error';
        await this.reply(channel, request, type.replace(/_request$/, '_reply'), { status: 'error', ename, evalue, traceback: [`${ename}: ${evalue}`] })
          .catch((sendErr) => this.options.log(`error reply to ${type} not sent: ${(sendErr as Error).message}`));
      }
    } finally {
      // a shutdown went idle as its last words, before the transport stopped
      if (!this.stopping) {
        this.streams.flush();
        this.publishStatus('idle', request);
      }
    }
  }

  private async kernelInfo(request: Message, channel: RequestChannel): Promise<void> {
    const info = this.options.interpreter.info();
    await this.reply(channel, request, 'kernel_info_reply', {
      status: 'ok',
      protocol_version: PROTOCOL_VERSION,
      implementation: 'escript-kernel',
      implementation_version: this.options.implementationVersion,
      language_info: {
        name: info.name,
        version: info.version,
        mimetype: info.mimetype,
        file_extension: info.fileExtension,
        codemirror_mode: info.codemirrorMode,
        pygments_lexer: info.pygmentsLexer,
      },
      banner: info.banner,
      help_links: info.helpLinks,
      debugger: false,
    });
  }

  private async execute(request: Message, channel: RequestChannel): Promise<void> {
    const code = codeOf(request);
    const help = helpRequest(code);
    if (help !== undefined) {
      await this.pageHelp(request, channel, help.topic, help.detail);
      return;
    }
    if (isExitCommand(code)) {
      // As in IPython: `exit` / `quit` ask the frontend (jupyter console) to leave and stop the kernel.
      await this.executeOk(channel, request, this.executionCount, [{ source: 'ask_exit', keepkernel: false }]);
      return;
    }
    const silent = request.content.silent === true;
    const storeHistory = !silent && request.content.store_history !== false;
    const stopOnError = request.content.stop_on_error !== false;
    if (storeHistory) {
      this.executionCount += 1;
      this.recordHistory(code);
    }
    const count = this.executionCount;
    if (!silent) this.publish('execute_input', { code, execution_count: count }, request);

    const controller = new AbortController();
    this.running = { request, controller };
    const output = new IOPubOutput(request, (t, c, p) => this.publish(t, c, p), this.streams, () => this.running?.request, silent);
    let outcome: ExecuteOutcome;
    try {
      outcome = await this.options.interpreter.execute(code, output, controller.signal);
    } catch (err) {
      // The language reports user errors as outcomes; a throw is our own bug, still never fatal.
      const e = err as Error;
      outcome = { status: 'error', error: { ename: 'internal_error', evalue: String(e?.message ?? e), traceback: [String(e?.stack ?? e)] } };
    } finally {
      this.running = undefined;
    }
    this.streams.flush();

    if (outcome.status === 'ok') {
      if (outcome.result && !silent) {
        this.publish('execute_result', { execution_count: count, data: outcome.result, metadata: {} }, request);
      }
      await this.executeOk(channel, request, count);
      return;
    }
    const { ename, evalue, traceback } = outcome.error;
    if (!silent) this.publish('error', { ename, evalue, traceback }, request);
    // Only the cells already queued behind the failed one are aborted, not those sent after seeing its reply.
    // One turn of the event loop first lets requests waiting in the socket reach the queue.
    if (stopOnError) await new Promise((resolve) => setImmediate(resolve));
    const aborted = stopOnError ? this.takeQueuedExecutes() : [];
    await this.reply(channel, request, 'execute_reply', { status: 'error', execution_count: count, ename, evalue, traceback });
    await this.abort(aborted);
  }

  /** `UPPER?` or `?UPPER`, as in IPython: the inspect help, shown in the frontend's pager. */
  private async pageHelp(request: Message, channel: RequestChannel, topic: string, detail: number): Promise<void> {
    const help = await this.options.interpreter.inspect(topic, topic.length, detail);
    const payload = help === null ? [] : [{ source: 'page', data: help, start: 0 }];
    if (help === null) this.publish('stream', { name: 'stderr', text: `no help for ${topic}\n` }, request);
    await this.executeOk(channel, request, this.executionCount, payload);
  }

  private executeOk(channel: RequestChannel, request: Message, count: number, payload: object[] = []): Promise<void> {
    return this.reply(channel, request, 'execute_reply', { status: 'ok', execution_count: count, user_expressions: {}, payload });
  }

  private takeQueuedExecutes(): { request: Message; channel: RequestChannel }[] {
    const executes = this.shellQueue.filter((item) => item.request.header.msg_type === 'execute_request');
    this.shellQueue.splice(0, this.shellQueue.length, ...this.shellQueue.filter((item) => !executes.includes(item)));
    return executes;
  }

  /** After a failed cell, the cells queued behind it are answered `aborted`, as ipykernel does. */
  private async abort(queued: { request: Message; channel: RequestChannel }[]): Promise<void> {
    for (const item of queued) {
      this.publishStatus('busy', item.request);
      await this.reply(item.channel, item.request, 'execute_reply', { status: 'aborted', execution_count: this.executionCount }, { status: 'aborted' });
      this.publishStatus('idle', item.request);
    }
  }

  private recordHistory(code: string): void {
    try {
      this.options.history.add(this.executionCount, code);
    } catch (err) {
      this.options.log(`history not saved: ${(err as Error).message}`);
    }
  }

  private async isComplete(request: Message, channel: RequestChannel): Promise<void> {
    const code = codeOf(request);
    const verdict = isExitCommand(code) ? { status: 'complete' } : this.options.interpreter.isComplete(code);
    await this.reply(channel, request, 'is_complete_reply', verdict);
  }

  private async complete(request: Message, channel: RequestChannel): Promise<void> {
    const code = codeOf(request);
    const { matches, items, cursorStart, cursorEnd } = await this.options.interpreter.complete(code, cursorOf(request, code));
    const start = toCodePoints(code, cursorStart);
    const end = toCodePoints(code, cursorEnd);
    // JupyterLab shows each match's kind and signature from this (the key IPython sends)
    const types = items.map((i) => ({ start, end, text: i.text, type: i.kind, signature: i.signature ?? '' }));
    await this.reply(channel, request, 'complete_reply', {
      status: 'ok',
      matches,
      cursor_start: start,
      cursor_end: end,
      metadata: { _jupyter_types_experimental: types },
    });
  }

  private async inspect(request: Message, channel: RequestChannel): Promise<void> {
    const code = codeOf(request);
    const help = await this.options.interpreter.inspect(code, cursorOf(request, code), Number(request.content.detail_level ?? 0));
    await this.reply(channel, request, 'inspect_reply', {
      status: 'ok',
      found: help !== null,
      data: help ?? {},
      metadata: {},
    });
  }

  private async history(request: Message, channel: RequestChannel): Promise<void> {
    const c = request.content;
    const store = this.options.history;
    const entries =
      c.hist_access_type === 'tail' ? store.tail(whole(c, 'n', 10))
      : c.hist_access_type === 'range' ? store.range(whole(c, 'session', 0), whole(c, 'start', 0), c.stop == null ? undefined : whole(c, 'stop', 0))
      : c.hist_access_type === 'search' ? store.search(String(c.pattern ?? '*'), whole(c, 'n', 0), c.unique === true)
      : [];
    const history = c.output ? entries.map(([s, l, src]) => [s, l, [src, null]]) : entries;
    await this.reply(channel, request, 'history_reply', { status: 'ok', history });
  }

  private async shutdown(request: Message, channel: RequestChannel): Promise<void> {
    const restart = request.content.restart === true;
    if (this.stopping) return;
    this.interrupt();
    const content = { status: 'ok', restart };
    await this.reply(channel, request, 'shutdown_reply', content);
    this.publish('shutdown_reply', content, request);
    await this.stop(() => this.publishStatus('idle', request), () => this.options.onShutdown(restart));
  }

  private publishStatus(state: 'starting' | 'busy' | 'idle', parent?: Message): void {
    this.publish('status', { execution_state: state }, parent);
  }

  private publish(msgType: string, content: Record<string, unknown>, parent?: Message): void {
    const message = makeMessage(msgType, content, this.session, parent);
    // iopub identities are the topic; the message type is the conventional one.
    message.identities = [Buffer.from(msgType)];
    void this.options.transport.send('iopub', encode(message, this.options.signer));
  }

  private reply(channel: RequestChannel, request: Message, msgType: string, content: object, metadata: Record<string, unknown> = {}): Promise<void> {
    const message = makeMessage(msgType, content, this.session, request, metadata);
    return this.options.transport.send(channel, encode(message, this.options.signer));
  }
}

/** A request whose content is wrong (a field of the wrong type): answered with an error reply naming the field. */
class RequestError extends Error {}

/** `content[field]` as a whole number (negative allowed: history ranges count back), `fallback` when absent. */
function whole(content: Record<string, unknown>, field: string, fallback: number): number {
  const v = content[field] ?? fallback;
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isSafeInteger(n)) throw new RequestError(`${field} must be a whole number, got ${JSON.stringify(v)}`);
  return n;
}

/** `exit` or `quit` typed alone: a frontend command, not elastic-script (where EXIT only leaves a loop). */
function isExitCommand(code: string): boolean {
  return /^\s*(exit|quit)\s*;?\s*$/i.test(code);
}

/** The name in `NAME?`, `NAME??` or `?NAME` typed alone, and the detail level (1 for `??`, as in IPython), else undefined. */
function helpRequest(code: string): { topic: string; detail: number } | undefined {
  const m = /^\s*(?:(\?{1,2})([A-Za-z_][A-Za-z0-9_]*)|([A-Za-z_][A-Za-z0-9_]*)(\?{1,2}))\s*$/.exec(code);
  return m ? { topic: m[2] ?? m[3], detail: (m[1] ?? m[4]).length - 1 } : undefined;
}

/** The request's `code`, as text whatever the client sent. */
function codeOf(request: Message): string {
  return String(request.content.code ?? '');
}

/** The request's `cursor_pos` (code points, default the end) as an index into `code`. */
function cursorOf(request: Message, code: string): number {
  return fromCodePoints(code, Number(request.content.cursor_pos ?? code.length));
}
