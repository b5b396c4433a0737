// A fresh execution document: every field of the schema, with the defaults of a run that starts now.

import { isoAt } from './clock';
import type { ExecutionDocument, ExecutionKind, Lease, Owner } from './document';

export interface NewDocument {
  id: string;
  kind: ExecutionKind;
  procedure: string;
  now: number;
  owner: Owner;
  lease: Lease | null;
  /** Overrides of the defaults (track, parameters, pipeline, timeout, attempts, parent, ...). */
  fields: Partial<ExecutionDocument>;
}

export function newExecutionDocument({ id, kind, procedure, now, owner, lease, fields }: NewDocument): ExecutionDocument {
  const timeout = fields.timeout_ms ?? null;
  return {
    execution_id: id,
    track_name: null,
    procedure_name: procedure,
    name: null,
    procedure,
    status: 'RUNNING',
    state: 'RUNNING',
    state_reason: null,
    kind,
    parent_execution_id: null,
    branch_index: null,
    branch_count: null,
    join_policy: null,
    attempt: 1,
    max_attempts: 1,
    backoff_ms: 0,
    retry_of: null,
    retry_at: null,
    created_at: isoAt(now),
    started_at: isoAt(now),
    completed_at: null,
    settled_at: null,
    duration_ms: null,
    timeout_ms: timeout,
    deadline_at: timeout !== null ? isoAt(now + timeout) : null,
    progress: { percent: null, message: null },
    lease,
    owner: { ...owner },
    pipeline: null,
    parameters: null,
    result: null,
    handler_result: null,
    error: null,
    error_info: null,
    handlers_started_at: null,
    handler_errors: [],
    output: [],
    expires_at: null,
    ...fields,
  };
}
