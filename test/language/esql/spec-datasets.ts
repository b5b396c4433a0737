// The datasets a csv-spec folder names, loaded into a fresh embedded store as Elasticsearch's
// CsvTestsDataLoader loads them: `datasets.json` gives each index its CSV, mapping and loader variant (field type
// overrides, lookup index mode, no sub-field columns, no data); a folder without it loads `data/NAME.csv` as
// index NAME with the types of its header. CSV cells: `[a,b]` is a multivalue (`\,` escapes a comma), an empty
// cell is null, a `_id` column gives the document id.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { EmbeddedStore } from '../../../language/store/embedded';
import { BulkItem, Source } from '../../../language/store/store';

/** One entry of `datasets.json` (names follow the loader's TestDataset). */
export interface DatasetSpec {
  data: string | null;
  mapping: string;
  /** Field type overrides applied on top of the mapping (`withTypeMapping`). */
  type_mapping?: Record<string, string>;
  /** Fields the data adds dynamically (`withDynamicTypeMapping`): left to dynamic mapping, as a cluster does. */
  dynamic_type_mapping?: Record<string, string>;
  index_mode?: 'lookup';
  /** Dotted CSV columns are sub-fields the mapping derives from their parent: not sent (`noSubfields`). */
  no_subfields?: boolean;
  no_data?: boolean;
}

export interface SpecStore {
  store: EmbeddedStore;
  /** Index names present in the store. */
  datasets: string[];
  close(): Promise<void>;
}

/** Opens a store in a temporary folder with every dataset of `dir` loaded. */
export async function openSpecStore(dir: string): Promise<SpecStore> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'esql-spec-'));
  const store = new EmbeddedStore(path.join(tmp, 'store.db'), { exactLongs: true });
  const close = async (): Promise<void> => {
    await store.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  };
  try {
    const datasets: string[] = [];
    for (const [index, spec] of Object.entries(readDatasets(dir))) {
      await loadDataset(store, dir, index, spec);
      datasets.push(index);
    }
    return { store, datasets: datasets.sort(), close };
  } catch (e) {
    await close();
    throw e;
  }
}

/** `datasets.json`, or one entry per `data/*.csv` (mapping from its header) when the folder has none. */
export function readDatasets(dir: string): Record<string, DatasetSpec | { data: string; mapping: null }> {
  const json = path.join(dir, 'datasets.json');
  if (fs.existsSync(json)) return JSON.parse(fs.readFileSync(json, 'utf8'));
  const dataDir = path.join(dir, 'data');
  if (!fs.existsSync(dataDir)) return {};
  return Object.fromEntries(fs.readdirSync(dataDir).filter((f) => f.endsWith('.csv')).sort()
    .map((f) => [path.basename(f, '.csv'), { data: `data/${f}`, mapping: null }]));
}

async function loadDataset(store: EmbeddedStore, dir: string, index: string, spec: DatasetSpec | { data: string; mapping: null }): Promise<void> {
  const csv = spec.data && !('no_data' in spec && spec.no_data) ? readCsv(fs.readFileSync(path.join(dir, spec.data), 'utf8')) : null;
  let properties: Props;
  if (spec.mapping === null) properties = propertiesFromHeader(csv!.header) as Props;
  else {
    const mapping = JSON.parse(fs.readFileSync(path.join(dir, spec.mapping), 'utf8')) as { properties: Record<string, unknown> };
    properties = correctStale(spec.mapping, mapping.properties as Props, csv?.header ?? []);
    for (const [field, type] of Object.entries(spec.type_mapping ?? {})) setType(properties, field, type);
  }
  const settings = 'index_mode' in spec && spec.index_mode ? { index: { mode: spec.index_mode } } : undefined;
  await store.createIndex(index, { mappings: { properties }, settings });
  if (!csv) return;
  const skipSubfields = 'no_subfields' in spec && spec.no_subfields === true;
  const items: BulkItem[] = csv.rows.map((cells) => {
    const doc: Source = {};
    let id: string | undefined;
    csv.header.forEach((h, i) => {
      const raw = (cells[i] ?? '').trim();
      if (raw === '' || (skipSubfields && h.name.includes('.'))) return;
      if (h.name === '_id') { id = raw; return; }
      doc[h.name] = cellValue(raw);
    });
    return id === undefined ? { doc } : { id, doc };
  });
  const result = await store.bulk(index, items, { refresh: true });
  if (result.errors) {
    const bad = result.items.find((it) => 'error' in it) as { error: { reason: string } };
    throw new Error(`loading ${index}: ${bad.error.reason}`);
  }
}

