// The whole contract between a host (the Jupyter kernel, the CLI, tests) and the language.
// The language knows nothing of Jupyter: it speaks in MIME bundles and plain text, and the host routes them.

/**
 * A MIME bundle: `text/plain` always, richer types (`text/html`, `application/json`) when the value has them.
 * An `application/json` part may hold bigints (whole numbers past 2^53): write bundles with `jsonText`.
 */
export type MimeBundle = Record<string, unknown>;

/** JSON.stringify that writes bigints as their digits (JSON.stringify alone throws on them). */
export { stringifyExact as jsonText } from './exact-json';

export type PrintLevel = 'INFO' | 'WARN' | 'ERROR' | 'DEBUG';

/** What a running program may say to whoever runs it. Calls never block and never throw. */
export interface Output {
  print(text: string, level?: PrintLevel): void;
  display(bundle: MimeBundle, displayId?: string): void;
  updateDisplay(bundle: MimeBundle, displayId: string): void;
  clear(wait: boolean): void;
}

/** A failed cell, already described for people: what kind of error, its message, and the lines to show. */
export interface ReportedError {
  ename: string;
  evalue: string;
  traceback: string[];
  /** Where it happened, when known: the source's name (a cell, a script file), line and column (from 1). */
  at?: { source: string; line: number; column: number };
}

export type ExecuteOutcome =
  | { status: 'ok'; result?: MimeBundle }
  | { status: 'error'; error: ReportedError };

/** What a completion stands for, so that editors can show its kind (JupyterLab's `_jupyter_types_experimental`). */
export type CompletionKind =
  | 'keyword' | 'function' | 'procedure' | 'variable' | 'field' | 'property' | 'index' | 'type' | 'execution';

export interface CompletionItem {
  /** The text that replaces the range `cursorStart..cursorEnd`. */
  text: string;
  kind: CompletionKind;
  /** A one-line signature or type (`UPPER(input STRING) RETURNS STRING`, `keyword`), when there is one. */
  signature?: string;
}

export interface Completion {
  /** The items' texts, in the items' order. */
  matches: string[];
  items: CompletionItem[];
  cursorStart: number;
  cursorEnd: number;
}

export type Completeness =
  | { status: 'complete' }
  | { status: 'incomplete'; indent: string }
  | { status: 'invalid' };

export interface LanguageInfo {
  name: string;
  version: string;
  mimetype: string;
  fileExtension: string;
  /** A CodeMirror mode name, or a mode spec (`{ name, ...options }`). */
  codemirrorMode: string | { name: string; [option: string]: unknown };
  pygmentsLexer: string;
  banner: string;
  helpLinks: { text: string; url: string }[];
}

/** What one session of the language offers its host. */
export interface Interpreter {
  info(): LanguageInfo;
  /** Runs a cell. User errors (and interrupts through `signal`) come back as an outcome, never as a throw. */
  execute(code: string, out: Output, signal: AbortSignal): Promise<ExecuteOutcome>;
  /** Suggestions for the token at the cursor (never rejects: nothing to offer is an empty list). */
  complete(code: string, cursor: number): Promise<Completion>;
  /** Help for the name at the cursor: `text/plain` (no markup) and `text/markdown`; null when there is none. */
  inspect(code: string, cursor: number, detailLevel: number): Promise<MimeBundle | null>;
  isComplete(code: string): Completeness;
  /**
   * Stops background work cooperatively and releases stores. With `graceMs` (a signal, a dying parent) it waits
   * no longer than that for background work to settle.
   */
  shutdown(options?: { graceMs?: number }): Promise<void>;
}
