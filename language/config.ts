// Every setting the language and the kernel take from the environment, read in one place: each ESCRIPT_*
// variable (and the few standard ones they fall back on) is read once, checked, and turned into a frozen,
// typed Config. A bad value is an error that names the variable and what it accepts. Nothing else reads the
// environment: stores, sessions and the CLI receive a Config or the fields they need.
import * as os from 'os';
import * as path from 'path';
import type { EngineOptions } from './async/engine';

/** An environment: `process.env`, a kernelspec's `env`, or a test's object. */
export type Env = Readonly<Record<string, string | undefined>>;

/** `os`: fsync at every commit (survives a power cut); `process`: survives a killed process, ~2x cheaper. */
export type Durability = 'os' | 'process';

/** An Elasticsearch cluster (ESCRIPT_ELASTICSEARCH_*): where it is and how to log in. */
export interface ClusterSettings {
  /** Exactly one of url and cloudId is set. */
  readonly url?: string;
  readonly cloudId?: string;
  readonly apiKey?: string;
  readonly username?: string;
  readonly password?: string;
  /** A CA certificate file for the cluster's TLS. */
  readonly caFile?: string;
  /** ESCRIPT_ELASTICSEARCH_TIMEOUT_MS: how long one request attempt may take. */
  readonly timeoutMs?: number;
  /** ESCRIPT_ELASTICSEARCH_RETRIES: retries of a safe request after a passing failure (429, 502-504, timeout, connection). */
  readonly retries?: number;
  /** ESCRIPT_ELASTICSEARCH_RETRY_MS: the time one request's attempts and waits may take in all. */
  readonly retryMs?: number;
  /** ESCRIPT_ESQL_ASYNC_AFTER_MS: how long an ES|QL query may run before it is polled by id and shown as progress. */
  readonly esqlAsyncAfterMs?: number;
}

/** The data store a session uses (ESCRIPT_STORE, ESCRIPT_ELASTICSEARCH_*, ESCRIPT_DATA_DIR, ESCRIPT_DURABILITY). */
export type StoreSettings =
  | { readonly kind: 'embedded'; readonly file: string; readonly durability: Durability }
  | { readonly kind: 'elasticsearch'; readonly cluster: ClusterSettings }
  /** ESCRIPT_STORE=memory: an embedded store in memory, for the life of the process. */
  | { readonly kind: 'memory' }
  /** ESCRIPT_STORE=none: no store for data statements. */
  | { readonly kind: 'none' };

/** The stores that can be opened (all but `none`). */
export type OpenableStore = Exclude<StoreSettings, { kind: 'none' }>;

/** What the integration built-ins (Slack, PagerDuty, webhooks, HTTP) use. */
export interface IntegrationSettings {
  /** ESCRIPT_INTEGRATIONS=dry-run: record every request in the outbox instead of sending it. */
  readonly dryRun: boolean;
  /** ESCRIPT_SLACK_TOKEN, else SLACK_BOT_TOKEN, else SLACK_TOKEN. */
  readonly slackToken?: string;
  /** ESCRIPT_SLACK_WEBHOOK_URL, else SLACK_WEBHOOK_URL. */
  readonly slackWebhookUrl?: string;
  /** ESCRIPT_PAGERDUTY_ROUTING_KEY, else PAGERDUTY_ROUTING_KEY. */
  readonly pagerDutyRoutingKey?: string;
  /** ESCRIPT_SLACK_API_URL: Slack's Web API base (default https://slack.com/api). */
  readonly slackApiUrl?: string;
  /** ESCRIPT_PAGERDUTY_EVENTS_URL: PagerDuty's Events API v2 endpoint (default https://events.pagerduty.com/v2/enqueue). */
  readonly pagerDutyEventsUrl?: string;
  // readConfig always sets these; hosts that build settings by hand (tests) may leave them out
  readonly aws?: AwsSettings;
  readonly kubernetes?: KubernetesSettings;
  readonly github?: GitHubSettings;
  /** ESCRIPT_HTTP_ALLOWED_HOSTS: hosts WEBHOOK and HTTP_* may reach beyond the configured integrations' (`*` any). */
  readonly httpAllowedHosts?: readonly string[];
}

