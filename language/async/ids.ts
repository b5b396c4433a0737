// Execution ids: `exec-` + a UUIDv7 (RFC 9562) from the `uuid` package. Version 7 leads with the creation
// time in milliseconds, so ids sort by creation as plain strings. The generator keeps its own counter (the
// 32-bit `seq` field) so that ids handed out within one millisecond, or while the clock goes back, still
// sort in the order they were made; the engine passes its clock's time, which tests control.

import { randomBytes } from 'crypto';
import { v7 as uuidv7, validate as isUuid, version as uuidVersion } from 'uuid';

export const EXECUTION_ID_PREFIX = 'exec-';
const UUID_LENGTH = 36;

export class ExecutionIdGenerator {
  private lastMs = -1;
  private seq = 0;

  next(nowMs: number): string {
    if (nowMs > this.lastMs) {
      this.lastMs = Math.floor(nowMs);
      // Start each millisecond at a random point in the lower half, leaving room to count up.
      this.seq = randomBytes(4).readUInt32BE(0) >>> 1;
    } else if (++this.seq > 0xffffffff) {
      this.lastMs++;
      this.seq = 0;
    }
    return EXECUTION_ID_PREFIX + uuidv7({ msecs: this.lastMs, seq: this.seq });
  }
}

// A PARALLEL branch's id is its parent's followed by `-` and the zero-padded branch index.
const BRANCH_SUFFIX = /^-[0-9]+$/;

function uuidPart(text: string): string | null {
  if (!text.startsWith(EXECUTION_ID_PREFIX)) return null;
  const uuid = text.slice(EXECUTION_ID_PREFIX.length, EXECUTION_ID_PREFIX.length + UUID_LENGTH);
  const rest = text.slice(EXECUTION_ID_PREFIX.length + UUID_LENGTH);
  if (rest !== '' && !BRANCH_SUFFIX.test(rest)) return null;
  return isUuid(uuid) && uuidVersion(uuid) === 7 ? uuid : null;
}

export function isExecutionId(text: string): boolean {
  return uuidPart(text) !== null;
}

/** The creation time encoded in an id (UUIDv7's leading 48 bits), or null when `id` is not an execution id. */
export function executionIdTime(id: string): number | null {
  const uuid = uuidPart(id);
  return uuid === null ? null : parseInt(uuid.slice(0, 8) + uuid.slice(9, 13), 16);
}
