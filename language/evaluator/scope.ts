// Compile-time scopes: which name is which slot. Each routine (and each cell) has one frame; blocks inside it
// get their own name tables but share the frame. Names not found anywhere are top-level (global) variables.
import type { TypeRef } from '../ast';

export interface LocalVar {
  readonly slot: number;
  readonly type?: TypeRef;
  readonly isConst: boolean;
}

export class FrameScope {
  /** Slots 0..3 are the frame header (see runtime.ts). */
  size = 4;
  /** Some lambda or local function closes over this frame, so it may outlive the call. */
  captured = false;

  /** True for a cell's frame: declarations in its outermost block become session (global) variables. */
  constructor(readonly enclosing: BlockScope | null, readonly isCell: boolean) {
    // a frame nested in another one keeps it alive
    for (let b = enclosing; b; b = b.frame.enclosing) b.frame.captured = true;
  }
}

export class BlockScope {
  private readonly vars = new Map<string, LocalVar>();

  constructor(readonly parent: BlockScope | null, readonly frame: FrameScope) {}

  /** The outermost block of a cell: its declarations are globals. */
  get isCellRoot(): boolean {
    return this.frame.isCell && (this.parent === null || this.parent.frame !== this.frame);
  }

  child(): BlockScope {
    return new BlockScope(this, this.frame);
  }

  declare(name: string, type: TypeRef | undefined, isConst: boolean): LocalVar {
    const v = { slot: this.frame.size++, type, isConst };
    this.vars.set(name, v);
    return v;
  }

  /** Finds a local: `depth` counts frames outward (0 = this routine's own frame). */
  resolve(name: string): { depth: number; v: LocalVar } | undefined {
    let depth = 0;
    let b: BlockScope | null = this;
    while (b) {
      const v = b.vars.get(name);
      if (v) return { depth, v };
      if (b.parent) {
        b = b.parent;
      } else {
        // leaving this frame: continue in the lexically enclosing routine's scope, one frame further out
        b = b.frame.enclosing;
        depth++;
      }
    }
    return undefined;
  }

  /** Every local visible here, innermost first, with how many frames out it lives. */
  visible(): { name: string; depth: number; v: LocalVar }[] {
    const out: { name: string; depth: number; v: LocalVar }[] = [];
    const seen = new Set<string>();
    let depth = 0;
    let b: BlockScope | null = this;
    while (b) {
      for (const [name, v] of b.vars) if (!seen.has(name)) { seen.add(name); out.push({ name, depth, v }); }
      if (b.parent) b = b.parent;
      else { b = b.frame.enclosing; depth++; }
    }
    return out;
  }

  /** Every local name visible here (for completion). */
  names(): string[] {
    const out: string[] = [];
    let b: BlockScope | null = this;
    while (b) {
      out.push(...b.vars.keys());
      b = b.parent ?? b.frame.enclosing;
    }
    return out;
  }
}