/** AWS (S3, Lambda): ESCRIPT_AWS_* else the standard AWS_* variables. Configured when both keys are set. */
export interface AwsSettings {
  readonly accessKeyId?: string;
  readonly secretAccessKey?: string;
  readonly sessionToken?: string;
  /** ESCRIPT_AWS_REGION, else AWS_REGION, else AWS_DEFAULT_REGION; us-east-1 when none. */
  readonly region: string;
  /** ESCRIPT_AWS_ENDPOINT_URL, else AWS_ENDPOINT_URL: an S3/Lambda-compatible endpoint (MinIO, LocalStack). */
  readonly endpoint?: string;
}

/**
 * Kubernetes: ESCRIPT_K8S_API_SERVER (+ ESCRIPT_K8S_TOKEN), else the kubeconfig file ESCRIPT_KUBECONFIG or
 * KUBECONFIG, else the in-cluster service account when KUBERNETES_SERVICE_HOST is set.
 */
export interface KubernetesSettings {
  readonly apiServer?: string;
  readonly token?: string;
  readonly kubeconfig?: string;
  readonly inCluster: boolean;
}

/** GitHub: ESCRIPT_GITHUB_TOKEN else GITHUB_TOKEN; ESCRIPT_GITHUB_API_URL for GitHub Enterprise. */
export interface GitHubSettings {
  readonly token?: string;
  readonly apiUrl: string;
}

/** Engine settings for async executions (ESCRIPT_EXECUTION_*_MS); unset ones keep the engine's defaults. */
export type ExecutionSettings = Partial<Pick<EngineOptions, 'retentionMs' | 'leaseMs' | 'sweepEveryMs' | 'cancelGraceMs' | 'watchEveryMs' | 'lostCheckEveryMs'>>;

export interface Config {
  /** ESCRIPT_DATA_DIR, else the platform's per-user data directory: the embedded store, the input history. */
  readonly dataDir: string;
  readonly store: StoreSettings;
  readonly integrations: IntegrationSettings;
  readonly executions: ExecutionSettings;
  /**
   * ESCRIPT_USER and ESCRIPT_ROLES (comma-separated): who the session runs as, for the EXECUTE grants of
   * security-permissions.md. No user: the store's owner, who may do everything and manage grants.
   */
  readonly principal?: { readonly user?: string; readonly roles: readonly string[] };
  /** ESCRIPT_PRINT_LIMIT: characters of PRINT output a cell may send; past it PRINTs are dropped with a note (0: no limit). */
  readonly printLimit: number;
  /** ESCRIPT_DISPLAY_LIMIT: displays and display updates a cell may send while it runs; past it displays are dropped with a note (0: no limit). */
  readonly displayLimit: number;
  /** The notebook (JPY_SESSION_NAME, set by Jupyter) recorded with the executions a session starts. */
  readonly notebook: string | null;
  /** Every ESCRIPT_* variable as set, except credentials (isCredentialVariable): what ENV() may read. */
  readonly variables: Readonly<Record<string, string>>;
}

