// Reads Elasticsearch's `*.csv-spec` files the way its own SpecReader/CsvSpecReader pair does: lines are
// trimmed; blank, `//` and `#` lines are skipped; a test name (anything after `#` on it is an instruction for
// other Elasticsearch versions); `required_capability:` / `approximate:` / `schema::` lines; the query up to a
// line ending in `;` (one ending in `\;` does not end it: the `;` is kept and the query goes on, which is how
// `SET name = value\;` prefixes a query); then `warning:`, `warningRegex:` and `ignoreOrder:` lines, the header
// (`name:type | ...`), the rows, and a line starting with `;`. Older files say `required_feature:`; other option
// lines (`skip_flattened_rewrite:`, `approximate:`) concern other runners and are read past.
import * as fs from 'fs';
import * as path from 'path';
import { TYPE_ALIASES } from '../../../language/esql/types';

export interface SpecCase {
  /** Folder the file is in (`esql-corpus`), file name and test name: `esql-corpus/date.csv-spec:name`. */
  id: string;
  file: string;
  name: string;
  line: number;
  query: string;
  requiredCapabilities: string[];
  expectedColumns: { name: string; type: string }[];
  expectedRows: string[][];
  warnings: string[];
  warningRegexes: RegExp[];
  ignoreOrder: boolean;
  /** Elasticsearch does not run it either (`-Ignore` suffix in the name). */
  ignored: boolean;
}

/** Every case of every `*.csv-spec` file of `dir`, in file and then text order. */
export function loadSpecCases(dir: string): SpecCase[] {
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.csv-spec')).sort();
  return files.flatMap((f) => parseSpecFile(path.join(dir, f)));
}

/** `name: value` before the query: an option line of one of Elasticsearch's runners. */
const OPTION = /^[a-z_]+:/i;

const isSkipped = (l: string): boolean => l === '' || l.startsWith('//') || l.startsWith('#');

export function parseSpecFile(file: string): SpecCase[] {
  const text = fs.readFileSync(file, 'utf8');
  const folder = path.basename(path.dirname(file));
  const base = path.basename(file);
  const cases: SpecCase[] = [];
  const seen = new Map<string, number>();
  let current: Partial<SpecCase> & { queryLines: string[]; header?: string[] } | null = null;
  let inResults = false;
  const lines = text.split(/\r?\n/);
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n].trim();
    if (isSkipped(line)) continue;
    if (current === null) {
      let name = line.split('#', 1)[0].trim();
      // Elasticsearch refuses a name used twice (ignoring case); files joined from several commits can have
      // one, so the second keeps running under a name that says where it is.
      if (seen.has(name.toLowerCase())) name = `${name} (line ${n + 1})`;
      seen.set(name.toLowerCase(), n + 1);
      current = { name, line: n + 1, queryLines: [], requiredCapabilities: [], warnings: [], warningRegexes: [], ignoreOrder: false, expectedRows: [] };
      inResults = false;
      continue;
    }
    const lower = line.toLowerCase();
    if (!inResults) {
      if (lower.startsWith('required_capability:') || lower.startsWith('required_feature:')) {
        current.requiredCapabilities!.push(line.slice(line.indexOf(':') + 1).trim());
      } else if (line.startsWith('schema::') || (current.queryLines.length === 0 && OPTION.test(line))) {
        // other runners' options (approximate:, skip_flattened_rewrite:, ...): no query starts with `name:`
      }
      else if (line.endsWith('\\;')) current.queryLines.push(line.slice(0, -2) + ';');
      else if (line.endsWith(';')) {
        current.queryLines.push(line.slice(0, -1).trim());
        inResults = true;
      } else current.queryLines.push(line);
      continue;
    }
    if (lower.startsWith('warning:')) current.warnings!.push(unescapeWarning(line.slice('warning:'.length).trim()));
    else if (lower.startsWith('warningregex:')) current.warningRegexes!.push(warningRegex(line.slice('warningregex:'.length).trim()));
    else if (lower.startsWith('ignoreorder:')) current.ignoreOrder = lower.slice('ignoreorder:'.length).trim() === 'true';
    else if (line.startsWith(';')) {
      cases.push(finish(current, folder, base));
      current = null;
    } else if (current.header === undefined) current.header = splitCells(line);
    else current.expectedRows!.push(splitCells(line));
  }
  if (current !== null) throw new Error(`${base}: test [${current.name}] has no end (a line that is ';')`);
  return cases;
}

function finish(c: Partial<SpecCase> & { queryLines: string[]; header?: string[] }, folder: string, file: string): SpecCase {
  const expectedColumns = (c.header ?? []).map((cell) => {
    const at = cell.lastIndexOf(':');
    const type = cell.slice(at + 1).trim().toLowerCase();
    return { name: cell.slice(0, at).trim(), type: TYPE_ALIASES[type] ?? type };
  });
  return {
    id: `${folder}/${file}:${c.name}`, file, name: c.name!, line: c.line!,
    // Elasticsearch joins query lines with CRLF; positions in messages count lines either way.
    query: c.queryLines.join('\n'),
    requiredCapabilities: c.requiredCapabilities!, expectedColumns, expectedRows: c.expectedRows!,
    warnings: c.warnings!, warningRegexes: c.warningRegexes!, ignoreOrder: c.ignoreOrder!,
    ignored: /-ignore$/i.test(c.name!),
  };
}

/** Warnings travel in HTTP headers: quotes arrive escaped and `%` percent-encoded. */
function unescapeWarning(s: string): string {
  return s.replace(/\\"/g, '"').replace(/%25/g, '%');
}

/** Elasticsearch wraps a warning regex in `.*...*` and requires it to match a whole warning. */
function warningRegex(s: string): RegExp {
  return new RegExp(`^.*${s.replace(/%25/g, '%')}.*$`);
}

/** Splits a `|`-separated line; `"..."` quotes protect separators. */
export function splitCells(line: string): string[] {
  const cells: string[] = [];
  let cur = '';
  let quoted = false;
  for (const ch of line) {
    if (ch === '"') quoted = !quoted;
    if (ch === '|' && !quoted) { cells.push(cur.trim()); cur = ''; continue; }
    cur += ch;
  }
  cells.push(cur.trim());
  return cells;
}
