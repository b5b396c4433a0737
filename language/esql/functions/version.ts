// The `version` type's order, as Elasticsearch's version field sorts: a relaxed semantic version (any number of
// dot-separated numeric parts without leading zeros, an optional `-pre.release` part, an optional `+build`
// suffix) compares part by part numerically; a pre-release sorts before its release, pre-release identifiers
// compare numerically when all digits and in ASCII order otherwise (numeric ones first); the build suffix
// compares as text. Anything that is not such a version sorts after every valid one, in byte order.

const MAIN = /^(0|[1-9]\d*)(\.(0|[1-9]\d*))*$/;
const PRE_IDENTIFIER = /^(0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)$/;
const BUILD = /^[0-9a-zA-Z-]+(\.[0-9a-zA-Z-]+)*$/;

// Byte markers of the sort key: numbers and text never compare against each other directly.
const NUMBER = 0x01;
const HAS_PRERELEASE = 0x02;
const NO_PRERELEASE = 0x03;

function utf8(s: string): number[] {
  return [...Buffer.from(s, 'utf8')];
}

/** Digit runs as (marker, length, digits) so that longer numbers sort higher; other characters as themselves. */
function appendNumeric(text: string, out: number[]): void {
  for (let i = 0; i < text.length;) {
    if (text[i] >= '0' && text[i] <= '9') {
      let j = i;
      while (j < text.length && text[j] >= '0' && text[j] <= '9') j++;
      out.push(NUMBER, 0x80 | Math.min(j - i, 127), ...utf8(text.slice(i, j)));
      i = j;
    } else out.push(text.charCodeAt(i++));
  }
}

/** The bytes whose unsigned lexicographic order is the version order. */
export function versionKey(version: string): number[] {
  const plus = version.indexOf('+');
  const build = plus > 0 ? version.slice(plus + 1) : null;
  const head = plus > 0 ? version.slice(0, plus) : version;
  const dash = head.indexOf('-');
  const pre = dash > 0 ? head.slice(dash + 1) : null;
  const main = dash > 0 ? head.slice(0, dash) : head;
  const legal = MAIN.test(main) && (pre === null || pre.split('.').every((p) => PRE_IDENTIFIER.test(p))) &&
    (build === null || BUILD.test(build));
  if (!legal) return version === '' ? [NO_PRERELEASE] : utf8(version);
  const out: number[] = [];
  appendNumeric(main, out);
  if (pre === null) out.push(NO_PRERELEASE);
  else {
    out.push(HAS_PRERELEASE, 0x2d /* - */);
    pre.split('.').forEach((part, i) => {
      if (i > 0) out.push(0x2e /* . */);
      if (/^\d+$/.test(part)) appendNumeric(part, out);
      else out.push(...utf8(part));
    });
  }
  if (build !== null) out.push(...utf8(`+${build}`));
  return out;
}

const keys = new Map<string, number[]>();

function cachedKey(v: string): number[] {
  let k = keys.get(v);
  if (k === undefined) {
    if (keys.size > 10000) keys.clear();
    k = versionKey(v);
    keys.set(v, k);
  }
  return k;
}

export function compareVersions(a: string, b: string): number {
  if (a === b) return 0;
  const x = cachedKey(a);
  const y = cachedKey(b);
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) if (x[i] !== y[i]) return x[i] - y[i];
  return x.length - y.length;
}
