// CHART(rows [, options]): plots an array of documents (query rows, BULK COLLECT arrays, literals) in the cell.
import type { BuiltinDef } from './registry';
import type { MimeBundle } from '../contract';
import { ScriptError } from '../errors';
import { isDoc, toJsonable, type Value } from '../values';
import { chartSpec, checkOptions, timeChartOptions, CHART_TYPES, type ChartOptions } from '../charts/spec';
import { esqlResultOf } from '../data/rows';
import { chartBundle } from '../charts/render';

type Row = Record<string, unknown>;

export function chartSummary(spec: Record<string, unknown>, rows: number): string {
  const enc = spec.encoding as { x: { field: string }; y: { field: string; title?: string }; color?: { field: string } };
  const mark = (spec.mark as { type: string }).type;
  const y = enc.y.field === 'value' && spec.transform ? enc.y.title : enc.y.field;
  const by = enc.color && enc.color.field !== 'series' ? `, one series per ${enc.color.field}` : '';
  return `[${mark} chart: ${y} by ${enc.x.field}${by}, ${rows} rows]`;
}

/** The chart's MIME bundle, for CHART and for ES|QL answers offered as a chart. */
export async function chartOf(rows: Row[], options: ChartOptions): Promise<MimeBundle> {
  const spec = chartSpec(rows, options);
  return chartBundle(spec, chartSummary(spec, rows.length));
}

export const chartBuiltins: BuiltinDef[] = [
  { name: 'CHART', category: 'system',
    params: [{ name: 'rows', type: 'ARRAY' }, { name: 'options', type: 'DOCUMENT', optional: true }], returns: 'NULL',
    doc: `Shows rows (an array of documents) as a chart: options {type: ${CHART_TYPES.map((t) => `'${t}'`).join('|')}, x, y (a column or an array of columns), color (a column splitting series), title, width, height}; x defaults to the first non-numeric column, y to the numeric columns. Sent as Vega-Lite and as SVG.`,
    impl: async ([rows, options], ctx) => {
      if (!Array.isArray(rows) || !rows.every((r: Value) => isDoc(r))) throw new ScriptError('argument_error', 'CHART: rows must be an array of documents');
      if (options != null && !isDoc(options)) throw new ScriptError('argument_error', 'CHART: options must be a document');
      const plain = toJsonable(rows) as Row[];
      const checked = checkOptions(plain, (options ? toJsonable(options) : {}) as Record<string, unknown>);
      ctx.out.display(await chartOf(plain, checked));
      return null;
    } },
];

/** An ES|QL answer over time buckets as a chart (shown above its table), or null for any other value. */
export async function timeChartOf(v: Value): Promise<MimeBundle | null> {
  const result = esqlResultOf(v);
  const options = result ? timeChartOptions(result.columns, result.values.length) : null;
  return options ? chartOf(toJsonable(v) as Row[], options) : null;
}
