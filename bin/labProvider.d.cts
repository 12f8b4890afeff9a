// Types of bin/labProvider.cjs for the TypeScript launchers (build/start.ts).
/** Sets SEAMLESS_HOST_PROVIDERS to the lab's provider file unless the caller set it (even to nothing). */
export function handInLab(opts: { forApp: boolean }): void;
