// LIKE and RLIKE patterns as JavaScript regular expressions.

/** ES|QL LIKE: `*` any run, `?` one character, `\` escapes; matches the whole string. */
export function wildcardRegex(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\' && i + 1 < pattern.length) re += escapeRegExp(pattern[++i]);
    else if (c === '*') re += '[\\s\\S]*';
    else if (c === '?') re += '[\\s\\S]';
    else re += escapeRegExp(c);
  }
  return new RegExp(`^${re}$`, 'u');
}

/** Lucene regular expressions (RLIKE) match the whole string; `.` matches any character. */
export function luceneRegex(pattern: string): RegExp {
  return new RegExp(`^(?:${pattern})$`, 'su');
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
