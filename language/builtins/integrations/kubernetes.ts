// Kubernetes: K8S_GET_PODS, K8S_SCALE_DEPLOYMENT, K8S_RESTART_DEPLOYMENT through the official client
// (@kubernetes/client-node, ESM, loaded on the first real call): it reads kubeconfig files (contexts, client
// certificates, exec plugins) and the in-cluster service account, which plain HTTP would have to redo.
import type { BuiltinDef, CallContext } from '../registry';
import type { KubernetesSettings } from '../../config';
import type { Value } from '../../values';
import { argError, int, str } from '../core';
import { I, importEsm, toOutbox, viaClient } from './transport';

/** The few parts of @kubernetes/client-node used here (an ESM package: no type import from CommonJS). */
interface K8sModule {
  KubeConfig: new () => {
    loadFromOptions(o: unknown): void;
    loadFromFile(file: string): void;
    loadFromCluster(): void;
    makeApiClient<T>(api: new (...a: never[]) => T): T;
  };
  CoreV1Api: new (...a: never[]) => CoreApi;
  AppsV1Api: new (...a: never[]) => AppsApi;
  setHeaderOptions(key: string, value: string): unknown;
  PatchStrategy: { MergePatch: string };
}
interface Pod {
  metadata?: { name?: string; namespace?: string; creationTimestamp?: Date | string; labels?: Record<string, string> };
  spec?: { nodeName?: string };
  status?: { phase?: string; podIP?: string; containerStatuses?: { ready?: boolean; restartCount?: number }[] };
}
interface CoreApi {
  listNamespacedPod(p: { namespace: string; labelSelector?: string }): Promise<{ items: Pod[] }>;
}
interface AppsApi {
  patchNamespacedDeploymentScale(p: { name: string; namespace: string; body: unknown }, o?: unknown): Promise<unknown>;
  patchNamespacedDeployment(p: { name: string; namespace: string; body: unknown }, o?: unknown): Promise<unknown>;
}

function isConfigured(k: KubernetesSettings | undefined): boolean {
  return !!k && (!!k.apiServer || !!k.kubeconfig || k.inCluster);
}

const apis = new Map<KubernetesSettings, Promise<{ core: CoreApi; apps: AppsApi; k8s: K8sModule }>>();

/** The API clients for the configured cluster: the API server and token, else a kubeconfig file, else in-cluster. */
function clients(k: KubernetesSettings): Promise<{ core: CoreApi; apps: AppsApi; k8s: K8sModule }> {
  let made = apis.get(k);
  if (!made) {
    made = (async () => {
      const k8s = (await importEsm('@kubernetes/client-node')) as K8sModule;
      const kc = new k8s.KubeConfig();
      if (k.apiServer) {
        kc.loadFromOptions({
          // the client refuses plain http unless told TLS verification is off (there is no TLS to verify)
          clusters: [{ name: 'escript', server: k.apiServer, skipTLSVerify: k.apiServer.startsWith('http:') }],
          users: [{ name: 'escript', ...(k.token ? { token: k.token } : {}) }],
          contexts: [{ name: 'escript', cluster: 'escript', user: 'escript' }],
          currentContext: 'escript',
        });
      } else if (k.kubeconfig) kc.loadFromFile(k.kubeconfig);
      else kc.loadFromCluster();
      return { core: kc.makeApiClient(k8s.CoreV1Api), apps: kc.makeApiClient(k8s.AppsV1Api), k8s };
    })();
    made.catch(() => apis.delete(k));
    apis.set(k, made);
  }
  return made;
}

function podDoc(p: Pod): Value {
  const containers = p.status?.containerStatuses ?? [];
  const created = p.metadata?.creationTimestamp;
  return {
    name: p.metadata?.name ?? null,
    namespace: p.metadata?.namespace ?? null,
    status: p.status?.phase ?? null,
    ready: containers.length > 0 && containers.every((c) => c.ready === true),
    restarts: containers.reduce((n, c) => n + (c.restartCount ?? 0), 0),
    node: p.spec?.nodeName ?? null,
    ip: p.status?.podIP ?? null,
    created: created === undefined ? null : new Date(created),
    labels: { ...(p.metadata?.labels ?? {}) },
  };
}

