import { describe, it, expect } from 'vitest';
import { cacheKey, collectRecipeFiles, recipeHash, type RecipeInput } from './recipeHash.js';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const base: RecipeInput = {
  files: [
    { path: 'a.ts', content: 'one' },
    { path: 'guest/b:644', content: 'two' },
  ],
  packages: ['criu', 'redis-server'],
  kernels: { boot: '6.1.0-47-amd64', target: '6.1.0-50-amd64' },
  mirror: 'http://deb.debian.org/debian',
};

describe('recipeHash', () => {
  it('is a stable sha256 hex', () => {
    expect(recipeHash(base)).toMatch(/^[0-9a-f]{64}$/);
    expect(recipeHash(base)).toBe(recipeHash({ ...base }));
  });

  it('ignores the order of files and packages', () => {
    const shuffled = { ...base, files: [...base.files].reverse(), packages: [...base.packages].reverse() };
    expect(recipeHash(shuffled)).toBe(recipeHash(base));
  });

  it('changes with any input', () => {
    const h = recipeHash(base);
    expect(recipeHash({ ...base, files: [{ path: 'a.ts', content: 'one!' }, base.files[1]!] })).not.toBe(h);
    expect(recipeHash({ ...base, packages: [...base.packages, 'ndctl'] })).not.toBe(h);
    expect(recipeHash({ ...base, kernels: { ...base.kernels, target: '6.1.0-51-amd64' } })).not.toBe(h);
    expect(recipeHash({ ...base, mirror: 'http://other/debian' })).not.toBe(h);
    // a file mode is part of its path key
    expect(recipeHash({ ...base, files: [base.files[0]!, { path: 'guest/b:755', content: 'two' }] })).not.toBe(h);
  });

  it('frames fields so concatenations cannot collide', () => {
    const a = recipeHash({
      ...base,
      files: [
        { path: 'x', content: 'ab' },
        { path: 'y', content: 'c' },
      ],
    });
    const b = recipeHash({
      ...base,
      files: [
        { path: 'x', content: 'a' },
        { path: 'y', content: 'bc' },
      ],
    });
    expect(a).not.toBe(b);
  });

  it('names the cache entry after the suite and a short hash', () => {
    expect(cacheKey('0123456789abcdef0123', 'bookworm')).toBe('bookworm-0123456789abcdef');
  });

  it('collects the image-defining files of this folder, guest/ included', () => {
    const files = collectRecipeFiles(dirname(fileURLToPath(import.meta.url))).map((f) => f.path);
    expect(files).toContain('imageRecipe.ts');
    expect(files.some((f) => f.startsWith('guest/src/memload.c:'))).toBe(true);
    expect(files).not.toContain('cli.ts');
  });
});
