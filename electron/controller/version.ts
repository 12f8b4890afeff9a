// Why: one answer to "which Seamless is this", baked in at build time from package.json
// (build/build.ts defines it); source runs under the test runner say "dev".
declare const __SEAMLESS_VERSION__: string | undefined;

export const APP_VERSION: string = typeof __SEAMLESS_VERSION__ === 'string' ? __SEAMLESS_VERSION__ : '0.0.0-dev';
