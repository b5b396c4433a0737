// Loads the Ohm grammars of this folder's `.ohm` files. The files stay in the source tree (tsc does not copy
// them), so the folder is found from the package root both when running from `dist/` and from sources.
//
// Building a grammar from its text takes Ohm 0.1-0.25 s (it parses the grammar with its own grammar); building it
// from a recipe (Ohm's serialised grammar) takes tens of milliseconds. `npm run build` writes a recipe beside the
// compiled code for each grammar (write-recipes.ts); a recipe is used only when it was made from the very text
// being loaded (its hash), so an edited `.ohm` file never runs with stale rules.
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import * as ohm from 'ohm-js';
import { packageRoot } from '../package-root';


export const GRAMMAR_DIR = path.join(packageRoot(__dirname), 'language', 'grammar');

/** Where `npm run build` puts the recipes: beside this module's compiled code. */
export const RECIPE_DIR = __dirname;

/** Ohm's recipe functions: what its generated bundles (`ohm generateBundles`) use; not in its type declarations. */
const recipes = ohm as unknown as { makeRecipe(recipe: unknown): ohm.Grammar };
type WithRecipe = ohm.Grammar & { toRecipe(): string };

interface SavedRecipe {
  hash: string;
  recipe: unknown;
}

export function grammarText(file: string): string {
  return fs.readFileSync(path.join(GRAMMAR_DIR, file), 'utf8');
}

function hashOf(text: string): string {
  return crypto.createHash('sha256').update(text).digest('hex');
}

function recipeFile(name: string, dir: string): string {
  return path.join(dir, `${name}.recipe.json`);
}

/** The grammar written in `text` (one grammar): from its recipe when one made from this text exists, else built. */
export function grammarFrom(name: string, text: string, dir = RECIPE_DIR): { grammar: ohm.Grammar; from: 'recipe' | 'text' } {
  try {
    const saved = JSON.parse(fs.readFileSync(recipeFile(name, dir), 'utf8')) as SavedRecipe;
    if (saved.hash === hashOf(text)) return { grammar: recipes.makeRecipe(saved.recipe), from: 'recipe' };
  } catch {
    // no recipe (running from sources, or not built yet): build from the text
  }
  return { grammar: ohm.grammar(text), from: 'text' };
}

/** Builds the grammar from `text` and saves its recipe for `grammarFrom`. */
export function writeRecipe(name: string, text: string, dir = RECIPE_DIR): void {
  const recipe = withoutSource(JSON.parse((ohm.grammar(text) as WithRecipe).toRecipe()) as unknown);
  fs.writeFileSync(recipeFile(name, dir), JSON.stringify({ hash: hashOf(text), recipe } satisfies SavedRecipe));
}

/**
 * The recipe without the grammar's text and each expression's place in it (Ohm uses them only to show a grammar
 * in its own error messages and tools, never in matching or in a match's failures): making the grammar from the
 * recipe then skips an interval object per expression (measured: ~135 -> ~70 ms).
 */
function withoutSource(recipe: unknown): unknown {
  if (!Array.isArray(recipe)) {
    if (recipe && typeof recipe === 'object') {
      return Object.fromEntries(Object.entries(recipe).map(([k, v]) => [k, withoutSource(v)]));
    }
    return recipe;
  }
  return recipe.map((part, k) => {
    // [kind, metaInfo, ...]: a metaInfo holds `sourceInterval` (every expression) or `source` (the grammar)
    if (k === 1 && part && typeof part === 'object' && !Array.isArray(part) && ('sourceInterval' in part || 'source' in part)) {
      const { sourceInterval: _i, source: _s, ...rest } = part as Record<string, unknown>;
      return Object.keys(rest).length ? rest : null;
    }
    return withoutSource(part);
  });
}
