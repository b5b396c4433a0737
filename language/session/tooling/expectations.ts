// What a grammar accepts at a position, read from Ohm's failures: the text before the position is matched with
// a character no rule accepts appended, so the match fails exactly there and Ohm's rightmost failures are
// everything that could come next (keywords, described rules such as "an identifier", punctuation). Each
// failure is tagged with the rule whose body holds the expression that failed, so that callers can tell an
// identifier a CALL expects from one a DECLARE expects.
//
// Completion asks this on every Tab, so matching is incremental: a few Ohm Matchers are kept, and the one whose
// last input shares the longest prefix with the new one is edited in place (Ohm keeps its memo table for the
// unchanged part), so completing again in the same cell re-parses only the edited tail.
import * as ohm from 'ohm-js';

/** A character no rule of our grammars accepts outside strings and comments (a noncharacter: not a letter, not a space). */
const SENTINEL = '\uffff';
const MATCHERS = 4;
/** Answers kept: while a word is typed the text before it does not change, nor do the probes of keywords. */
const REMEMBERED = 64;

export interface Expectation {
  /** A keyword (`FROM`, upper-case), a description (`an identifier`) or a terminal's text (`(`). */
  text: string;
  kind: 'keyword' | 'description' | 'terminal';
  /** The rule whose body holds what failed: the rule that expects this here. */
  rule: string;
}

/** Ohm's failure objects (MatchResult#getRightmostFailures is not in its type declarations). */
interface OhmFailure {
  getText(): string;
  getType(): 'description' | 'string' | 'code';
  getPExpr(): unknown;
}

const CASE_INSENSITIVE = /^"([A-Za-z_][A-Za-z_0-9]*)" \(case-insensitive\)$/;
/** elastic-script's generated `ci_X ("X")` rules describe themselves as the keyword in quotes. */
const QUOTED_WORD = /^"([A-Za-z_][A-Za-z_0-9]*)"$/;

export class ExpectationReader {
  /** Every pexpr of the grammar -> the rule whose body holds it. */
  private readonly owner = new Map<unknown, string>();
  /** Keyword (upper-case) -> the rules that spell it (typeName, unitWord, ...). */
  private readonly keywordRules = new Map<string, Set<string>>();
  /** Keywords that some rule follows with another keyword (NULLS FIRST, LOOKUP JOIN, END IF). */
  private readonly heads = new Set<string>();
  private readonly onlyKeywordMemo = new Map<string, boolean>();
  private readonly matchers: ohm.Matcher[] = [];
  private readonly answers = new Map<string, Expectation[] | null>();

  constructor(readonly grammar: ohm.Grammar) {
    for (const [name, info] of Object.entries(grammar.rules)) this.walk(info.body, this.baseRule(name));
  }

  /** An alternative's rule (`PrimaryExp_lambda1`, written `-- lambda1` in the grammar) counts as its rule's. */
  private baseRule(name: string): string {
    const m = /^(.+)_[a-z][A-Za-z0-9]*$/.exec(name);
    return m && m[1] in this.grammar.rules ? m[1] : name;
  }

  /** The rules whose body spells this keyword (empty when none). */
  rulesOfKeyword(word: string): ReadonlySet<string> {
    return this.keywordRules.get(word.toUpperCase()) ?? new Set();
  }

  /** Whether some rule of the grammar follows this keyword with another one (only these start phrases). */
  mayStartPhrase(word: string): boolean {
    return this.heads.has(word.toUpperCase());
  }

  /**
   * What may follow `prefix` (matched from `startRule`), or null when the text already fails before its end.
   * Failures Ohm calls "fluffy" (what could have continued a part that already matched) are kept: after
   * `WHERE level ` they are the operators and AND / OR.
   */
  at(prefix: string, startRule?: string): Expectation[] | null {
    const key = `${startRule ?? ''}${SENTINEL}${prefix}`;
    const known = this.answers.get(key);
    if (known !== undefined) {
      // most recently used last
      this.answers.delete(key);
      this.answers.set(key, known);
      return known;
    }
    const answer = this.read(prefix, startRule);
    this.answers.set(key, answer);
    if (this.answers.size > REMEMBERED) this.answers.delete(this.answers.keys().next().value!);
    return answer;
  }

