// The Output of `escript run`: PRINT to stdout (WARN/ERROR to stderr), displays as their plain text.
import type { MimeBundle, Output, PrintLevel } from '../../language/contract';

export class ConsoleOutput implements Output {
  private readonly shown = new Map<string, string>();

  constructor(private readonly stdout: NodeJS.WritableStream = process.stdout, private readonly stderr: NodeJS.WritableStream = process.stderr) {}

  print(text: string, level: PrintLevel = 'INFO'): void {
    (level === 'WARN' || level === 'ERROR' ? this.stderr : this.stdout).write(text.endsWith('\n') ? text : text + '\n');
  }

  display(bundle: MimeBundle, displayId?: string): void {
    const text = plainText(bundle);
    if (displayId) this.shown.set(displayId, text);
    this.stdout.write(text + '\n');
  }

  /** A terminal cannot redraw an earlier display, so a changed one is printed again. */
  updateDisplay(bundle: MimeBundle, displayId: string): void {
    const text = plainText(bundle);
    if (this.shown.get(displayId) === text) return;
    this.shown.set(displayId, text);
    this.stdout.write(text + '\n');
  }

  clear(): void {}
}

export function plainText(bundle: MimeBundle): string {
  const text = bundle['text/plain'];
  return typeof text === 'string' ? text : JSON.stringify(text ?? bundle);
}
