// Where the benchmarks that run on the lab save their raw runs (JSON, one file per run of a
// benchmark); the README names it. Git keeps the files committed there as evidence for notes.
import { resolve } from 'node:path';

export const RESULTS_DIR = resolve(import.meta.dirname, '../../bench-results');
