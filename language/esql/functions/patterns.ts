// LIKE and RLIKE patterns as Elasticsearch reads them, as JavaScript regular expressions that match the whole
// value. LIKE: `*` any run of characters, `?` one character, `\` escapes the next character. RLIKE: Lucene's
// RegExp syntax with all its operators (ES|QL enables RegExp.ALL): `.` any character (newlines too), `@` any
// string, `#` the empty language, `"..."` a literal string, `<1-100>` a number range, `\d \w \s` classes,
// `X&Y` intersection and `~X` complement (both at the top of the pattern), classes `[a-z]` / `[^...]`,
// repetition `? * + {n,m}`; `^` and `$` are ordinary characters.
import { EvalFailure } from '../errors';

const escapeJs = (c: string): string => c.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
/** Escapes a character outside a class (`-` must stay bare there under the `u` flag). */
const escapeOutsideClass = (c: string): string => c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** `LIKE` pattern to an anchored regular expression. */
export function likeRegex(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\' && i + 1 < pattern.length) re += escapeOutsideClass(pattern[++i]);
    else if (c === '*') re += '[\\s\\S]*';
    else if (c === '?') re += '[\\s\\S]';
    else re += escapeOutsideClass(c);
  }
  return new RegExp(`^${re}$`, 'u');
}

function invalid(pattern: string, why: string): EvalFailure {
  return new EvalFailure('java.lang.IllegalArgumentException', `invalid regular expression [${pattern}]: ${why}`);
}

/** A number range `<lo-hi>` as an alternation (Lucene allows leading zeros when the bounds have them). */
function numberRange(lo: number, hi: number, pattern: string): string {
  if (hi < lo) [lo, hi] = [hi, lo];
  if (hi - lo > 10000) throw invalid(pattern, `number range <${lo}-${hi}> is too wide here`);
  const alts: string[] = [];
  for (let n = lo; n <= hi; n++) alts.push(String(n));
  return `0*(?:${alts.join('|')})`;
}

/** Translates one union-level Lucene expression (no top-level `&`/`~`), reading from `pattern` at `i`. */
class LuceneTranslator {
  private i = 0;
  constructor(private readonly pattern: string) {}

  translate(): string {
    const out = this.union();
    if (this.i < this.pattern.length) throw invalid(this.pattern, `unexpected '${this.pattern[this.i]}' at position ${this.i}`);
    return out;
  }

  private peek(): string | undefined { return this.pattern[this.i]; }

  private union(): string {
    const parts = [this.intersection()];
    while (this.peek() === '|') { this.i++; parts.push(this.intersection()); }
    return parts.length === 1 ? parts[0] : `(?:${parts.join('|')})`;
  }

  private intersection(): string {
    const first = this.concat();
    if (this.peek() !== '&') return first;
    const parts = [first];
    while (this.peek() === '&') { this.i++; parts.push(this.concat()); }
    // Every part must match the same whole remainder: lookaheads anchored to the end of the value.
    return parts.slice(0, -1).map((p) => `(?=(?:${p})$)`).join('') + parts[parts.length - 1];
  }

  private concat(): string {
    let out = '';
    while (this.i < this.pattern.length && !'|)&'.includes(this.peek()!)) out += this.repeat();
    return out;
  }

  private repeat(): string {
    if (this.peek() === '~') {
      this.i++;
      const inner = this.repeat();
      // The complement of X as the rest of the value: any string that X does not match entirely.
      if (this.i < this.pattern.length && !'|)&'.includes(this.peek()!)) throw invalid(this.pattern, 'a complement (~) must end its branch here');
      return `(?!(?:${inner})$)[\\s\\S]*`;
    }
    let atom = this.atom();
    for (;;) {
      const c = this.peek();
      if (c === '?' || c === '*' || c === '+') { this.i++; atom = `(?:${atom})${c}`; continue; }
      if (c === '{') {
        const m = /^\{(\d+)(,(\d*))?\}/.exec(this.pattern.slice(this.i));
        if (!m) throw invalid(this.pattern, `bad repetition at position ${this.i}`);
        this.i += m[0].length;
        atom = `(?:${atom})${m[0]}`;
        continue;
      }
      return atom;
    }
  }

  private atom(): string {
    const p = this.pattern;
    const c = p[this.i++];
    switch (c) {
      case '.': return '[\\s\\S]';
      case '@': return '[\\s\\S]*';
      case '#': return '(?!)';
      case '(': {
        if (this.peek() === ')') { this.i++; return '(?:)'; }
        const inner = this.union();
        if (this.peek() !== ')') throw invalid(p, 'missing )');
        this.i++;
        return `(?:${inner})`;
      }
      case '"': {
        const end = p.indexOf('"', this.i);
        if (end < 0) throw invalid(p, 'unterminated string');
        const lit = p.slice(this.i, end);
        this.i = end + 1;
        return [...lit].map(escapeJs).join('');
      }
      case '<': {
        const m = /^(\d+)-(\d+)>/.exec(p.slice(this.i));
        if (!m) throw invalid(p, `bad number range at position ${this.i - 1}`);
        this.i += m[0].length;
        return `(?:${numberRange(Number(m[1]), Number(m[2]), p)})`;
      }
      case '[': return this.charClass();
      case '\\': {
        const n = p[this.i++];
        if (n === undefined) throw invalid(p, 'trailing backslash');
        return /[dDsSwW]/.test(n) ? `\\${n}` : escapeJs(n);
      }
      default: return escapeJs(c);
    }
  }

  private charClass(): string {
    const p = this.pattern;
    let out = '[';
    if (p[this.i] === '^') { out += '^'; this.i++; }
    let first = true;
    while (this.i < p.length && (p[this.i] !== ']' || first)) {
      first = false;
      const c = p[this.i++];
      if (c === '\\' && this.i < p.length) {
        const n = p[this.i++];
        out += /[dDsSwW]/.test(n) ? `\\${n}` : escapeJs(n);
      } else if (c === '-' && out.length > 1 && p[this.i] !== ']') out += '-';
      else out += escapeJs(c);
    }
    if (p[this.i] !== ']') throw invalid(p, 'missing ]');
    this.i++;
    return `${out}]`;
  }
}

/** `RLIKE` pattern (Lucene regular expression) to an anchored regular expression. */
export function rlikeRegex(pattern: string, ignoreCase = false): RegExp {
  const source = new LuceneTranslator(pattern).translate();
  try {
    return new RegExp(`^(?:${source})$`, ignoreCase ? 'sui' : 'su');
  } catch (e) {
    throw invalid(pattern, (e as Error).message);
  }
}
