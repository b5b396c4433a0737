import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import { codemirrorMode } from '../../language/highlight';
import { Session } from '../../language/session';

describe('highlighting (codemirror_mode)', () => {
  it('is the sql mode with the words of both grammars and the built-ins, lower-cased', () => {
    const mode = codemirrorMode();
    expect(mode.name).to.equal('sql');
    for (const w of ['print', 'procedure', 'loop', 'declare', 'execution', 'stats', 'where', 'from', 'bulk']) expect(mode.keywords, w).to.have.property(w);
    for (const f of ['array_length', 'load_sample_data', 'count_distinct', 'bucket']) expect(mode.builtin, f).to.have.property(f);
    expect(mode.keywords).to.not.have.property('true');
    expect(mode.support).to.have.property('doubleQuote');
    expect(JSON.parse(JSON.stringify(mode))).to.deep.equal(mode); // travels in kernel_info as JSON
  });

  it("is what the session reports, and every tutorial names a mode Notebook has", async () => {
    const s = new Session();
    try {
      expect(s.info().codemirrorMode).to.deep.equal(codemirrorMode());
    } finally {
      await s.shutdown();
    }
    const dir = path.join(__dirname, '..', '..', '..', 'notebooks');
    for (const f of fs.readdirSync(dir).filter((n) => n.endsWith('.ipynb'))) {
      const nb = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'));
      // Notebook 6 compares modes by name only: a bare {name: 'sql'} saved in a notebook would hide the kernel's words
      const saved = nb.metadata.language_info.codemirror_mode;
      expect(saved.name, f).to.equal('sql');
      for (const w of ['print', 'procedure', 'loop', 'declare']) expect(saved.keywords, `${f}: ${w}`).to.have.property(w);
    }
  });
});
