// The session's stored procedures and functions: their compiled form (one table per kind), the source each was
// compiled from, and the sync with the RoutineRepository that keeps them across restarts and kernels.
import type { Output } from '../contract';
import type { RoutineDecl, Span } from '../ast';
import { ScriptError } from '../errors';
import { tryParse } from '../grammar/parse';
import type { RoutineInfo } from '../builtins/registry';
import type { CompiledRoutine } from '../evaluator/host';
import { isPromise } from '../evaluator/runtime';
import { typeText } from '../evaluator/types';
import { dataError } from '../data/errors';
import { RoutineRepository, StoredRoutine, routineSignature } from '../routines';
import type { Value } from '../values';

export type RoutineKind = StoredRoutine['kind'];

/** After a failed read of the stored routines, cells run without them for this long before trying again. */
export const ROUTINE_SYNC_RETRY_MS = 30_000;
/** How long the sync runs before it lets the event loop turn. */
const SYNC_SLICE_MS = 10;

export class RoutineCatalog {
  private readonly procedures = new Map<string, CompiledRoutine>();
  private readonly functions = new Map<string, CompiledRoutine>();
  private readonly sources = new Map<CompiledRoutine, string>();
  /** Stored definitions that no longer parse or compile (e.g. saved by a newer version): reported once. */
  private readonly brokenSources = new Set<string>();
  private syncPausedUntil = 0;
  private changes = 0;

  constructor(
    private readonly repo: RoutineRepository,
    private readonly compile: (decl: RoutineDecl) => CompiledRoutine,
    private readonly now: () => number = Date.now,
  ) {}

  /** Bumped whenever a routine is created or dropped, so call sites can cache their target. */
  get version(): number {
    return this.changes;
  }

  /** The routine of that name, looked up among the preferred kind first. */
  find(name: string, prefer: RoutineKind): CompiledRoutine | undefined {
    const first = this.table(prefer);
    const second = this.table(prefer === 'PROCEDURE' ? 'FUNCTION' : 'PROCEDURE');
    return first.get(name) ?? second.get(name);
  }

  /** Every routine of one kind. */
  all(kind: RoutineKind): IterableIterator<CompiledRoutine> {
    return this.table(kind).values();
  }

  /** The `CREATE ...` text a routine was compiled from. */
  sourceOf(r: CompiledRoutine): string {
    return this.sources.get(r) ?? '';
  }

  /** Defines a routine here and saves it in the repository (a store write the statement waits for). */
  define(decl: RoutineDecl, span: Span): undefined | Promise<undefined> {
    const source = span.source.text.slice(span.start, span.end);
    const table = this.table(decl.routine);
    const previous = table.get(decl.name);
    this.install(decl, source);
    const saved = this.repo.save({ kind: decl.routine, name: decl.name, source, signature: routineSignature(decl), createdAt: new Date().toISOString() });
    if (!isPromise(saved)) return undefined;
    return saved.then(() => undefined, (e) => {
      // not stored means not defined: put back what was there
      if (previous) table.set(decl.name, previous); else table.delete(decl.name);
      this.changes++;
      throw dataError(e, span);
    });
  }

  drop(kind: RoutineKind, name: string, span: Span): undefined | Promise<undefined> {
    if (!this.table(kind).delete(name)) throw notFound(kind, name, span);
    this.changes++;
    const removed = this.repo.remove(kind, name);
    return isPromise(removed) ? removed.then(() => undefined, (e) => { throw dataError(e, span); }) : undefined;
  }

  /** SHOW PROCEDURES|FUNCTIONS: one routine's document (with its source), or the list of all of one kind. */
  show(kind: RoutineKind, name: string | undefined, span: Span): Value {
    const table = this.table(kind);
    if (name !== undefined) {
      const r = table.get(name);
      if (!r) throw notFound(kind, name, span);
      return { name, kind, signature: routineSignature(r.decl), source: this.sourceOf(r) };
    }
    return [...table.values()].map((r) => ({ name: r.decl.name, kind, signature: routineSignature(r.decl) }));
  }

  /** What the ESCRIPT_PROCEDURE(S)/FUNCTION(S) built-ins tell about a routine. */
  info(r: CompiledRoutine): RoutineInfo {
    const d = r.decl;
    return {
      name: d.name,
      kind: d.routine,
      params: d.params.map((p) => ({ name: p.name, type: p.type ? typeText(p.type) : 'ANY', mode: p.mode, hasDefault: p.default !== undefined })),
      returns: d.returns ? typeText(d.returns) : null,
      signature: routineSignature(d),
      source: this.sourceOf(r),
    };
  }

  /**
   * Brings the tables in line with the repository (definitions made or dropped by other kernels on the same
   * store, or before a restart). A store that cannot be read is reported once, then retried later. Parsing and
   * compiling thousands of stored definitions takes seconds (a new kernel's first cell): the event loop gets a
   * turn every ~10 ms, so control requests are answered meanwhile, and an interrupt stops it.
   */
  async sync(out: Output, signal?: AbortSignal): Promise<void> {
    if (this.now() < this.syncPausedUntil) return;
    let stored;
    try {
      stored = await this.repo.list();
    } catch (e) {
      this.syncPausedUntil = this.now() + ROUTINE_SYNC_RETRY_MS;
      out.print(`stored procedures and functions could not be loaded: ${messageOf(e)}`, 'WARN');
      return;
    }
    const keep = new Set<CompiledRoutine>();
    let since = Date.now();
    for (const r of stored) {
      if (Date.now() - since >= SYNC_SLICE_MS) {
        await new Promise((resolve) => setImmediate(resolve));
        if (signal?.aborted) throw new ScriptError('interrupted', 'execution interrupted');
        since = Date.now();
      }
      const table = this.table(r.kind);
      const have = table.get(r.name);
      if (have && this.sources.get(have) === r.source) { keep.add(have); continue; }
      if (this.brokenSources.has(r.source)) continue;
      try {
        const decl = storedDecl(r.source, `<${r.kind.toLowerCase()} ${r.name}>`);
        if (!decl) throw new ScriptError('syntax_error', 'it does not parse');
        this.install(decl, r.source);
        keep.add(table.get(r.name)!);
      } catch (e) {
        // said once per definition, not at every cell
        this.brokenSources.add(r.source);
        out.print(`stored ${r.kind.toLowerCase()} ${r.name} could not be compiled: ${messageOf(e)}`, 'WARN');
      }
    }
    for (const table of [this.procedures, this.functions]) {
      for (const [name, r] of table) if (!keep.has(r)) { table.delete(name); this.changes++; }
    }
  }

  private install(decl: RoutineDecl, source: string): void {
    const compiled = this.compile(decl);
    this.table(decl.routine).set(decl.name, compiled);
    this.sources.set(compiled, source);
    this.changes++;
  }

  private table(kind: RoutineKind): Map<string, CompiledRoutine> {
    return kind === 'PROCEDURE' ? this.procedures : this.functions;
  }
}

/** The declaration in a stored `CREATE PROCEDURE|FUNCTION ...` text, or undefined when it no longer parses. */
function storedDecl(source: string, name: string): RoutineDecl | undefined {
  const r = tryParse(source, name);
  if (!r.ok) return undefined;
  const s = r.program.body.find((x) => x.kind === 'createRoutine' || x.kind === 'localFunction');
  return s && (s.kind === 'createRoutine' || s.kind === 'localFunction') ? s.decl : undefined;
}

function notFound(kind: RoutineKind, name: string, span: Span): ScriptError {
  return new ScriptError('not_found_error', `${kind.toLowerCase()} ${name} does not exist`, span);
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
