// `escript install`: writes the kernelspec (kernel.json with absolute paths, logos) where Jupyter finds it.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseArgs } from 'util';
import { packageRoot } from '../paths';
import { UsageError } from './command';

export interface InstallOptions {
  name: string;
  displayName?: string;
  target: { kind: 'user' } | { kind: 'prefix'; dir: string } | { kind: 'sys-prefix' };
  env: Record<string, string>;
}

/** Builds the kernelspec folder in a temporary directory and returns its path. */
export function buildKernelspec(options: InstallOptions): string {
  const source = path.join(packageRoot(), 'kernelspec');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'escript-kernelspec-'));
  for (const file of fs.readdirSync(source)) {
    if (file !== 'kernel.json') fs.copyFileSync(path.join(source, file), path.join(dir, file));
  }
  const spec = JSON.parse(fs.readFileSync(path.join(source, 'kernel.json'), 'utf8'));
  const cli = path.join(packageRoot(), 'dist', 'kernel', 'cli.js');
  spec.argv = spec.argv.map((arg: string) => (arg === '{node}' ? process.execPath : arg === '{cli}' ? cli : arg));
  spec.argv.push('--name', options.name);
  if (options.displayName) spec.display_name = options.displayName;
  spec.env = { ...spec.env, ...options.env };
  fs.writeFileSync(path.join(dir, 'kernel.json'), JSON.stringify(spec, null, 2) + '\n');
  return dir;
}

/** Installs with `jupyter kernelspec install` when Jupyter is there, else copies the folder itself. */
export function installKernelspec(options: InstallOptions): string {
  const built = buildKernelspec(options);
  try {
    const flags =
      options.target.kind === 'user' ? ['--user']
      : options.target.kind === 'prefix' ? ['--prefix', path.resolve(options.target.dir)]
      : ['--sys-prefix'];
    const jupyter = spawnSync('jupyter', ['kernelspec', 'install', built, '--name', options.name, '--replace', ...flags], {
      encoding: 'utf8',
    });
    if (jupyter.status === 0) return (jupyter.stderr + jupyter.stdout).match(/Installed kernelspec \S+ in (.+)/)?.[1]?.trim() ?? built;
    if (options.target.kind === 'sys-prefix' || jupyter.error === undefined) {
      throw new Error(`jupyter kernelspec install failed: ${jupyter.stderr || jupyter.error}`);
    }
    // No Jupyter on PATH: put the spec where Jupyter will look once it is installed.
    const root =
      options.target.kind === 'user'
        ? path.join(process.env.JUPYTER_DATA_DIR ?? path.join(os.homedir(), '.local', 'share', 'jupyter'))
        : path.join(path.resolve(options.target.dir), 'share', 'jupyter');
    const dest = path.join(root, 'kernels', options.name.toLowerCase());
    fs.rmSync(dest, { recursive: true, force: true });
    fs.mkdirSync(dest, { recursive: true });
    fs.cpSync(built, dest, { recursive: true });
    return dest;
  } finally {
    fs.rmSync(built, { recursive: true, force: true });
  }
}

export async function install(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      user: { type: 'boolean' },
      prefix: { type: 'string' },
      'sys-prefix': { type: 'boolean' },
      name: { type: 'string', default: 'escript' },
      'display-name': { type: 'string' },
      env: { type: 'string', multiple: true, default: [] },
    },
  });
  const env = Object.fromEntries(
    (values.env ?? []).map((pair) => {
      const at = pair.indexOf('=');
      if (at <= 0) throw new UsageError(`--env takes KEY=VALUE, got ${pair}`);
      return [pair.slice(0, at), pair.slice(at + 1)];
    }),
  );
  const target = values.prefix ? { kind: 'prefix' as const, dir: values.prefix } : values['sys-prefix'] ? { kind: 'sys-prefix' as const } : { kind: 'user' as const };
  const where = installKernelspec({ name: values.name!, displayName: values['display-name'], target, env });
  console.log(`installed kernelspec ${values.name} in ${where}`);
  return 0;
}
