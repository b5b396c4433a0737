// One live display per started execution: shown when it starts, updated on every engine event for it (and
// for its PARALLEL branches), at most a few times a second, and always with its final state.
import type { MimeBundle, Output } from '../contract';
import type { ExecutionDocument } from './document';
import type { ExecutionEvent } from './run';
import { renderHtml, renderPlain } from './render';

type Shown = Omit<ExecutionDocument, 'status'> & { status: string };

interface Entry {
  out: Output;
  doc: Shown | null;
  branches: Map<number, Shown>;
  lastSent: number;
  timer: NodeJS.Timeout | null;
  /** Events seen before the display was shown (between start and the first render). */
  opened: boolean;
}

export interface LiveDisplayOptions {
  /** Minimum time between two updates of one display (the final state is sent at once). */
  minIntervalMs?: number;
  now?: () => number;
}

/** The display of a run and its branches (a PARALLEL shows one line or block per branch under its own). */
export function renderLive(doc: Shown, branches: Shown[], now: number): MimeBundle {
  const options = { now, lines: 10 };
  if (branches.length === 0) return { 'text/plain': renderPlain(doc, options), 'text/html': renderHtml(doc, options) };
  const plain = [renderPlain(doc, options), ...branches.map((b) => renderPlain(b, { now, lines: 3 }).replace(/^/gm, '  '))].join('\n');
  const html = renderHtml(doc, options) +
    `<div style="margin-left:1.5em;border-left:2px solid #e5e7eb;padding-left:0.5em">${branches.map((b) => renderHtml(b, { now, lines: 3 })).join('')}</div>`;
  return { 'text/plain': plain, 'text/html': html };
}

export class LiveDisplays {
  private readonly entries = new Map<string, Entry>();
  /**
   * Final states sent while no cell ran: a client that records outputs per request (nbclient, nbconvert)
   * drops those, so the next cell sends them again under its own request.
   */
  private readonly finalsWhileIdle = new Map<string, MimeBundle>();
  private cellRunning = false;
  /** The output of the latest cell: where a run taken over from a dead kernel is shown. */
  private latestOut: Output | null = null;
  private readonly minIntervalMs: number;
  private readonly now: () => number;

  constructor(options: LiveDisplayOptions = {}) {
    this.minIntervalMs = options.minIntervalMs ?? 250;
    this.now = options.now ?? Date.now;
  }

  /** A cell starts: final states that arrived while idle are sent again through its output. */
  beginCell(out: Output): void {
    this.cellRunning = true;
    this.latestOut = out;
    if (this.finalsWhileIdle.size === 0) return;
    for (const [id, bundle] of this.finalsWhileIdle) out.updateDisplay(bundle, id);
    this.finalsWhileIdle.clear();
  }

  endCell(): void {
    this.cellRunning = false;
  }

  /** Displays that still expect updates. */
  get open(): number {
    return this.entries.size;
  }

  /**
   * Starts following an execution before its first render is known, so that no event is missed between the
   * engine starting it and `show`.
   */
  follow(id: string, out: Output): void {
    if (!this.entries.has(id)) this.entries.set(id, { out, doc: null, branches: new Map(), lastSent: 0, timer: null, opened: false });
  }

  /** Shows the display; `current` is a fresh read, used unless an event brought a newer state meanwhile. */
  show(id: string, current: Shown): void {
    const entry = this.entries.get(id);
    if (!entry) return;
    if (entry.doc === null || current.settled_at !== null) entry.doc = current;
    entry.opened = true;
    entry.lastSent = this.now();
    entry.out.display(this.bundle(entry), id);
    if (entry.doc.settled_at !== null) this.entries.delete(id);
  }

  /** Engine events: updates of followed runs and of their branches. */
  readonly onEvent = (event: ExecutionEvent): void => {
    const doc = event.document;
    if (event.type === 'takeover' && doc.kind !== 'BRANCH' && this.latestOut && !this.entries.has(event.execution_id)) {
      // Nobody here started it, but its ON_FAIL / FINALLY or retry now runs here: show it like a run started here.
      this.follow(event.execution_id, this.latestOut);
      this.show(event.execution_id, doc);
      return;
    }
    const direct = this.entries.get(event.execution_id);
    if (direct) {
      direct.doc = doc;
      this.changed(event.execution_id, direct, doc.settled_at !== null);
      return;
    }
    const parentId = doc.parent_execution_id;
    const parent = parentId ? this.entries.get(parentId) : undefined;
    if (parentId && parent && doc.branch_index !== null) {
      parent.branches.set(doc.branch_index, doc);
      this.changed(parentId, parent, false);
    }
  };

  private changed(id: string, entry: Entry, final: boolean): void {
    if (!entry.opened) return;
    if (final) {
      if (entry.timer) clearTimeout(entry.timer);
      const bundle = this.send(id, entry);
      if (!this.cellRunning) this.finalsWhileIdle.set(id, bundle);
      this.entries.delete(id);
      return;
    }
    if (entry.timer) return;
    const wait = entry.lastSent + this.minIntervalMs - this.now();
    if (wait <= 0) {
      this.send(id, entry);
      return;
    }
    entry.timer = setTimeout(() => {
      entry.timer = null;
      if (this.entries.get(id) === entry) this.send(id, entry);
    }, wait);
    entry.timer.unref();
  }

  private send(id: string, entry: Entry): MimeBundle {
    entry.lastSent = this.now();
    const bundle = this.bundle(entry);
    entry.out.updateDisplay(bundle, id);
    return bundle;
  }

  private bundle(entry: Entry): MimeBundle {
    const branches = [...entry.branches.entries()].sort((a, b) => a[0] - b[0]).map(([, b]) => b);
    return renderLive(entry.doc!, branches, this.now());
  }

  /** Stops following everything (pending throttled updates are dropped). */
  close(): void {
    for (const entry of this.entries.values()) if (entry.timer) clearTimeout(entry.timer);
    this.entries.clear();
    this.finalsWhileIdle.clear();
  }
}