  private read(prefix: string, startRule: string | undefined): Expectation[] | null {
    const input = prefix + SENTINEL;
    const result = this.matcherFor(input).match(startRule);
    if (result.failed() === false || result.getRightmostFailurePosition() !== prefix.length) return null;
    const failures = (result as unknown as { getRightmostFailures(): OhmFailure[] }).getRightmostFailures();
    const out: Expectation[] = [];
    const seen = new Set<string>();
    for (const f of failures) {
      const e = this.describe(f);
      const key = `${e.kind}:${e.text}:${e.rule}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(e);
    }
    return out;
  }

  private describe(f: OhmFailure): Expectation {
    const text = f.getText();
    const rule = this.owner.get(f.getPExpr()) ?? '';
    const word = CASE_INSENSITIVE.exec(text) ?? (f.getType() === 'description' ? QUOTED_WORD.exec(text) : null);
    if (word) return { text: word[1].toUpperCase(), kind: 'keyword', rule };
    if (f.getType() === 'description') return { text, kind: 'description', rule };
    return { text, kind: 'terminal', rule };
  }

  /** The kept matcher whose input shares the longest prefix with `input`, edited to hold `input`. */
  private matcherFor(input: string): ohm.Matcher {
    let best: ohm.Matcher | undefined;
    let bestShared = -1;
    for (const m of this.matchers) {
      const shared = sharedPrefix(m.getInput(), input);
      if (shared > bestShared) {
        best = m;
        bestShared = shared;
      }
    }
    if (!best || (bestShared < input.length / 2 && this.matchers.length < MATCHERS)) {
      best = this.grammar.matcher();
      bestShared = 0;
      this.matchers.push(best);
    }
    const old = best.getInput();
    if (old !== input) best.replaceInputRange(bestShared, old.length, input.slice(bestShared));
    // most recently used last, so a new matcher replaces the least recently used one
    this.matchers.splice(this.matchers.indexOf(best), 1);
    this.matchers.push(best);
    return best;
  }

  private walk(node: unknown, rule: string): void {
    if (!node || typeof node !== 'object' || this.owner.has(node)) return;
    this.owner.set(node, rule);
    const p = node as PExprShape;
    const word = keywordOf(p);
    // the generated `kw_X = ci_X ~idChar` rules are not where a keyword is used
    if (word && !/^(?:ci|kw)_/.test(rule)) {
      let rules = this.keywordRules.get(word);
      if (!rules) this.keywordRules.set(word, (rules = new Set()));
      rules.add(rule);
    }
    const factors = (p.factors ?? []) as PExprShape[];
    factors.forEach((f, i) => {
      // a keyword, a choice of keywords (DROP | DELETE), or an optional one (IS [NOT] NULL), followed by a keyword
      const part = f instanceof ohm.pexprs.Opt ? (f.expr as PExprShape) : f;
      const words = part.terms ? part.terms.map((t) => keywordOf(t as PExprShape)) : [keywordOf(part)];
      if (words.every(Boolean) && this.keywordFollows(factors.slice(i + 1))) for (const w of words) this.heads.add(w!);
    });
    for (const child of [...(p.terms ?? []), ...factors, ...(p.args ?? []), p.expr]) this.walk(child, rule);
  }

  /** Whether a sequence must begin with a keyword (optional keywords skipped: the NOT of IS [NOT] NULL). */
  private keywordFollows(rest: PExprShape[], visiting: Set<string> = new Set()): boolean {
    for (const f of rest) {
      if (this.onlyKeyword(f, visiting)) return true;
      const optionalKeyword = (f instanceof ohm.pexprs.Opt || f instanceof ohm.pexprs.Star) && this.onlyKeyword(f.expr as PExprShape, visiting);
      if (!optionalKeyword) return false;
    }
    return false;
  }

  /** Whether every way `p` can begin is with a keyword (looking into the rules it applies). */
  private onlyKeyword(p: PExprShape | undefined, visiting: Set<string>): boolean {
    if (!p || typeof p !== 'object') return false;
    if (keywordOf(p)) return true;
    if (p.terms) return p.terms.length > 0 && p.terms.every((t) => this.onlyKeyword(t as PExprShape, visiting));
    if (p.factors) return this.keywordFollows(p.factors as PExprShape[], visiting);
    // an optional or negated part may match nothing
    if (p instanceof ohm.pexprs.Opt || p instanceof ohm.pexprs.Star || p instanceof ohm.pexprs.Not) return false;
    if (p.expr) return this.onlyKeyword(p.expr as PExprShape, visiting);
    if (!p.ruleName || !(p.ruleName in this.grammar.rules) || visiting.has(p.ruleName)) return false;
    const known = this.onlyKeywordMemo.get(p.ruleName);
    if (known !== undefined) return known;
    visiting.add(p.ruleName);
    const answer = this.onlyKeyword(this.grammar.rules[p.ruleName].body as unknown as PExprShape, visiting);
    visiting.delete(p.ruleName);
    this.onlyKeywordMemo.set(p.ruleName, answer);
    return answer;
  }
}

interface PExprShape {
  ruleName?: string;
  args?: unknown[];
  terms?: unknown[];
  factors?: unknown[];
  expr?: unknown;
  obj?: unknown;
}

/**
 * The keyword a pexpr spells, upper-case: `caseInsensitive<"from">` or `kw<caseInsensitive<"from">>` (ES|QL),
 * an application of `ci_FROM` or `kw_FROM` (elastic-script).
 */
function keywordOf(p: PExprShape | undefined): string | undefined {
  if (!p?.ruleName) return undefined;
  if (p.ruleName === 'caseInsensitive') {
    const literal = (p.args?.[0] as PExprShape | undefined)?.obj;
    return typeof literal === 'string' ? literal.toUpperCase() : undefined;
  }
  if (p.ruleName === 'kw' && p.args?.length === 1) return keywordOf(p.args[0] as PExprShape);
  return /^(?:ci|kw)_([A-Z_][A-Z_0-9]*)$/.exec(p.ruleName)?.[1];
}

function sharedPrefix(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return i;
}
