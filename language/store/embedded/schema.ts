// The embedded store's SQL schema: its own tables (`es_indices`, one row per index; `es_counter`, which numbers
// the index tables), their migration for files written by earlier versions, and the DDL of an index's table:
// `_id`, `_seq_no`, `_primary_term`, `_version`, `_source`, then one column per mapped field.
import type Database from 'better-sqlite3';

/** The default of `es_indices.rules`, in the table and in its migration alike: no dynamic settings, nothing disabled. */
const NO_RULES = `'{"dynamic":{},"disabled":[]}'`;

export function createStoreTables(db: Database.Database): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS es_indices (
      name TEXT PRIMARY KEY,
      tbl TEXT NOT NULL UNIQUE,
      fields TEXT NOT NULL,
      multi_valued TEXT NOT NULL DEFAULT '[]',
      rules TEXT NOT NULL DEFAULT ${NO_RULES},
      settings TEXT,
      seq_no INTEGER NOT NULL DEFAULT -1,
      version INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE IF NOT EXISTS es_counter (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT);
  `);
  migrate(db);
}

/** Brings a file written by an earlier version up to the current schema (columns are only ever added). */
function migrate(db: Database.Database): void {
  const columns = (db.prepare('PRAGMA table_info(es_indices)').all() as { name: string }[]).map((c) => c.name);
  if (!columns.includes('rules')) {
    try {
      db.exec(`ALTER TABLE es_indices ADD COLUMN rules TEXT NOT NULL DEFAULT ${NO_RULES}`);
    } catch (e) {
      // Another process may have added it a moment ago.
      if (!/duplicate column/i.test((e as Error).message)) throw e;
    }
  }
}

/** The table of the `n`th index ever created in the file (names are never reused). */
export function tableName(n: number | bigint): string {
  return `idx_${n}`;
}

/** The column of an index's `i`th mapped field. */
export function columnName(i: number): string {
  return `c${i}`;
}

export function createIndexTable(db: Database.Database, table: string, columns: { column: string; type: string }[]): void {
  const columnSql = columns.map((c) => `, "${c.column}" ${sqlAffinity(c.type)}`).join('');
  db.exec(`CREATE TABLE "${table}" (_id TEXT NOT NULL UNIQUE, _seq_no INTEGER NOT NULL,
      _primary_term INTEGER NOT NULL, _version INTEGER NOT NULL, _source TEXT NOT NULL${columnSql})`);
}

export function addIndexColumn(db: Database.Database, table: string, column: string, type: string): void {
  db.exec(`ALTER TABLE "${table}" ADD COLUMN "${column}" ${sqlAffinity(type)}`);
}

export function dropIndexTable(db: Database.Database, table: string): void {
  db.exec(`DROP TABLE IF EXISTS "${table}"`);
}

/**
 * Column affinity by mapping type: whole numbers, dates and booleans as INTEGER, the float family as REAL,
 * strings as TEXT (multivalues are BLOBs, which affinity leaves alone). Without it SQLite would keep a JS number
 * bound as REAL, and integer arithmetic pushed into SQL would not be integer arithmetic.
 */
function sqlAffinity(type: string): string {
  switch (type) {
    case 'long': case 'integer': case 'short': case 'byte': case 'date': case 'date_nanos': case 'boolean':
      return 'INTEGER';
    case 'double': case 'float': case 'half_float': case 'scaled_float':
      return 'REAL';
    case 'keyword': case 'text': case 'match_only_text': case 'wildcard': case 'constant_keyword': case 'ip': case 'version':
      return 'TEXT';
    default:
      return '';
  }
}
