// Cells the long fuzzer run found a problem with (issue 14), checked by the same oracle: each failed before its fix.
import { expect } from 'chai';
import { checkScript, emptyCounts } from './oracle';
import { tryParse } from '../../language/grammar/parse';
import { isComplete } from '../../language/session/tooling/is-complete';

describe('language fuzzer regressions', () => {
  it('a bad ${...} in one statement and a grammar error in a later one: the later grammar error, as Ohm on the whole cell', () => {
    // seed 2053900: the split parse reported the interpolation at 17, the whole-cell parse the grammar at 42
    const text = 'CREaTE index "(${;1}"  ; execuTioNs WHEre ; ;';
    expect(checkScript(text, emptyCounts())).to.equal(null);
    // seed 2058136: the same, the grammar error 195 characters after the interpolation
    expect(checkScript('rEFResh "1${}" ; If _ ?? _ tHeN PRINT 1; ElSiF nOt NOT _ TheN FUnctioN _ ( IN é7  ArrAy  = _ ) BeGIN PrInT 1; End FUNcTion  eNd IF ', emptyCounts())).to.equal(null);
    const r = tryParse(text);
    expect(r.ok).to.equal(false);
    // with no later grammar error, the interpolation error stands
    const alone = tryParse('CREATE INDEX "(${;1}"; PRINT 1;');
    expect(alone.ok).to.equal(false);
    if (!alone.ok) expect(alone.failure.offset).to.equal(17);
    expect(checkScript('CREATE INDEX "(${;1}"; PRINT 1;', emptyCounts())).to.equal(null);
  });

  it('is_complete says complete for a cell the scanner cuts inside its last statement (seed 2064396)', () => {
    // a FOR loop whose bounds the scanner misreads: the split parse joins the chunks again, is_complete must too
    const text = "Z (  ) | tImeOut _ OR _ ? _ ?? _ : _ ?? _ ? _ ? _ : _ : _ ? _ : _ mS | ON_doNe ___ (  ) ; FOr __a in reversE  _ - _ - _ * _ + _ / - _ + + + + _ - + - _ / - + - _ .. _ + _ - _ * _ - _ * _ %  + _ + _ / _ %  + _ / + - _ + _ %  _ %  - _ * - - _ * _ .  _ .  __ [ _ ( _ ) | CANCEL SIBLINGS ] stEP _ [ _ ] - _ * _ %  _ %  + _ - + _ / CASE _ WHEN _ THEN _  END looP creaTe or REplacE prOcEDure \u00e9 (  _q  arRAY   ,  __ InoUt Document  ) authiD Definer  BEgIN  END PRoceDURe  CALl _ ( _ ( _ ) | CANCEL SIBLINGS ) ; eND LOoP ";
    expect(tryParse(text).ok).to.equal(true);
    expect(isComplete(text)).to.deep.equal({ status: 'complete' });
    expect(checkScript(text, emptyCounts())).to.equal(null);
  });
});
