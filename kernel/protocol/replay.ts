// Replayed messages: a signed message seen before is dropped, as jupyter_client does with its digest history.
// Someone who captured a request on the wire cannot make the kernel run it again; a real client never sends
// the same signature twice (each message has a fresh msg_id and date).
import { DELIMITER } from './wire';

/** How many signatures are remembered (jupyter_client keeps 2**16); the oldest are forgotten past this. */
const REMEMBERED = 1 << 16;

export class ReplayGuard {
  private readonly seen = new Set<string>();

  /** True when `frames` carry a signature seen before; remembers it otherwise. Unsigned messages always pass. */
  isReplay(frames: Buffer[]): boolean {
    const at = frames.findIndex((f) => f.length === DELIMITER.length && f.toString('utf8') === DELIMITER);
    const signature = at >= 0 ? frames[at + 1]?.toString('utf8') : '';
    if (!signature) return false;
    if (this.seen.has(signature)) return true;
    this.seen.add(signature);
    if (this.seen.size > REMEMBERED) {
      // a Set iterates in insertion order: drop the oldest tenth
      let drop = REMEMBERED / 10;
      for (const s of this.seen) {
        if (drop-- <= 0) break;
        this.seen.delete(s);
      }
    }
    return false;
  }
}
