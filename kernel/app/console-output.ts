// The Output of `escript run`. stdout carries what the script prints: PRINT lines (WARN/ERROR go to stderr),
// DISPLAY as plain text, and the PRINT lines of the background runs it started, each once. The live displays
// of executions never reach stdout: with `progress` on, each change of an execution's state or progress is one
// line on stderr. A closed stdout (`escript run x | head -1`) drops what follows and calls `onClosed` once.
import type { MimeBundle, Output, PrintLevel } from '../../language/contract';
import { jsonText } from '../../language/contract';

export interface ConsoleOutputOptions {
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WritableStream;
  /** Show executions' state and progress changes on stderr. */
  progress?: boolean;
  /** stdout was closed by its reader (EPIPE). */
  onClosed?: () => void;
}

export class ConsoleOutput implements Output {
  private readonly stdout: NodeJS.WritableStream;
  private readonly stderr: NodeJS.WritableStream;
  private readonly progress: boolean;
  /** Per live display: its last progress line, without the elapsed time (which changes on every update). */
  private readonly shown = new Map<string, string>();
  private closed = false;

  constructor(private readonly options: ConsoleOutputOptions = {}) {
    this.stdout = options.stdout ?? process.stdout;
    this.stderr = options.stderr ?? process.stderr;
    this.progress = options.progress ?? false;
    this.stdout.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE' && err.code !== 'ERR_STREAM_DESTROYED') this.stderr.write(`escript run: stdout: ${err.message}\n`);
      this.close();
    });
  }

  /** True once stdout's reader went away. */
  get stdoutClosed(): boolean {
    return this.closed;
  }

  print(text: string, level: PrintLevel = 'INFO'): void {
    const line = text.endsWith('\n') ? text : text + '\n';
    if (level === 'WARN' || level === 'ERROR') this.stderr.write(line);
    else this.out(line);
  }

  /** A PRINT line of a background run (its body or handlers); `[WARN] `/`[ERROR] ` ones go to stderr. */
  printBackground(text: string): void {
    if (/^\[(WARN|ERROR)\] /.test(text)) this.stderr.write(text + '\n');
    else this.out(text + '\n');
  }

  display(bundle: MimeBundle, displayId?: string): void {
    if (displayId !== undefined) this.updateDisplay(bundle, displayId);
    else this.out(plainText(bundle) + '\n');
  }

  /** A live display of an execution: on stderr when progress is on, one line per change of state or progress. */
  updateDisplay(bundle: MimeBundle, displayId: string): void {
    if (!this.progress) return;
    const header = plainText(bundle).split('\n')[0];
    const key = header.replace(/ (\d+ ms|\d+\.\d s|\d+ min \d+ s|\d+ h \d+ min|-)$/, '');
    if (this.shown.get(displayId) === key) return;
    this.shown.set(displayId, key);
    this.stderr.write(`${header}\n`);
  }

  clear(): void {}

  private out(text: string): void {
    if (this.closed) return;
    try {
      this.stdout.write(text);
    } catch {
      this.close();
    }
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    this.options.onClosed?.();
  }
}

export function plainText(bundle: MimeBundle): string {
  const text = bundle['text/plain'];
  return typeof text === 'string' ? text : jsonText(text ?? bundle);
}
