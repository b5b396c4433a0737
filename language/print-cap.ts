// The per-cell caps on PRINT output (ESCRIPT_PRINT_LIMIT) and on displays (ESCRIPT_DISPLAY_LIMIT): a loop
// printing or displaying millions of times would otherwise send them all to the frontend, which freezes a
// notebook long before the kernel notices. Past the PRINT cap, PRINTs are counted and dropped; past the display
// cap, new displays are dropped and updates of a display are merged into its latest state, sent when the cell
// ends (so a live display still shows how its execution ended). A note says so when it happens and, at the end
// of the cell, how much was dropped.
import type { MimeBundle, Output, PrintLevel } from './contract';

export class CappedOutput implements Output {
  private used = 0;
  private droppedLines = 0;
  private droppedChars = 0;
  private displays = 0;
  private droppedDisplays = 0;
  private mergedUpdates = 0;
  /** Ids of displays dropped by the cap: their updates would refer to nothing. */
  private readonly droppedIds = new Set<string>();
  /** The latest update of each display past the cap, sent when the cell ends. */
  private readonly pending = new Map<string, MimeBundle>();
  private finished = false;

  /**
   * `limit`: characters of PRINT output this cell may send (0: no limit); `displayLimit`: displays and display
   * updates it may send while it runs (0: no limit).
   */
  constructor(private readonly out: Output, private readonly limit: number, private readonly displayLimit = 0) {}

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
    this.finished = true;
    for (const [id, bundle] of this.pending) this.out.updateDisplay(bundle, id);
    this.pending.clear();
    if (this.droppedDisplays > 0 || this.mergedUpdates > 0) {
      const merged = this.mergedUpdates > 0 ? `; ${this.mergedUpdates} display updates were merged into their latest state` : '';
      this.out.print(`[${this.droppedDisplays} displays were dropped${merged}]`, 'WARN');
      this.droppedDisplays = 0;
      this.mergedUpdates = 0;
    }
    if (this.droppedLines === 0) return;
    this.out.print(`[${this.droppedLines} PRINT lines (${this.droppedChars} characters) were dropped]`, 'WARN');
    this.droppedLines = 0;
    this.droppedChars = 0;
  }

  display(bundle: MimeBundle, displayId?: string): void {
    if (this.overDisplayCap()) {
      this.droppedDisplays++;
      if (displayId !== undefined) this.droppedIds.add(displayId);
      return;
    }
    this.out.display(bundle, displayId);
  }

  updateDisplay(bundle: MimeBundle, displayId: string): void {
    if (this.droppedIds.has(displayId)) return;
    // after the cell, updates come only from live displays (at most a few a second each): they pass
    if (!this.finished && this.overDisplayCap()) {
      if (this.pending.has(displayId)) this.mergedUpdates++;
      this.pending.set(displayId, bundle);
      return;
    }
    this.out.updateDisplay(bundle, displayId);
  }

  /** Counts one display message; true when it is past the cap (the first time, with a note). */
  private overDisplayCap(): boolean {
    if (this.displayLimit <= 0 || this.finished) return false;
    this.displays++;
    if (this.displays <= this.displayLimit) return false;
    if (this.displays === this.displayLimit + 1) {
      this.out.print(`[displays of this cell reached ESCRIPT_DISPLAY_LIMIT (${this.displayLimit}): further displays are dropped, display updates merged]`, 'WARN');
    }
    return true;
  }

  clear(wait: boolean): void {
    this.out.clear(wait);
  }
}
