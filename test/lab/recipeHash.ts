// Why: the image is rebuilt only when its recipe changes. The recipe is the
// files of test/lab that shape the image, the package list, the kernels and the
// mirror; hashing them (pure, order-independent) names the cache entry.
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

export interface RecipeFile {
  path: string;
  content: string | Uint8Array;
}

export interface RecipeInput {
  files: readonly RecipeFile[];
  packages: readonly string[];
  kernels: { boot: string; target: string };
  mirror: string;
}

/** sha256 over a canonical form: files sorted by path, lengths framed. */
export function recipeHash(input: RecipeInput): string {
  const h = createHash('sha256');
  const field = (name: string, value: string | Uint8Array): void => {
    const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
    h.update(`${name}\0${bytes.length}\0`);
    h.update(bytes);
  };
  field('version', 'seamless-lab-recipe-1');
  field('packages', [...input.packages].sort().join('\n'));
  field('kernel.boot', input.kernels.boot);
  field('kernel.target', input.kernels.target);
  field('mirror', input.mirror);
  const files = [...input.files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (const f of files) field(`file:${f.path}`, f.content);
  return h.digest('hex');
}

/** The cache entry's directory name. */
export function cacheKey(hash: string, suite = 'bookworm'): string {
  return `${suite}-${hash.slice(0, 16)}`;
}

/** Files of test/lab that define the image: the listed modules and all of guest/. */
export const RECIPE_MODULES: readonly string[] = ['imageRecipe.ts', 'buildRootfs.ts', 'configureGuest.ts'];
export const RECIPE_DIRS: readonly string[] = ['guest'];

export function collectRecipeFiles(labSrc: string): RecipeFile[] {
  const out: RecipeFile[] = [];
  for (const m of RECIPE_MODULES) out.push({ path: m, content: readFileSync(join(labSrc, m)) });
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else if (st.isFile()) {
        // the mode matters too: a script that lost +x makes a broken image
        out.push({ path: `${relative(labSrc, p)}:${(st.mode & 0o777).toString(8)}`, content: readFileSync(p) });
      }
    }
  };
  for (const d of RECIPE_DIRS) walk(join(labSrc, d));
  return out;
}
