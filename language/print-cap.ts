// The per-cell cap on PRINT output (ESCRIPT_PRINT_LIMIT): a loop printing millions of lines would otherwise
// send them all to the frontend, which freezes a notebook long before the kernel notices. Past the cap, PRINTs
// are counted and dropped; a note says so when it happens and, at the end of the cell, how much was dropped.
import type { MimeBundle, Output, PrintLevel } from './contract';

export class CappedOutput implements Output {
  private used = 0;
  private droppedLines = 0;
  private droppedChars = 0;

  /** `limit`: characters of PRINT output this cell may send (0: no limit). */
  constructor(private readonly out: Output, private readonly limit: number) {}

  print(text: string, level?: PrintLevel): void {
    if (this.limit > 0 && this.used + text.length > this.limit) {
      if (this.droppedLines === 0) {
        this.out.print(`[PRINT output of this cell reached ESCRIPT_PRINT_LIMIT (${this.limit} characters): further PRINTs are dropped]`, 'WARN');
      }
      this.droppedLines++;
      this.droppedChars += text.length;
      return;
    }
    this.used += text.length;
    this.out.print(text, level);
  }

  /** Called when the cell ends: the count of what was dropped, if anything was. */
  finish(): void {
    if (this.droppedLines === 0) return;
    this.out.print(`[${this.droppedLines} PRINT lines (${this.droppedChars} characters) were dropped]`, 'WARN');
    this.droppedLines = 0;
    this.droppedChars = 0;
  }

  display(bundle: MimeBundle, displayId?: string): void {
    this.out.display(bundle, displayId);
  }

  updateDisplay(bundle: MimeBundle, displayId: string): void {
    this.out.updateDisplay(bundle, displayId);
  }

  clear(wait: boolean): void {
    this.out.clear(wait);
  }
}