interface HeaderCell { name: string; type: string | null }

function readCsv(text: string): { header: HeaderCell[]; rows: string[][] } {
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('//'));
  const header = splitCsvLine(lines[0]).map((cell) => {
    const at = cell.indexOf(':');
    return at < 0 ? { name: cell.trim(), type: null } : { name: cell.slice(0, at).trim(), type: cell.slice(at + 1).trim() };
  });
  return { header, rows: lines.slice(1).map(splitCsvLine) };
}

/** Splits on commas outside `[...]` and `"..."`; cells are trimmed, quotes kept off. */
export function splitCsvLine(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let depth = 0;
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (ch === '\\' && line[i + 1] === ',') { cur += '\\,'; i++; continue; }
    if (ch === '"') { quoted = !quoted; continue; }
    if (!quoted && ch === '[') depth++;
    if (!quoted && ch === ']') depth = Math.max(0, depth - 1);
    if (ch === ',' && !quoted && depth === 0) { out.push(cur.trim()); cur = ''; continue; }
    cur += ch;
  }
  out.push(cur.trim());
  return out;
}

/** A cell as a `_source` value: `[a,b]` is a list (a comma escaped as `\,` stays in its value). */
function cellValue(s: string): unknown {
  const unescape = (x: string): string => x.replace(/\\,/g, ',');
  if (s.startsWith('[') && s.endsWith(']')) {
    const inner = s.slice(1, -1).trim();
    return inner === '' ? [] : inner.split(/(?<!\\),/).map((x) => unescape(x.trim()));
  }
  return unescape(s);
}

function fieldDef(type: string): Record<string, unknown> {
  return type === 'scaled_float' ? { type, scaling_factor: 100 } : { type };
}

function propertiesFromHeader(header: HeaderCell[]): Record<string, unknown> {
  return Object.fromEntries(header.filter((h) => h.name !== '_id').map((h) => [h.name, fieldDef(h.type ?? 'keyword')]));
}

type Props = Record<string, Record<string, any>>;

/**
 * Where the corpus's mapping files are older than their CSVs (SOURCES.md, "caveats"), the fields the newer
 * mapping has: the whole header for the two stale mappings, and `salary_change.keyword` for the default one.
 */
const STALE_MAPPINGS: Record<string, (props: Props, header: HeaderCell[]) => Props> = {
  'mapping-sample_data.json': (_props, header) => propertiesFromHeader(header) as Props,
  'mapping-hosts.json': (_props, header) => propertiesFromHeader(header) as Props,
  'mapping-default.json': (props) => {
    props.salary_change.fields.keyword ??= { type: 'keyword' };
    return props;
  },
};

function correctStale(mappingFile: string, mapped: Props, header: HeaderCell[]): Props {
  const props = structuredClone(mapped) as Props;
  const fix = STALE_MAPPINGS[path.basename(mappingFile)] as ((p: Props, h: HeaderCell[]) => Props) | undefined;
  return fix !== undefined && header.length > 0 ? fix(props, header) : props;
}

/** A field definition by dotted name, through object `properties` and multi-field `fields`. */
function findField(props: Props, name: string): Record<string, any> | null {
  const parts = name.split('.');
  let level: Props | undefined = props;
  let def: Record<string, any> | null = null;
  for (let i = 0; i < parts.length; i++) {
    if (!level) return null;
    // A dotted key (`city.name`) may itself name the field.
    const rest = parts.slice(i).join('.');
    if (level[rest]) return level[rest];
    def = level[parts[i]] ?? null;
    if (!def) return null;
    level = def.properties ?? def.fields;
  }
  return def;
}

function setType(props: Props, field: string, type: string): void {
  const def = findField(props, field);
  if (def) Object.assign(def, fieldDef(type));
}
