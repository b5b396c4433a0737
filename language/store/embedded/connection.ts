// The embedded store's SQLite connection: the file opened in WAL mode with the chosen durability, and the
// prepared statements kept for reuse (preparing costs more than running a small statement).
import * as fs from 'fs';
import * as path from 'path';
import Database from 'better-sqlite3';

/**
 * `os` fsyncs every commit, so an acknowledged write survives a power cut; `process` (SQLite's
 * synchronous=NORMAL in WAL mode) survives the process being killed, not the machine losing power, and makes
 * each write several times cheaper.
 */
export type Durability = 'os' | 'process';

const PAGE_SIZE = 16384;

export class Connection {
  readonly db: Database.Database;
  private readonly statements = new Map<string, Database.Statement>();

  constructor(file: string, durability: Durability = 'os') {
    if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
    this.db = new Database(file);
    // 16 KiB pages in a new file (an existing one keeps its own): a bulk load writes each page twice (WAL, then
    // checkpoint), one system call each, and at 4 KiB those calls cost as much CPU as the inserts (README, `escript
    // load` speed); full scans read fewer pages, and a get by _id costs the same.
    this.db.pragma(`page_size = ${PAGE_SIZE}`);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma(`synchronous = ${durability === 'process' ? 'NORMAL' : 'FULL'}`);
    this.db.pragma('busy_timeout = 10000');
  }

  /** The prepared statement for `sql`, prepared on first use. */
  stmt(sql: string): Database.Statement {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      if (this.statements.size > 500) this.statements.clear();
      this.statements.set(sql, s);
    }
    return s;
  }
}
