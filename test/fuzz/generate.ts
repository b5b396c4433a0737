// Random text from an Ohm grammar's own rules (elastic-script's or ES|QL's), and random edits of real programs.
// The generator walks a rule's parsing expression: an alternation picks one branch, a repetition repeats 0-2
// times, a syntactic rule's parts are joined with a space, lookaheads emit nothing (so many outputs are not valid
// programs: the fuzzer wants both). Past a depth it takes the last alternative (the grammars list the simplest
// form last: `OrExp = OrExp "OR" AndExp | AndExp`) and no repetition, so it always ends.
import type * as ohm from 'ohm-js';
import { seededRandom } from '../../language/seeded-random';

/** A small seeded generator (mulberry32): a failing case is reproduced from its seed. */
export class Random {
  readonly next: () => number;

  constructor(seed: number) {
    this.next = seededRandom(seed);
  }

  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)];
  }
}

// Ohm's parsing expressions, as far as the generator reads them (ohm-js does not export their types).
interface PExpr {
  constructor: { name: string };
  terms?: PExpr[];
  factors?: PExpr[];
  expr?: PExpr;
  obj?: string | PExpr;
  from?: string | number;
  to?: string | number;
  ruleName?: string;
  args?: PExpr[];
  index?: number;
}

interface RuleInfo {
  body: PExpr;
  formals: string[];
}

const MAX_DEPTH = 14;
const MAX_LENGTH = 4000;

export class GrammarGenerator {
  private readonly rules: Record<string, RuleInfo>;
  private out = '';

  constructor(grammar: ohm.Grammar, private readonly random: Random) {
    this.rules = (grammar as unknown as { rules: Record<string, RuleInfo> }).rules;
  }

  /** Text for `rule` (the grammar's start rule when not given). */
  generate(rule: string): string {
    this.out = '';
    this.apply(rule, [], 0);
    return this.out;
  }

  private emit(s: string): void {
    if (this.out.length < MAX_LENGTH) this.out += s;
  }

  private apply(name: string, args: PExpr[], depth: number): void {
    switch (name) {
      case 'any': this.emit(this.random.pick(['x', '1', ' ', ';', '(', "'", '"', '|', '\n', 'é'])); return;
      case 'letter': case 'lower': case 'upper': this.emit(this.random.pick(['a', 'b', 'x', 'Z', 'é'])); return;
      case 'digit': this.emit(String(this.random.int(10))); return;
      case 'alnum': this.emit(this.random.pick(['a', 'q', '7', '_'])); return;
      case 'hexDigit': this.emit(this.random.pick(['0', 'a', 'F'])); return;
      case 'end': case 'spaces': return;
      case 'space': this.emit(' '); return;
      case 'caseInsensitive': this.expr(args[0], [], depth); return;
      case 'ListOf': case 'NonemptyListOf': case 'listOf': case 'nonemptyListOf': {
        const n = (name.toLowerCase().startsWith('nonempty') ? 1 : 0) + (depth > MAX_DEPTH ? 0 : this.random.int(3));
        for (let i = 0; i < n; i++) {
          if (i) { this.emit(' '); this.expr(args[1], [], depth + 1); this.emit(' '); }
          this.expr(args[0], [], depth + 1);
        }
        return;
      }
      default:
    }
    const rule = this.rules[name];
    if (!rule) return;
    this.expr(rule.body, args, depth + 1, name[0] === name[0].toUpperCase());
  }

  private expr(e: PExpr, args: PExpr[], depth: number, syntactic = false): void {
    if (this.out.length >= MAX_LENGTH) return;
    switch (e.constructor.name) {
      case 'Terminal':
        this.emit(String(e.obj));
        return;
      case 'Range': {
        const from = typeof e.from === 'number' ? e.from : String(e.from).codePointAt(0)!;
        const to = typeof e.to === 'number' ? e.to : String(e.to).codePointAt(0)!;
        this.emit(String.fromCodePoint(from + this.random.int(Math.min(to - from + 1, 0x80))));
        return;
      }
      case 'Alt': case 'Splice': case 'Extend': {
        const terms = e.terms!;
        this.expr(depth > MAX_DEPTH ? terms[terms.length - 1] : this.random.pick(terms), args, depth, syntactic);
        return;
      }
      case 'Seq':
        e.factors!.forEach((f, i) => {
          if (syntactic && i) this.emit(' ');
          this.expr(f, args, depth, syntactic);
        });
        return;
      case 'Star': case 'Opt': case 'Plus': {
        const least = e.constructor.name === 'Plus' ? 1 : 0;
        const most = e.constructor.name === 'Opt' ? 1 : 2;
        const n = depth > MAX_DEPTH ? least : least + this.random.int(most - least + 1);
        for (let i = 0; i < n; i++) {
          if (syntactic && i) this.emit(' ');
          this.expr(e.expr!, args, depth, syntactic);
        }
        return;
      }
      case 'Not': case 'Lookahead':
        return;
      case 'Lex':
        this.expr(e.expr!, args, depth, false);
        return;
      case 'Param':
        this.expr(args[e.index!], [], depth, syntactic);
        return;
      case 'Apply':
        this.apply(e.ruleName!, (e.args ?? []).map((a) => (a.constructor.name === 'Param' ? args[a.index!] : a)), depth);
        return;
      case 'CaseInsensitiveTerminal':
        this.expr(e.obj as PExpr, args, depth, syntactic);
        return;
      case 'UnicodeChar':
        this.emit('é');
        return;
      default:
        // anything else the grammars do not use today: nothing
    }
  }
}

/** Pieces that break programs in interesting places: block words, quotes, comment starts, brackets. */
const SHARDS = [';', ';;', '(', ')', '[', ']', '{', '}', "'", '"', '"""', '--', '/*', '*/', '${', 'END', 'END IF', 'BEGIN',
  'IF', 'THEN', 'LOOP', 'END LOOP', 'CASE', 'WHEN', 'SWITCH', 'TRY', 'CATCH', 'FROM', '|', '||', '??', '=>', ':=', '.', '..',
  ',', '\n', '\t', '\\', '@', '%', 'é', '😀', '\u0000', 'PRINT', 'NULL', '1e309', '-', '+', 'ROW x = 1', 'INTO', 'PROCESS WITH p'];

/** A random edit of `text`: delete, duplicate, move or truncate a range, or insert a shard. */
export function mutate(text: string, random: Random): string {
  const at = random.int(text.length + 1);
  const len = 1 + random.int(Math.max(1, Math.min(40, text.length - at)));
  switch (random.int(6)) {
    case 0: return text.slice(0, at) + text.slice(at + len);
    case 1: return text.slice(0, at) + text.slice(at, at + len) + text.slice(at);
    case 2: {
      const to = random.int(text.length + 1);
      const piece = text.slice(at, at + len);
      const rest = text.slice(0, at) + text.slice(at + len);
      return rest.slice(0, to) + piece + rest.slice(to);
    }
    case 3: return text.slice(0, at);
    default: {
      const shard = random.pick(SHARDS);
      return text.slice(0, at) + (random.int(2) ? ` ${shard} ` : shard) + text.slice(at);
    }
  }
}
