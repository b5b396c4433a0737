// `escript tutorials`: executes every notebook in notebooks/ with the installed kernel (nbconvert) and writes the
// executed notebooks and their HTML pages to an output folder. A failing cell fails the run.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { parseArgs } from 'util';
import { packageRoot } from '../paths';

export interface TutorialResult {
  notebook: string;
  ok: boolean;
  message: string;
}

export function runTutorials(outDir: string, kernelName: string, only?: string[]): TutorialResult[] {
  const dir = path.join(packageRoot(), 'notebooks');
  const notebooks = fs.readdirSync(dir).filter((f) => f.endsWith('.ipynb') && (!only?.length || only.includes(f))).sort();
  fs.mkdirSync(outDir, { recursive: true });
  return notebooks.map((notebook) => {
    const executed = spawnSync(
      'jupyter',
      ['nbconvert', '--to', 'notebook', '--execute', `--ExecutePreprocessor.kernel_name=${kernelName}`,
        '--ExecutePreprocessor.timeout=600', '--output-dir', outDir, path.join(dir, notebook)],
      { encoding: 'utf8' },
    );
    if (executed.status !== 0) return { notebook, ok: false, message: lastLines(executed.stderr || String(executed.error)) };
    const html = spawnSync('jupyter', ['nbconvert', '--to', 'html', '--output-dir', outDir, path.join(outDir, notebook)], { encoding: 'utf8' });
    return html.status === 0
      ? { notebook, ok: true, message: `${path.join(outDir, notebook)} and .html` }
      : { notebook, ok: false, message: lastLines(html.stderr) };
  });
}

function lastLines(text: string, n = 25): string {
  return text.trim().split('\n').slice(-n).join('\n');
}

export async function tutorials(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { out: { type: 'string', default: 'docs' }, kernel: { type: 'string', default: 'escript' } },
  });
  const results = runTutorials(path.resolve(values.out!), values.kernel!, positionals);
  for (const r of results) console.log(`${r.ok ? 'ok    ' : 'FAILED'} ${r.notebook}: ${r.message}`);
  return results.every((r) => r.ok) ? 0 : 1;
}
