// `npm run build` runs this after tsc: saves the recipes of both grammars beside the compiled code (see load.ts).
import { writeRecipe, grammarText } from './load';
import { expandedGrammarText } from './grammar';
import { ESQL_GRAMMAR_FILE } from '../esql/parse';

writeRecipe('elastic-script', expandedGrammarText());
writeRecipe('esql', grammarText(ESQL_GRAMMAR_FILE));
