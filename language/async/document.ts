// The execution document stored in `.escript_executions`, its states, and the index mapping.
// Field names follow async.md: the documented ones, the reference's mirrored `name`/`procedure`,
// and the fine-grained ones this engine needs to decide every transition from the document alone.

import type { IndexDefinition } from '../store/store';

export const EXECUTIONS_INDEX = '.escript_executions';
/** One small document per track name pointing at its current run (authoritative lookup by name). */
export const TRACKS_INDEX = '.escript_execution_tracks';

export type ExecutionState =
  | 'PENDING'
  | 'RETRY_SCHEDULED'
  | 'RUNNING'
  | 'CANCEL_REQUESTED'
  | 'COMPLETED'
  | 'FAILED'
  | 'TIMED_OUT'
  | 'LOST'
  | 'CANCELLED';

export type ExecutionStatus = 'PENDING' | 'RUNNING' | 'COMPLETED' | 'FAILED' | 'CANCELLED';
export type ExecutionKind = 'PROCEDURE' | 'PARALLEL' | 'BRANCH';
export type ConflictPolicy = 'REJECT' | 'ATTACH' | 'REPLACE' | 'ALLOW';

/** How a PARALLEL decides its own outcome: every branch must complete, or the first completion wins. */
export type JoinPolicy = 'ALL' | 'ANY';

/** Why a run reached its state, when that is not obvious from the state itself. */
export type StateReason =
  | 'CANCELLED_BY_USER'
  | 'KERNEL_SHUTDOWN'
  | 'WORKER_LOST'
  | 'TIMEOUT'
  | 'COMPLETED_EXTERNALLY'
  | 'FAILED_EXTERNALLY'
  | 'HANDLER_FAILED'
  | 'SIBLING_CANCELLED'
  | 'REPLACED'
  | 'HANDLERS_INTERRUPTED'
  | 'PIPELINE_UNAVAILABLE';

export interface ErrorInfo {
  /** The error kind, e.g. `timeout_error`, `WORKER_LOST`, `runtime`, `cancelled`. */
  type: string;
  message: string;
  line: number | null;
  procedure: string | null;
}

export interface Lease {
  owner_id: string;
  /** Increases on every change of owner: a fencing token. */
  epoch: number;
  expires_at: string;
}

export interface Owner {
  kernel_id: string;
  host: string;
  pid: number;
  notebook: string | null;
}

export interface ExecutionDocument {
  execution_id: string;
  track_name: string | null;
  procedure_name: string;
  /** Mirrors of `track_name` and `procedure_name` under the reference implementation's names. */
  name: string | null;
  procedure: string;
  status: ExecutionStatus;
  state: ExecutionState;
  state_reason: StateReason | null;
  kind: ExecutionKind;
  parent_execution_id: string | null;
  branch_index: number | null;
  branch_count: number | null;
  join_policy: JoinPolicy | null;
  attempt: number;
  max_attempts: number;
  backoff_ms: number;
  retry_of: string | null;
  retry_at: string | null;
  created_at: string;
  started_at: string | null;
  completed_at: string | null;
  settled_at: string | null;
  duration_ms: number | null;
  timeout_ms: number | null;
  deadline_at: string | null;
  progress: { percent: number | null; message: string | null };
  lease: Lease | null;
  owner: Owner;
  pipeline: unknown;
  parameters: unknown;
  /** The procedure's own return value (a PARALLEL's: its branch results, or the first one for ON_ANY_DONE). */
  result: unknown;
  /**
   * What the ON_DONE (ON_ALL_DONE) handlers returned: the last non-null return, i.e. the `@result` the chain
   * ended with; null when no handler returned a value. Kept beside `result`, which stays the procedure's.
   */
  handler_result: unknown;
  error: string | null;
  error_info: ErrorInfo | null;
  /** Set by whoever claimed the right to run the handlers: they run at most once. */
  handlers_started_at: string | null;
  handler_errors: ErrorInfo[];
  /** The most recent PRINT lines of the body and its handlers. */
  output: string[];
  expires_at: string | null;
}

const STATUS_OF_STATE: Record<ExecutionState, ExecutionStatus> = {
  PENDING: 'PENDING',
  RETRY_SCHEDULED: 'PENDING',
  RUNNING: 'RUNNING',
  CANCEL_REQUESTED: 'RUNNING',
  COMPLETED: 'COMPLETED',
  FAILED: 'FAILED',
  TIMED_OUT: 'FAILED',
  LOST: 'FAILED',
  CANCELLED: 'CANCELLED',
};

export function statusOf(state: ExecutionState): ExecutionStatus {
  return STATUS_OF_STATE[state];
}

/** A terminal state is the decided outcome; only settlement (handlers, FINALLY) may follow it. */
export function isTerminal(state: ExecutionState): boolean {
  return STATUS_OF_STATE[state] !== 'PENDING' && STATUS_OF_STATE[state] !== 'RUNNING';
}

/** Still running or waiting for its handlers: what ON CONFLICT treats as "the track is busy". */
export function isActive(doc: ExecutionDocument): boolean {
  return doc.settled_at === null;
}

export const MAX_OUTPUT_LINES = 20;

const keyword = { type: 'keyword' };
const date = { type: 'date' };
const storedOnly = { type: 'object', enabled: false };

/** Hidden index, explicit mapping; `result`, `handler_result`, `parameters`, `pipeline` and `output` are kept in _source only. */
export const EXECUTIONS_INDEX_DEFINITION: IndexDefinition = {
  settings: { 'index.hidden': true },
  mappings: {
    dynamic: false,
    properties: {
      execution_id: keyword,
      track_name: keyword,
      procedure_name: keyword,
      name: keyword,
      procedure: keyword,
      status: keyword,
      state: keyword,
      state_reason: keyword,
      kind: keyword,
      parent_execution_id: keyword,
      branch_index: { type: 'integer' },
      branch_count: { type: 'integer' },
      join_policy: keyword,
      attempt: { type: 'integer' },
      max_attempts: { type: 'integer' },
      backoff_ms: { type: 'long' },
      retry_of: keyword,
      retry_at: date,
      created_at: date,
      started_at: date,
      completed_at: date,
      settled_at: date,
      duration_ms: { type: 'long' },
      timeout_ms: { type: 'long' },
      deadline_at: date,
      progress: { properties: { percent: { type: 'double' }, message: { type: 'text' } } },
      lease: { properties: { owner_id: keyword, epoch: { type: 'long' }, expires_at: date } },
      owner: { properties: { kernel_id: keyword, host: keyword, pid: { type: 'integer' }, notebook: keyword } },
      pipeline: storedOnly,
      parameters: storedOnly,
      result: storedOnly,
      handler_result: storedOnly,
      output: storedOnly,
      error: { type: 'text' },
      error_info: {
        properties: { type: keyword, message: { type: 'text' }, line: { type: 'integer' }, procedure: keyword },
      },
      handlers_started_at: date,
      handler_errors: storedOnly,
      expires_at: date,
    },
  },
};

export interface TrackDocument {
  track_name: string;
  execution_id: string;
  updated_at: string;
}

export const TRACKS_INDEX_DEFINITION: IndexDefinition = {
  settings: { 'index.hidden': true },
  mappings: {
    dynamic: false,
    properties: { track_name: keyword, execution_id: keyword, updated_at: date },
  },
};