/** A setting the environment gets wrong. */
export class ConfigError extends Error {
  constructor(readonly variable: string, message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/**
 * Variables that hold credentials (cluster API key and password, Slack token and webhook URL, PagerDuty routing
 * key, and any ESCRIPT_*_KEY / _TOKEN / _PASSWORD / _SECRET a user adds): ENV() cannot read them.
 */
export function isCredentialVariable(name: string): boolean {
  return /_(API_KEY|KEY|TOKEN|PASSWORD|SECRET|WEBHOOK_URL)$/.test(name) || /(PASSWORD|SECRET|TOKEN)/.test(name);
}

/** Reads, checks and freezes the configuration in `env`; throws a ConfigError for the first bad value. */
export function readConfig(env: Env = process.env): Config {
  const dataDir = dataDirIn(env);
  return deepFreeze({
    dataDir,
    store: storeSettings(env, dataDir),
    integrations: {
      dryRun: oneOf(env, 'ESCRIPT_INTEGRATIONS', ['send', 'dry-run'] as const) === 'dry-run',
      slackToken: first(env, 'ESCRIPT_SLACK_TOKEN', 'SLACK_BOT_TOKEN', 'SLACK_TOKEN'),
      slackWebhookUrl: first(env, 'ESCRIPT_SLACK_WEBHOOK_URL', 'SLACK_WEBHOOK_URL'),
      pagerDutyRoutingKey: first(env, 'ESCRIPT_PAGERDUTY_ROUTING_KEY', 'PAGERDUTY_ROUTING_KEY'),
      slackApiUrl: httpUrl(env, 'ESCRIPT_SLACK_API_URL') ?? 'https://slack.com/api',
      pagerDutyEventsUrl: httpUrl(env, 'ESCRIPT_PAGERDUTY_EVENTS_URL') ?? 'https://events.pagerduty.com/v2/enqueue',
      aws: {
        accessKeyId: first(env, 'ESCRIPT_AWS_ACCESS_KEY_ID', 'AWS_ACCESS_KEY_ID'),
        secretAccessKey: first(env, 'ESCRIPT_AWS_SECRET_ACCESS_KEY', 'AWS_SECRET_ACCESS_KEY'),
        sessionToken: first(env, 'ESCRIPT_AWS_SESSION_TOKEN', 'AWS_SESSION_TOKEN'),
        region: first(env, 'ESCRIPT_AWS_REGION', 'AWS_REGION', 'AWS_DEFAULT_REGION') ?? 'us-east-1',
        endpoint: httpUrl(env, 'ESCRIPT_AWS_ENDPOINT_URL') ?? httpUrl(env, 'AWS_ENDPOINT_URL'),
      },
      kubernetes: {
        apiServer: httpUrl(env, 'ESCRIPT_K8S_API_SERVER'),
        token: value(env, 'ESCRIPT_K8S_TOKEN'),
        kubeconfig: first(env, 'ESCRIPT_KUBECONFIG', 'KUBECONFIG'),
        inCluster: value(env, 'KUBERNETES_SERVICE_HOST') !== undefined,
      },
      github: {
        token: first(env, 'ESCRIPT_GITHUB_TOKEN', 'GITHUB_TOKEN'),
        apiUrl: httpUrl(env, 'ESCRIPT_GITHUB_API_URL') ?? 'https://api.github.com',
      },
      httpAllowedHosts: (value(env, 'ESCRIPT_HTTP_ALLOWED_HOSTS') ?? '').split(',').map((h) => h.trim().toLowerCase()).filter(Boolean),
    },
    executions: executionSettings(env),
    printLimit: wholeNumber(env, 'ESCRIPT_PRINT_LIMIT', DEFAULT_PRINT_LIMIT, 'a whole number of characters (0: no limit)'),
    displayLimit: wholeNumber(env, 'ESCRIPT_DISPLAY_LIMIT', DEFAULT_DISPLAY_LIMIT, 'a whole number of displays (0: no limit)'),
    notebook: env.JPY_SESSION_NAME ?? null,
    principal: {
      user: value(env, 'ESCRIPT_USER'),
      roles: (value(env, 'ESCRIPT_ROLES') ?? '').split(',').map((r) => r.trim()).filter((r) => r !== ''),
    },
    variables: Object.fromEntries(
      Object.entries(env).filter((e): e is [string, string] => e[0].startsWith('ESCRIPT_') && e[1] !== undefined && !isCredentialVariable(e[0])),
    ),
  });
}

/** ESCRIPT_STORE; unset: the cluster when one is configured, else the embedded file in the data directory. */
function storeSettings(env: Env, dataDir: string): StoreSettings {
  const cluster = clusterSettings(env);
  const durability = oneOf(env, 'ESCRIPT_DURABILITY', ['os', 'process'] as const) ?? 'os';
  // checked whatever the store, as ESCRIPT_DURABILITY is: a typo shows at start, not at the first cluster query
  const esqlAsyncAfterMs = wholeNumber(env, 'ESCRIPT_ESQL_ASYNC_AFTER_MS', DEFAULT_ESQL_ASYNC_AFTER_MS, 'a whole number of milliseconds');
  const kind = oneOf(env, 'ESCRIPT_STORE', ['embedded', 'elasticsearch', 'memory', 'none'] as const) ?? (cluster ? 'elasticsearch' : 'embedded');
  switch (kind) {
    case 'elasticsearch':
      if (!cluster) throw new ConfigError('ESCRIPT_STORE', 'ESCRIPT_STORE=elasticsearch needs ESCRIPT_ELASTICSEARCH_URL or ESCRIPT_ELASTICSEARCH_CLOUD_ID');
      return { kind, cluster: { ...cluster, esqlAsyncAfterMs } };
    case 'embedded':
      return { kind, file: path.join(dataDir, 'store.db'), durability };
    default:
      return { kind };
  }
}

/** `$ESCRIPT_DATA_DIR`, else the platform's per-user data directory (`~/.local/share/escript` on Linux). */
function dataDirIn(env: Env): string {
  const set = value(env, 'ESCRIPT_DATA_DIR');
  if (set) return set;
  const home = os.homedir();
  if (process.platform === 'win32') return path.join(env.LOCALAPPDATA ?? path.join(home, 'AppData', 'Local'), 'escript');
  if (process.platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'escript');
  return path.join(env.XDG_DATA_HOME ?? path.join(home, '.local', 'share'), 'escript');
}

/** The engine settings and the smallest value each accepts (0 turns the sweep off, or gives no grace). */
const EXECUTION_VARIABLES: readonly [string, keyof ExecutionSettings, number, string][] = [
  ['ESCRIPT_EXECUTION_RETENTION_MS', 'retentionMs', 1, ''],
  ['ESCRIPT_EXECUTION_LEASE_MS', 'leaseMs', 1, ''],
  ['ESCRIPT_EXECUTION_SWEEP_MS', 'sweepEveryMs', 0, ' (0 turns the sweep off)'],
  ['ESCRIPT_EXECUTION_CANCEL_GRACE_MS', 'cancelGraceMs', 0, ' (0: no grace)'],
  ['ESCRIPT_EXECUTION_WATCH_MS', 'watchEveryMs', 0, ' (0 turns the cross-kernel watch off)'],
  ['ESCRIPT_EXECUTION_LOST_CHECK_MS', 'lostCheckEveryMs', 0, ' (0 leaves dead kernels to the sweep)'],
];

function executionSettings(env: Env): ExecutionSettings {
  const settings: Record<string, number> = {};
  for (const [name, option, least, note] of EXECUTION_VARIABLES) {
    const raw = value(env, name);
    if (raw === undefined) continue;
    const n = /^\d+$/.test(raw.trim()) ? Number(raw) : NaN;
    if (!(n >= least) || !Number.isSafeInteger(n)) {
      throw bad(name, raw, `${least > 0 ? 'a positive' : 'a'} whole number of milliseconds${note}`);
    }
    settings[option] = n;
  }
  return settings;
}

const CLUSTER_CREDENTIALS = ['ESCRIPT_ELASTICSEARCH_API_KEY', 'ESCRIPT_ELASTICSEARCH_USERNAME', 'ESCRIPT_ELASTICSEARCH_PASSWORD', 'ESCRIPT_ELASTICSEARCH_CA_FILE'];

/** The cluster ESCRIPT_ELASTICSEARCH_* names, or null when none is configured. */
function clusterSettings(env: Env): ClusterSettings | null {
  const url = value(env, 'ESCRIPT_ELASTICSEARCH_URL');
  const cloudId = value(env, 'ESCRIPT_ELASTICSEARCH_CLOUD_ID');
  if (!url && !cloudId) {
    const stray = CLUSTER_CREDENTIALS.find((name) => value(env, name) !== undefined);
    if (stray) throw new ConfigError(stray, `${stray} is set but no cluster is: set ESCRIPT_ELASTICSEARCH_URL or ESCRIPT_ELASTICSEARCH_CLOUD_ID`);
    return null;
  }
  if (url && cloudId) {
    throw new ConfigError('ESCRIPT_ELASTICSEARCH_URL', 'ESCRIPT_ELASTICSEARCH_URL and ESCRIPT_ELASTICSEARCH_CLOUD_ID are both set: set one of them');
  }
  if (url && !/^https?:$/.test(parsedUrl(url)?.protocol ?? '')) throw bad('ESCRIPT_ELASTICSEARCH_URL', url, 'an http:// or https:// URL');
  const apiKey = value(env, 'ESCRIPT_ELASTICSEARCH_API_KEY');
  const username = value(env, 'ESCRIPT_ELASTICSEARCH_USERNAME');
  const password = value(env, 'ESCRIPT_ELASTICSEARCH_PASSWORD');
  if (apiKey && username) {
    throw new ConfigError('ESCRIPT_ELASTICSEARCH_USERNAME', 'ESCRIPT_ELASTICSEARCH_API_KEY and ESCRIPT_ELASTICSEARCH_USERNAME are both set: use one way to log in');
  }
  if (password !== undefined && !username) {
    throw new ConfigError('ESCRIPT_ELASTICSEARCH_PASSWORD', 'ESCRIPT_ELASTICSEARCH_PASSWORD is set without ESCRIPT_ELASTICSEARCH_USERNAME');
  }
  return {
    url, cloudId, apiKey, username, password, caFile: value(env, 'ESCRIPT_ELASTICSEARCH_CA_FILE'),
    timeoutMs: wholeNumber(env, 'ESCRIPT_ELASTICSEARCH_TIMEOUT_MS', 30_000, 'a whole number of milliseconds'),
    retries: wholeNumber(env, 'ESCRIPT_ELASTICSEARCH_RETRIES', 3, 'a whole number of retries'),
    retryMs: wholeNumber(env, 'ESCRIPT_ELASTICSEARCH_RETRY_MS', 30_000, 'a whole number of milliseconds'),
  };
}

/** An http(s) URL setting (trailing slashes dropped), or undefined when unset. */
function httpUrl(env: Env, name: string): string | undefined {
  const raw = value(env, name);
  if (raw === undefined) return undefined;
  if (!/^https?:$/.test(parsedUrl(raw.trim())?.protocol ?? '')) throw bad(name, raw, 'an http:// or https:// URL');
  return raw.trim().replace(/\/+$/, '');
}

/** PRINT output per cell before the rest is dropped: a million characters, far more than a notebook shows well. */
export const DEFAULT_PRINT_LIMIT = 1_000_000;

/** A cluster's ES|QL query still running after a second is polled and shown as progress. */
export const DEFAULT_ESQL_ASYNC_AFTER_MS = 1000;

/** Displays per cell before the rest are dropped: each may be up to ~1 MB (render.ts), so a thousand is plenty. */
export const DEFAULT_DISPLAY_LIMIT = 1_000;

/** A whole number >= 0, or `fallback` when unset. */
function wholeNumber(env: Env, name: string, fallback: number, expected: string): number {
  const raw = value(env, name);
  if (raw === undefined) return fallback;
  const n = /^\d+$/.test(raw.trim()) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(n)) throw bad(name, raw, expected);
  return n;
}

/** A variable's value; unset and empty are the same (a kernelspec cannot unset a variable, only empty it). */
function value(env: Env, name: string): string | undefined {
  const v = env[name];
  return v === undefined || v.trim() === '' ? undefined : v;
}

/** The first of several variables that is set. */
function first(env: Env, ...names: string[]): string | undefined {
  for (const name of names) {
    const v = value(env, name);
    if (v !== undefined) return v;
  }
  return undefined;
}

/** One of `accepted` (any case), or undefined when unset. */
function oneOf<T extends string>(env: Env, name: string, accepted: readonly T[]): T | undefined {
  const raw = value(env, name);
  if (raw === undefined) return undefined;
  const v = raw.trim().toLowerCase();
  if (!(accepted as readonly string[]).includes(v)) throw bad(name, raw, orList(accepted));
  return v as T;
}

function bad(name: string, raw: string, expected: string): ConfigError {
  return new ConfigError(name, `${name}=${raw}: expected ${expected}`);
}

function orList(items: readonly string[]): string {
  return items.length === 1 ? items[0] : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

function parsedUrl(text: string): URL | null {
  try {
    return new URL(text);
  } catch {
    return null;
  }
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object') {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}
