// Per-routine facts used on the hot call path: how parameter and result types are checked, and the pool of
// frames that recursion reuses instead of allocating one per call.
import type * as A from '../ast';
import type { Value } from '../values';
import type { CompiledRoutine } from './host';
import { CTX, Frame, RET, Runtime, newFrame } from './runtime';

/** How a declared type is checked on the hot call path: not at all, inline for NUMBER, or by its checker. */
export const KIND_ANY = 0;
export const KIND_NUMBER = 1;
export const KIND_CHECKER = 2;

export function kindOf(t: A.TypeRef | undefined): number {
  if (t === undefined || (t.kind === 'simple' && t.name === 'ANY')) return KIND_ANY;
  return t.kind === 'simple' && t.name === 'NUMBER' ? KIND_NUMBER : KIND_CHECKER;
}

export const POOL_LIMIT = 64;

/** A frame for a call of `r`: a pooled one when available (see CompiledRoutine.pool). */
export function acquire(r: CompiledRoutine, ctx: Runtime): Frame {
  // an explicit top index: push/pop on a shrinking and growing array would reallocate its storage
  if (r.poolTop === 0) return newFrame(r.scope.size, null, ctx);
  const fr = r.pool[--r.poolTop];
  fr[RET] = null;
  fr[CTX] = ctx as unknown as Value;
  return fr;
}

export function release(r: CompiledRoutine, fr: Frame): void {
  if (r.poolTop < POOL_LIMIT) r.pool[r.poolTop++] = fr;
}
