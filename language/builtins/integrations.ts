// Integrations: each makes a real call when its service is configured; otherwise (or with
// ESCRIPT_INTEGRATIONS=dry-run) it records the request in the outbox and prints what it would have sent, so
// notebooks run offline. One file per service family in integrations/; the outbox and HTTP are in transport.ts.
import type { BuiltinDef } from './registry';
import { slackBuiltins } from './integrations/slack';
import { pagerDutyBuiltins } from './integrations/pagerduty';
import { httpBuiltins } from './integrations/http';
import { awsBuiltins } from './integrations/aws';
import { kubernetesBuiltins } from './integrations/kubernetes';
import { githubBuiltins } from './integrations/github';

export const integrationBuiltins: BuiltinDef[] = [
  ...slackBuiltins,
  ...pagerDutyBuiltins,
  ...httpBuiltins,
  ...awsBuiltins,
  ...kubernetesBuiltins,
  ...githubBuiltins,
];
