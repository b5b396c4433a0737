// A chart as a MIME bundle: the Vega-Lite spec (JupyterLab, VS Code) and an SVG drawn here with vega/vega-lite
// (classic Notebook, nbconvert pages, GitHub). Both packages are ESM-only and heavy (~1 s to load), so they
// are imported on the first chart, not with the kernel.
import type { MimeBundle } from '../contract';
import type { VegaLiteSpec } from './spec';

// The few calls used (vega-lite's types do not resolve under our moduleResolution).
interface VegaView { toSVG(): Promise<string>; finalize(): void }
interface Vega { View: new (runtime: unknown, options: { renderer: 'none' }) => VegaView; parse(spec: unknown): unknown }
interface VegaLite { compile(spec: unknown): { spec: unknown } }

// Under our CommonJS build a literal import() becomes require(), which cannot load ESM.
const importEsm = new Function('s', 'return import(s)') as (s: string) => Promise<unknown>;
let loaded: Promise<{ vega: Vega; vl: VegaLite }> | undefined;

function libraries(): Promise<{ vega: Vega; vl: VegaLite }> {
  loaded ??= Promise.all([importEsm('vega'), importEsm('vega-lite')]).then(([vega, vl]) => ({ vega: vega as Vega, vl: vl as VegaLite }));
  return loaded;
}

export async function chartSvg(spec: VegaLiteSpec): Promise<string> {
  const { vega, vl } = await libraries();
  const compiled = vl.compile(spec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

export async function chartBundle(spec: VegaLiteSpec, summary: string): Promise<MimeBundle> {
  return {
    'text/plain': summary,
    'image/svg+xml': await chartSvg(spec),
    'application/vnd.vegalite.v5+json': spec,
  };
}
