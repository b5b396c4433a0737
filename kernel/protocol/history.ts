// Input history for `history_request`, kept in a SQLite file per data directory so that it survives restarts
// of a kernel with the same name (as IPython's history does). Each kernel start is a new session number.
import Database from 'better-sqlite3';
import * as fs from 'fs';
import * as path from 'path';

/** [session, line, source] as the protocol returns it (source becomes [source, output] when output is asked). */
export type HistoryEntry = [number, number, string];

export class History {
  private readonly db: Database.Database;
  readonly session: number;

  constructor(file: string, private readonly kernelName: string) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS sessions (kernel TEXT NOT NULL, session INTEGER NOT NULL, started TEXT NOT NULL,
        PRIMARY KEY (kernel, session));
      CREATE TABLE IF NOT EXISTS history (kernel TEXT NOT NULL, session INTEGER NOT NULL, line INTEGER NOT NULL,
        source TEXT NOT NULL, PRIMARY KEY (kernel, session, line));`);
    this.session = this.db.transaction(() => {
      const last = this.db.prepare('SELECT MAX(session) AS s FROM sessions WHERE kernel = ?').get(kernelName) as { s: number | null };
      const session = (last.s ?? 0) + 1;
      this.db.prepare('INSERT INTO sessions VALUES (?, ?, ?)').run(kernelName, session, new Date().toISOString());
      return session;
    }).immediate();
  }

  add(line: number, source: string): void {
    this.db.prepare('INSERT OR REPLACE INTO history VALUES (?, ?, ?, ?)').run(this.kernelName, this.session, line, source);
  }

  /** The last `n` entries over all sessions, oldest first. */
  tail(n: number): HistoryEntry[] {
    const rows = this.db
      .prepare('SELECT session, line, source FROM history WHERE kernel = ? ORDER BY session DESC, line DESC LIMIT ?')
      .raw()
      .all(this.kernelName, n) as HistoryEntry[];
    return rows.reverse();
  }

  /** Lines [start, stop) of a session; session 0 is this one, negative counts back from it. */
  range(session: number, start: number, stop?: number): HistoryEntry[] {
    const target = session <= 0 ? this.session + session : session;
    return this.db
      .prepare('SELECT session, line, source FROM history WHERE kernel = ? AND session = ? AND line >= ? AND line < ? ORDER BY line')
      .raw()
      .all(this.kernelName, target, start, stop ?? Number.MAX_SAFE_INTEGER) as HistoryEntry[];
  }

  /** Entries matching a glob pattern (`*`, `?`), newest `n` (all when n is 0), oldest first; `unique` drops repeats. */
  search(pattern: string, n: number, unique: boolean): HistoryEntry[] {
    const rows = this.db
      .prepare('SELECT session, line, source FROM history WHERE kernel = ? AND source GLOB ? ORDER BY session DESC, line DESC')
      .raw()
      .all(this.kernelName, pattern) as HistoryEntry[];
    const seen = new Set<string>();
    const picked = unique ? rows.filter(([, , source]) => !seen.has(source) && seen.add(source)) : rows;
    return (n > 0 ? picked.slice(0, n) : picked).reverse();
  }

  close(): void {
    this.db.close();
  }
}
