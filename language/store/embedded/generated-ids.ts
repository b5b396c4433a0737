// The `_id` of a document indexed without one: time-ordered, as Elasticsearch's auto-generated ids are, so that
// each new id lands at the end of the table's `_id` index (an append, not a descent to a random leaf).
import { randomBytes } from 'crypto';

/** Distinguishes ids generated in the same millisecond by other processes (or threads) sharing the file. */
const TAG = (randomBytes(4).readUInt32BE(0) % 36 ** 6).toString(36).padStart(6, '0');

let lastMs = -1;
let prefix = '';
let counter = 0;

/** URL-safe ids of 20 characters, the shape of Elasticsearch's auto-generated ones (UUIDs would be 36): the
 * milliseconds (9 base-36 digits), a counter within the millisecond (5), this generator's tag (6). Each id sorts
 * after the ones this generator made before it. */
export function generateId(): string {
  const ms = Date.now();
  if (ms > lastMs) {
    lastMs = ms;
    prefix = ms.toString(36).padStart(9, '0');
    counter = 0;
  }
  // a clock set back keeps the last millisecond: the counter goes on, so ids still sort in the order made
  return prefix + (counter++).toString(36).padStart(5, '0') + TAG;
}
