// `escript tutorials`: executes every notebook in notebooks/ (nbconvert) and writes the executed notebooks and
// their HTML and Markdown pages to an output folder. A failing cell fails the run.
//
// The tutorials create procedures, executions and indices, so by default they run on a scratch store: a fresh
// data directory in the temp folder, the embedded store, no cluster settings; the user's own store
// (~/.local/share/escript/store.db, or their cluster) is never touched. `--data-dir DIR` picks the directory,
// `--env-store` keeps the store the environment configures. Without `--kernel`, the kernel of this checkout is
// installed in a private Jupyter path for the run.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseArgs } from 'util';
import { packageRoot } from '../paths';
import { installKernelspec } from './install';

export interface TutorialResult {
  notebook: string;
  ok: boolean;
  message: string;
}

export interface TutorialOptions {
  /** An installed kernelspec; default: this checkout's kernel in a private Jupyter path. */
  kernel?: string;
  only?: string[];
  /** The data directory for the run; default: a fresh temporary one (removed afterwards). */
  dataDir?: string;
  /** Keep ESCRIPT_STORE and the cluster settings of the environment (the user's store). */
  envStore?: boolean;
  /** Also write Markdown pages (charts as SVG files beside them). */
  markdown?: boolean;
  env?: NodeJS.ProcessEnv;
}

const STORE_SETTINGS = /^ESCRIPT_(STORE|ELASTICSEARCH_.*)$/;

/** The environment the kernels of a run get: a scratch data directory and the embedded store, unless told otherwise. */
export function tutorialEnv(base: NodeJS.ProcessEnv, dataDir: string, envStore: boolean): NodeJS.ProcessEnv {
  const env = envStore ? { ...base } : Object.fromEntries(Object.entries(base).filter(([k]) => !STORE_SETTINGS.test(k)));
  return { ...env, ESCRIPT_DATA_DIR: dataDir, ...(envStore ? {} : { ESCRIPT_STORE: 'embedded' }) };
}

export function runTutorials(outDir: string, options: TutorialOptions = {}): TutorialResult[] {
  const dir = path.join(packageRoot(), 'notebooks');
  const only = options.only;
  const notebooks = fs.readdirSync(dir).filter((f) => f.endsWith('.ipynb') && (!only?.length || only.includes(f))).sort();
  fs.mkdirSync(outDir, { recursive: true });
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'escript-tutorials-'));
  try {
    let env = tutorialEnv(options.env ?? process.env, options.dataDir ? path.resolve(options.dataDir) : path.join(scratch, 'data'), !!options.envStore);
    let kernel = options.kernel;
    if (!kernel) {
      kernel = 'escript'; // first on JUPYTER_PATH, so the pages name the kernel users install
      const jupyterPath = path.join(scratch, 'jupyter');
      installKernelspec({ name: kernel, target: { kind: 'prefix', dir: jupyterPath }, env: {} });
      env = { ...env, JUPYTER_PATH: [path.join(jupyterPath, 'share', 'jupyter'), env.JUPYTER_PATH].filter(Boolean).join(path.delimiter) };
    }
    const jupyter = (args: string[]) => spawnSync('jupyter', ['nbconvert', ...args], { encoding: 'utf8', env, cwd: outDir });
    const results = notebooks.map((notebook): TutorialResult => {
      const executed = jupyter(['--to', 'notebook', '--execute', `--ExecutePreprocessor.kernel_name=${kernel}`,
        '--ExecutePreprocessor.timeout=600', '--output-dir', outDir, path.join(dir, notebook)]);
      return executed.status === 0
        ? { notebook, ok: true, message: `${path.join(outDir, notebook)} and .html${options.markdown ? ', .md' : ''}` }
        : { notebook, ok: false, message: lastLines(executed.stderr || String(executed.error)) };
    });
    // the pages of all executed notebooks in one nbconvert per format (each start of Python costs seconds)
    const done = results.filter((r) => r.ok).map((r) => path.join(outDir, r.notebook));
    for (const to of options.markdown ? ['html', 'markdown'] : ['html']) {
      if (done.length === 0) break;
      // charts go to NAME_files/*.svg beside the page, shown as images: nbconvert's HTML templates strip an inline
      // SVG to its text, so the page uses our template (kernel/app/templates/escript-html, lab's with that block)
      const template = to === 'html'
        ? [`--TemplateExporter.extra_template_basedirs=${path.join(packageRoot(), 'kernel', 'app', 'templates')}`, '--template', 'escript-html']
        : [];
      const pages = jupyter(['--to', to, '--ExtractOutputPreprocessor.enabled=True', ...template, '--output-dir', outDir, ...done]);
      if (pages.status !== 0) for (const r of results) if (r.ok) Object.assign(r, { ok: false, message: lastLines(pages.stderr) });
    }
    return results;
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

function lastLines(text: string, n = 25): string {
  return text.trim().split('\n').slice(-n).join('\n');
}

export async function tutorials(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      out: { type: 'string', default: 'docs' },
      kernel: { type: 'string' },
      'data-dir': { type: 'string' },
      'env-store': { type: 'boolean' },
      markdown: { type: 'boolean' },
    },
  });
  const results = runTutorials(path.resolve(values.out!), {
    kernel: values.kernel, only: positionals, dataDir: values['data-dir'], envStore: values['env-store'], markdown: values.markdown,
  });
  for (const r of results) console.log(`${r.ok ? 'ok    ' : 'FAILED'} ${r.notebook}: ${r.message}`);
  return results.every((r) => r.ok) ? 0 : 1;
}
