// GitHub: GITHUB_CREATE_ISSUE through Octokit (@octokit/rest, ESM, loaded on the first real call), which
// handles GitHub's API versioning, Enterprise base URLs and error shapes.
import type { BuiltinDef } from '../registry';
import type { Value } from '../../values';
import { argError, str } from '../core';
import { I, given, importEsm, toOutbox, viaClient } from './transport';

interface OctokitModule {
  Octokit: new (o: { auth: string; baseUrl: string; userAgent: string; request?: { retries?: number } }) => {
    rest: { issues: { create(p: { owner: string; repo: string; title: string; body?: string; labels?: string[]; request?: { signal?: AbortSignal } }): Promise<{ data: { number: number; html_url: string; id: number; state: string } }> } };
  };
}

export const githubBuiltins: BuiltinDef[] = [
  { name: 'GITHUB_CREATE_ISSUE', category: I,
    params: [{ name: 'repo', type: 'STRING' }, { name: 'title', type: 'STRING' }, { name: 'body', type: 'STRING', optional: true }, { name: 'labels', type: 'ARRAY', optional: true }],
    returns: 'DOCUMENT',
    doc: "Opens an issue in repo ('owner/name') and returns {number, url, id, state}. Needs GITHUB_TOKEN, else the outbox (and {number: NULL, dry_run: true}).",
    impl: async ([r, t, b, l], ctx) => {
      const fn = 'GITHUB_CREATE_ISSUE';
      const repo = str(fn, r, 'repo');
      const m = /^([\w.-]+)\/([\w.-]+)$/.exec(repo);
      if (!m) argError(fn, `repo must be 'owner/name', got '${repo}'`);
      const title = str(fn, t, 'title');
      const body = given(b) ? str(fn, b, 'body') : undefined;
      let labels: string[] | undefined;
      if (given(l)) {
        if (!Array.isArray(l) || !l.every((x) => typeof x === 'string')) argError(fn, 'labels must be an ARRAY of STRING');
        labels = l as string[];
      }
      const gh = ctx.integrations.github;
      const apiUrl = gh?.apiUrl ?? 'https://api.github.com';
      const intent = { integration: 'github', fn, method: 'POST', url: `${apiUrl}/repos/${repo}/issues`, body: { title, ...(body !== undefined ? { body } : {}), ...(labels ? { labels } : {}) } };
      if (await toOutbox(intent, !!gh?.token, ctx)) return { number: null, url: null, dry_run: true };
      return viaClient(fn, ctx, async (signal): Promise<Value> => {
        const { Octokit } = (await importEsm('@octokit/rest')) as OctokitModule;
        const octokit = new Octokit({ auth: gh!.token!, baseUrl: apiUrl, userAgent: 'escript-kernel' });
        const { data } = await octokit.rest.issues.create({ owner: m[1], repo: m[2], title, body, labels, request: { signal } });
        return { number: data.number, url: data.html_url, id: data.id, state: data.state };
      });
    } },
];
