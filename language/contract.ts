// The whole contract between a host (the Jupyter kernel, the CLI, tests) and the language.
// The language knows nothing of Jupyter: it speaks in MIME bundles and plain text, and the host routes them.

/** A MIME bundle: `text/plain` always, richer types (`text/html`, `application/json`) when the value has them. */
export type MimeBundle = Record<string, unknown>;

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
}

export type ExecuteOutcome =
  | { status: 'ok'; result?: MimeBundle }
  | { status: 'error'; error: ReportedError };

export interface Completion {
  matches: string[];
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
  codemirrorMode: string;
  pygmentsLexer: string;
  banner: string;
  helpLinks: { text: string; url: string }[];
}

/** What one session of the language offers its host. */
export interface Interpreter {
  info(): LanguageInfo;
  /** Runs a cell. User errors (and interrupts through `signal`) come back as an outcome, never as a throw. */
  execute(code: string, out: Output, signal: AbortSignal): Promise<ExecuteOutcome>;
  complete(code: string, cursor: number): Completion;
  /** Markdown help for the name at the cursor, or null. */
  inspect(code: string, cursor: number, detailLevel: number): string | null;
  isComplete(code: string): Completeness;
  /** Stops background work cooperatively and releases stores. */
  shutdown(): Promise<void>;
}