const OFFLINE = 'Needs a cluster (ESCRIPT_K8S_API_SERVER, a kubeconfig, or in-cluster), else the outbox';

async function offline(fn: string, method: string, url: string, body: string | null, ctx: CallContext): Promise<boolean> {
  return toOutbox({ integration: 'kubernetes', fn, method, url, body }, isConfigured(ctx.integrations.kubernetes), ctx);
}

export const kubernetesBuiltins: BuiltinDef[] = [
  { name: 'K8S_GET_PODS', category: I, params: [{ name: 'namespace', type: 'STRING', optional: true }, { name: 'label_selector', type: 'STRING', optional: true }], returns: 'ARRAY',
    doc: `The pods of namespace (default 'default'), optionally matching label_selector (e.g. 'app=api'), as documents {name, namespace, status, ready, restarts, node, ip, created, labels}. ${OFFLINE} (and an empty ARRAY).`,
    impl: async ([ns, sel], ctx) => {
      const fn = 'K8S_GET_PODS';
      const namespace = ns === undefined || ns === null ? 'default' : str(fn, ns, 'namespace');
      const labelSelector = sel === undefined || sel === null ? undefined : str(fn, sel, 'label_selector');
      if (await offline(fn, 'GET', `k8s://${namespace}/pods${labelSelector ? `?labelSelector=${labelSelector}` : ''}`, null, ctx)) return [];
      return viaClient(fn, ctx, async () => {
        const { core } = await clients(ctx.integrations.kubernetes!);
        const list = await core.listNamespacedPod({ namespace, labelSelector });
        return list.items.map(podDoc);
      });
    } },
  { name: 'K8S_SCALE_DEPLOYMENT', category: I, params: [{ name: 'namespace', type: 'STRING' }, { name: 'deployment', type: 'STRING' }, { name: 'replicas', type: 'NUMBER' }], returns: 'BOOLEAN',
    doc: `Sets the replica count of a deployment. ${OFFLINE}.`,
    impl: async ([ns, d, n], ctx) => {
      const fn = 'K8S_SCALE_DEPLOYMENT';
      const namespace = str(fn, ns, 'namespace');
      const name = str(fn, d, 'deployment');
      const replicas = int(fn, n, 'replicas');
      if (replicas < 0) argError(fn, `replicas must be 0 or more, got ${replicas}`);
      const body = { spec: { replicas } };
      if (await offline(fn, 'PATCH', `k8s://${namespace}/deployments/${name}/scale`, JSON.stringify(body), ctx)) return true;
      return viaClient(fn, ctx, async () => {
        const { apps, k8s } = await clients(ctx.integrations.kubernetes!);
        await apps.patchNamespacedDeploymentScale({ name, namespace, body }, k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch));
        return true;
      });
    } },
  { name: 'K8S_RESTART_DEPLOYMENT', category: I, params: [{ name: 'namespace', type: 'STRING' }, { name: 'deployment', type: 'STRING' }], returns: 'BOOLEAN',
    doc: `Rolling restart of a deployment (what kubectl rollout restart does: a new restartedAt annotation on its pod template). ${OFFLINE}.`,
    impl: async ([ns, d], ctx) => {
      const fn = 'K8S_RESTART_DEPLOYMENT';
      const namespace = str(fn, ns, 'namespace');
      const name = str(fn, d, 'deployment');
      const body = { spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': new Date().toISOString() } } } } };
      if (await offline(fn, 'PATCH', `k8s://${namespace}/deployments/${name}`, JSON.stringify(body), ctx)) return true;
      return viaClient(fn, ctx, async () => {
        const { apps, k8s } = await clients(ctx.integrations.kubernetes!);
        await apps.patchNamespacedDeployment({ name, namespace, body }, k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch));
        return true;
      });
    } },
];
