// The ES|QL the engine runs over `.escript_executions`. Lists are near-real-time on Elasticsearch;
// the engine re-reads every listed document by id (authoritative) before showing it.

import { EXECUTIONS_INDEX } from './document';

const FROM = `FROM ${EXECUTIONS_INDEX}`;
const SWEEP_BATCH = 1000;

/** Top-level runs not settled whose lease ran out before `?` (an ISO date). */
export function staleLeaseQuery(): string {
  return `${FROM} | WHERE settled_at IS NULL AND kind != "BRANCH" AND lease.expires_at <= TO_DATETIME(?) | SORT execution_id | KEEP execution_id | LIMIT ${SWEEP_BATCH}`;
}

/** The earliest lease expiry among top-level runs not settled whose lease is not held by `?` (no row: none). */
export function nextForeignExpiryQuery(): string {
  return `${FROM} | WHERE settled_at IS NULL AND kind != "BRANCH" AND lease.owner_id != ? | SORT lease.expires_at | KEEP lease.expires_at | LIMIT 1`;
}

/** Runs (branches included) whose retention ended before `?`. */
export function expiredQuery(): string {
  return `${FROM} | WHERE expires_at <= TO_DATETIME(?) | SORT execution_id | KEEP execution_id | LIMIT ${SWEEP_BATCH}`;
}

/** Every run of the track `?`, oldest first. */
export function historyQuery(): string {
  return `${FROM} | WHERE track_name == ? | SORT execution_id | KEEP execution_id | LIMIT 10000`;
}

/** EXECUTIONS [WHERE cond]: top-level runs, newest first. `where` is ES|QL written by the user. */
export function listQuery(where: string | undefined, limit: number): string {
  const condition = where && where.trim() !== '' ? ` AND (${where})` : '';
  return `${FROM} | WHERE kind != "BRANCH"${condition} | SORT execution_id DESC | KEEP execution_id | LIMIT ${Math.max(1, Math.floor(limit))}`;
}
