// Turns what the language says (Output calls) into iopub messages with the right parent, batching streams.
import type { MimeBundle, Output, PrintLevel } from '../../language/contract';
import type { Message } from './wire';

export type StreamName = 'stdout' | 'stderr';

/** Publishes one iopub message; given by the kernel so this module stays free of sockets. */
export type Publish = (msgType: string, content: Record<string, unknown>, parent: Message) => void;

/**
 * Coalesces stream text into few `stream` messages: a tight loop of PRINTs becomes one message per interval
 * instead of flooding the PUB socket (which drops above its high-water mark), yet a lone PRINT still shows
 * within `intervalMs`.
 */
export class StreamBuffer {
  private text = '';
  private name: StreamName = 'stdout';
  private parent?: Message;
  private timer?: NodeJS.Timeout;

  constructor(private readonly publish: Publish, private readonly intervalMs = 20, private readonly maxChars = 1 << 20) {}

  write(name: StreamName, text: string, parent: Message): void {
    if (this.text && (name !== this.name || parent !== this.parent)) this.flush();
    this.name = name;
    this.parent = parent;
    this.text += text;
    if (this.text.length >= this.maxChars) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.intervalMs);
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.text || !this.parent) return;
    const text = this.text;
    this.text = '';
    this.publish('stream', { name: this.name, text }, this.parent);
  }
}

const STREAM_OF: Record<PrintLevel, StreamName> = { INFO: 'stdout', DEBUG: 'stdout', WARN: 'stderr', ERROR: 'stderr' };

/**
 * The Output a cell writes to. It outlives the cell: background work started by the cell may keep printing
 * and updating its displays. Those later messages take the request executing at that moment as parent when
 * there is one (so nbclient records them in the saved notebook), else the cell that started the work.
 */
export class IOPubOutput implements Output {
  constructor(
    private readonly origin: Message,
    private readonly publish: Publish,
    private readonly streams: StreamBuffer,
    private readonly currentRequest: () => Message | undefined,
    private readonly silent = false,
  ) {}

  private get parent(): Message {
    return this.currentRequest() ?? this.origin;
  }

  print(text: string, level: PrintLevel = 'INFO'): void {
    if (this.silent) return;
    this.streams.write(STREAM_OF[level] ?? 'stdout', text.endsWith('\n') ? text : text + '\n', this.parent);
  }

  display(bundle: MimeBundle, displayId?: string): void {
    this.send('display_data', bundle, displayId);
  }

  updateDisplay(bundle: MimeBundle, displayId: string): void {
    this.send('update_display_data', bundle, displayId);
  }

  clear(wait: boolean): void {
    if (this.silent) return;
    this.streams.flush();
    this.publish('clear_output', { wait }, this.parent);
  }

  private send(msgType: string, data: MimeBundle, displayId?: string): void {
    if (this.silent) return;
    this.streams.flush(); // keep PRINTs before the display that followed them
    this.publish(msgType, { data, metadata: {}, transient: displayId ? { display_id: displayId } : {} }, this.parent);
  }
}
