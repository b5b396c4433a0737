// Which hosts the plain HTTP built-ins (WEBHOOK, HTTP_GET, HTTP_POST, HTTP_REQUEST) may reach: those of the
// configured integrations (Slack, PagerDuty, GitHub, Kubernetes, AWS endpoint), and what the user allows with
// ESCRIPT_HTTP_ALLOWED_HOSTS (`host`, `host:port`, `*.domain`, or `*` for any). A notebook shared with a
// kernel that holds credentials cannot then make it call any address it likes (an internal service, a cloud
// metadata endpoint). Dry-run calls only go to the outbox, so they are not checked.
import type { IntegrationSettings } from '../../config';
import { ScriptError } from '../../errors';

function hostOf(url: string | undefined): string | null {
  if (!url) return null;
  try {
    return new URL(url).host.toLowerCase();
  } catch {
    return null;
  }
}

/** The hosts the configuration names. */
export function configuredHosts(s: IntegrationSettings): string[] {
  const urls = [s.slackApiUrl, s.slackWebhookUrl, s.pagerDutyEventsUrl, s.github?.apiUrl, s.kubernetes?.apiServer, s.aws?.endpoint];
  return urls.map(hostOf).filter((h): h is string => h !== null);
}

/** Whether `host` (as URL.host: name, with `:port` when not the default) matches `pattern`. */
export function hostMatches(pattern: string, host: string): boolean {
  const p = pattern.toLowerCase();
  if (p === '*') return true;
  // a pattern with a port matches that port only; without one, any port of the name
  const withPort = /:\d+$/.test(p);
  const subject = withPort ? host : host.replace(/:\d+$/, '');
  return p.startsWith('*.') ? subject.endsWith(p.slice(1)) : subject === p;
}

/** Throws an http_error (code HOST_NOT_ALLOWED) unless `url` may be reached. */
export function checkAllowedHost(fn: string, url: string, settings: IntegrationSettings): void {
  const host = hostOf(url);
  if (host === null) return; // fetch reports the bad URL itself
  if (configuredHosts(settings).includes(host)) return;
  if ((settings.httpAllowedHosts ?? []).some((p) => hostMatches(p, host))) return;
  const err = new ScriptError('http_error', `${fn}: ${host} is not an allowed host (only the configured integrations' hosts are; add it to ESCRIPT_HTTP_ALLOWED_HOSTS)`);
  err.code = 'HOST_NOT_ALLOWED';
  throw err;
}
