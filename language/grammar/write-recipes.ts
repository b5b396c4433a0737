// `npm run build` runs this after tsc: saves the recipes of the grammars beside the compiled code (see load.ts).
import { writeRecipe, grammarText } from './load';
import { expandedGrammarText } from './grammar';
import { ESQL_GRAMMAR_FILE } from '../esql/parse';
import { KQL_GRAMMAR_FILE } from '../esql/kql';
import { QSTR_GRAMMAR_FILE } from '../esql/qstr';

writeRecipe('elastic-script', expandedGrammarText());
writeRecipe('esql', grammarText(ESQL_GRAMMAR_FILE));
writeRecipe('kql', grammarText(KQL_GRAMMAR_FILE));
writeRecipe('qstr', grammarText(QSTR_GRAMMAR_FILE));
