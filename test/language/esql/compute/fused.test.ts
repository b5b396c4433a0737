// The fused page loops generate JavaScript: no text of a query may reach that source. Hostile field names and
// strings run through them with the row engine's answers, and every source generated is made only of the
// generator's own tokens.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { expect } from 'chai';
import { EmbeddedStore } from '../../../../language/store/embedded';
import { columnarCounters, setColumnarEnabled } from '../../../../language/esql/compute/columnar';
import { kernelSources } from '../../../../language/esql/compute/fused';

const EVIL_NUMBER = 'x\'); globalThis.pwned = 1; (\'';
const EVIL_FLAG = 'a"b`${globalThis.pwned = 2}`';
const EVIL_KEYWORD = '*/ globalThis.pwned = 3; /*';

/** Every token a generated loop may hold: keywords, the parameters, numbered locals, digits, operators. */
const ALLOWED = /\b(?:const|let|for|if|return|continue|throw|io|base|end|sel|m|i|Math|trunc|[avnbc]\d+)\b|\b\d+\b|[\s=;+\-*/%<>!&|^()[\]{}.,?:~]/g;

describe('ES|QL fused page loops and query text', function () {
  this.timeout(60000);
  let dir: string;
  let store: EmbeddedStore;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fused-'));
    store = new EmbeddedStore(path.join(dir, 'store.db'));
    await store.createIndex('evil', { mappings: { properties: {
      [EVIL_NUMBER]: { type: 'long' }, [EVIL_FLAG]: { type: 'boolean' }, [EVIL_KEYWORD]: { type: 'keyword' },
    } } });
    store.bulkSync('evil', Array.from({ length: 200 }, (_v, i) => ({ doc: {
      [EVIL_NUMBER]: i % 13 === 0 ? null : i * 7 - 300,
      [EVIL_FLAG]: i % 5 === 0 ? null : i % 3 === 0,
      [EVIL_KEYWORD]: i % 11 === 0 ? null : ['"); globalThis.pwned = 4; ("', '`${1}`', '\\u0027', 'plain'][i % 4],
    } })));
  });

  after(async () => {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const q = (name: string): string => `\`${name.replace(/`/g, '``')}\``;
  const queries = [
    `FROM evil | EVAL ${q('y = 1; globalThis.pwned = 5; //')} = ${q(EVIL_NUMBER)} * 3 | WHERE ${q('y = 1; globalThis.pwned = 5; //')} > 10 AND ${q(EVIL_KEYWORD)} != "\\"); globalThis.pwned = 6; (\\"" | STATS c = COUNT(*)`,
    `FROM evil | WHERE ${q(EVIL_FLAG)} OR ${q(EVIL_KEYWORD)} == "\`\${globalThis.pwned = 7}\`" OR ${q(EVIL_NUMBER)} IS NULL | STATS c = COUNT(*) BY ${q(EVIL_KEYWORD)}`,
    `FROM evil | EVAL z = ${q(EVIL_NUMBER)} - 123456789 | WHERE NOT ${q(EVIL_FLAG)} | KEEP z | SORT z | LIMIT 5`,
    `FROM evil | WHERE ${q(EVIL_KEYWORD)} IN ("plain", "\\"); globalThis.pwned = 8; (\\"") OR ${q(EVIL_NUMBER)} NOT IN (123456789, -300) | STATS c = COUNT(*)`,
    `FROM evil | WHERE ${q(EVIL_KEYWORD)} LIKE "*globalThis.pwned = 9*" OR LENGTH(${q(EVIL_KEYWORD)}) > 7 | STATS c = COUNT(*)`,
  ];

  it('answers as the row engine does, through the fused loops, and runs nothing of the query', () => {
    for (const query of queries) {
      setColumnarEnabled(false);
      const rows = store.esqlSync(query);
      setColumnarEnabled(true);
      const fused = columnarCounters.fusedRuns;
      const result = store.esqlSync(query);
      expect(columnarCounters.fusedRuns, query).to.equal(fused + 1);
      const canon = (r: typeof rows): string[] => r.values.map((v) => JSON.stringify(v)).sort();
      expect(canon(result), query).to.deep.equal(canon(rows));
    }
    expect((globalThis as { pwned?: unknown }).pwned).to.equal(undefined);
  });

  it('generates sources made only of its own tokens', () => {
    const sources = kernelSources();
    expect(sources.length).to.be.greaterThan(0);
    for (const source of sources) {
      expect(source.replace(ALLOWED, ''), source).to.equal('');
      for (const word of ['pwned', 'globalThis', 'plain', '123456789']) expect(source).not.to.include(word);
    }
  });
});
