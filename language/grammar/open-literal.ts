// Whether source text ends inside a string literal or a block comment: such a cell needs more lines (a console
// keeps reading), however the parser words its failure.
export function endsInsideLiteral(code: string): boolean {
  let quote: string | null = null;
  for (let i = 0; i < code.length; i++) {
    const c = code[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = null;
    } else if (c === "'" || c === '"') {
      quote = c;
    } else if (c === '-' && code[i + 1] === '-') {
      const end = code.indexOf('\n', i);
      if (end < 0) return false;
      i = end;
    } else if (c === '/' && code[i + 1] === '*') {
      const end = code.indexOf('*/', i + 2);
      if (end < 0) return true;
      i = end + 1;
    }
  }
  return quote !== null;
}
