// Charts of rows: a Vega-Lite spec from an array of documents and options (what CHART takes), and the chart an
// ES|QL answer over time buckets is offered as. Only data in, spec out: rendering is in render.ts.
import { ScriptError } from '../errors';
import { isNumeric as isNumericValue } from '../long-integers';

type Row = Record<string, unknown>;

export const CHART_TYPES = ['bar', 'line', 'area', 'point'] as const;
export type ChartType = (typeof CHART_TYPES)[number];

export interface ChartOptions {
  type?: ChartType;
  x?: string;
  /** One column or several (several are drawn as one series each). */
  y?: string | string[];
  /** A column whose values split the rows into series. */
  color?: string;
  title?: string;
  width?: number;
  height?: number;
}

export type VegaLiteSpec = Record<string, unknown>;

const OPTION_KEYS = ['type', 'x', 'y', 'color', 'title', 'width', 'height'];
const MAX_ROWS = 5000;

function columnsOf(rows: Row[]): string[] {
  const seen = new Set<string>();
  for (const r of rows) for (const k of Object.keys(r)) seen.add(k);
  return [...seen];
}

function isNumeric(rows: Row[], col: string): boolean {
  return rows.some((r) => isNumericValue(r[col])) && rows.every((r) => r[col] == null || isNumericValue(r[col]));
}

function isTemporal(rows: Row[], col: string): boolean {
  return rows.some((r) => r[col] != null) &&
    rows.every((r) => r[col] == null || r[col] instanceof Date || (typeof r[col] === 'string' && /^\d{4}-\d\d-\d\dT\d\d:\d\d/.test(r[col] as string)));
}

function fieldType(rows: Row[], col: string): 'temporal' | 'quantitative' | 'nominal' {
  return isTemporal(rows, col) ? 'temporal' : isNumeric(rows, col) ? 'quantitative' : 'nominal';
}

/** Validated options: unknown keys, missing columns and bad types are argument errors naming what is wrong. */
export function checkOptions(rows: Row[], options: Record<string, unknown>): ChartOptions {
  const fn = 'CHART';
  for (const k of Object.keys(options)) {
    if (!OPTION_KEYS.includes(k)) throw new ScriptError('argument_error', `${fn}: unknown option '${k}' (options: ${OPTION_KEYS.join(', ')})`);
  }
  const cols = columnsOf(rows);
  const column = (name: unknown, what: string): string => {
    if (typeof name !== 'string') throw new ScriptError('argument_error', `${fn}: ${what} must be a column name (STRING)`);
    if (!cols.includes(name)) throw new ScriptError('argument_error', `${fn}: no column '${name}' (columns: ${cols.join(', ')})`);
    return name;
  };
  const out: ChartOptions = {};
  if (options.type != null) {
    if (!CHART_TYPES.includes(options.type as ChartType)) throw new ScriptError('argument_error', `${fn}: type must be one of ${CHART_TYPES.join(', ')}, got ${JSON.stringify(options.type)}`);
    out.type = options.type as ChartType;
  }
  if (options.x != null) out.x = column(options.x, 'x');
  if (options.y != null) out.y = Array.isArray(options.y) ? options.y.map((c) => column(c, 'y')) : column(options.y, 'y');
  if (options.color != null) out.color = column(options.color, 'color');
  if (options.title != null) out.title = String(options.title);
  for (const k of ['width', 'height'] as const) {
    if (options[k] == null) continue;
    const n = options[k];
    if (typeof n !== 'number' || n < 50 || n > 2000) throw new ScriptError('argument_error', `${fn}: ${k} must be a number of pixels between 50 and 2000`);
    out[k] = n;
  }
  return out;
}

/** The Vega-Lite spec for rows: x defaults to the first non-numeric column, y to the numeric columns that are not x. */
export function chartSpec(rows: Row[], options: ChartOptions = {}): VegaLiteSpec {
  if (rows.length === 0) throw new ScriptError('argument_error', 'CHART: no rows to plot');
  if (rows.length > MAX_ROWS) throw new ScriptError('argument_error', `CHART: ${rows.length} rows, at most ${MAX_ROWS} can be plotted (aggregate first)`);
  const cols = columnsOf(rows);
  // x: the first column that is not a number (a group, a time), else the first column
  const x = options.x ?? cols.find((c) => c !== options.color && !isNumeric(rows, c)) ?? cols[0];
  const ys = options.y === undefined ? cols.filter((c) => c !== x && c !== options.color && isNumeric(rows, c))
    : Array.isArray(options.y) ? options.y : [options.y];
  if (ys.length === 0) throw new ScriptError('argument_error', `CHART: no numeric column to plot against '${x}' (give y)`);
  for (const y of ys) if (!isNumeric(rows, y)) throw new ScriptError('argument_error', `CHART: column '${y}' is not numeric`);
  const xType = fieldType(rows, x);
  const type = options.type ?? (xType === 'temporal' && rows.length > 60 ? 'line' : 'bar');
  const values = rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v instanceof Date ? v.toISOString() : v])));
  const xEnc: Record<string, unknown> = { field: x, type: xType, title: x };
  if (xType === 'nominal') xEnc.sort = null; // keep the rows' order (a SORT in the query)
  const spec: VegaLiteSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    width: options.width ?? (xType === 'nominal' ? { step: 28 } : 480),
    height: options.height ?? 220,
    data: { values },
    mark: { type, tooltip: true, ...(type === 'line' || type === 'area' ? { point: rows.length <= 60 } : {}) },
  };
  if (options.title) spec.title = options.title;
  if (ys.length === 1) {
    spec.encoding = {
      x: xEnc,
      y: { field: ys[0], type: 'quantitative', title: ys[0] },
      ...(options.color ? { color: { field: options.color, type: 'nominal' } } : {}),
    };
  } else {
    // several y columns: one series per column, folded into (series, value)
    spec.transform = [{ fold: ys, as: ['series', 'value'] }];
    spec.encoding = {
      x: xEnc,
      y: { field: 'value', type: 'quantitative', title: ys.join(', ') },
      color: { field: 'series', type: 'nominal' },
      ...(type === 'bar' ? { xOffset: { field: 'series' } } : {}),
    };
  }
  return spec;
}

/**
 * The chart an ES|QL answer is offered as: a date column (a BUCKET or DATE_TRUNC group, wherever STATS put it)
 * beside numeric columns and at most one keyword column (the series). Null for any other shape.
 */
export function timeChartOptions(columns: { name: string; type: string }[], rowCount: number): ChartOptions | null {
  if (rowCount < 2 || rowCount > MAX_ROWS || columns.length > 5) return null;
  const dates = columns.filter((c) => c.type === 'date' || c.type === 'date_nanos');
  const numbers = columns.filter((c) => ['integer', 'long', 'unsigned_long', 'double', 'counter_long', 'counter_double', 'counter_integer'].includes(c.type));
  const keywords = columns.filter((c) => c.type === 'keyword' || c.type === 'text');
  if (dates.length !== 1 || numbers.length === 0 || keywords.length > 1 || dates.length + numbers.length + keywords.length !== columns.length) return null;
  if (keywords.length === 1 && numbers.length > 1) return null;
  return {
    x: dates[0].name,
    y: numbers.length === 1 ? numbers[0].name : numbers.map((n) => n.name),
    ...(keywords.length ? { color: keywords[0].name } : {}),
    type: 'bar',
  };
}
