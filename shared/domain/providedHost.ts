// Why: some hosts are not typed in by the admin but handed to the app by whoever launched it:
// the test lab's VM (its launcher passes it in; a packaged app has no lab), later perhaps a
// cloud inventory. A provider is a file the launcher names; it crosses a process boundary (the
// lab's tooling writes it, the controller reads it), so it is versioned and validated here.
import * as z from '../zod';

export const PROVIDED_HOST_VERSION = 1;

export const providedHostSchema = z.object({
  version: z.literal(PROVIDED_HOST_VERSION),
  id: z.string().check(z.regex(/^[a-z][a-z0-9-]{0,63}$/)),
  label: z.string().check(z.minLength(1)),
  /** running: connect with `target`; stopped: listed, and `hint` says how to start it. */
  state: z.enum(['running', 'stopped']),
  hint: z.string(),
  target: z.nullable(
    z.object({
      host: z.string().check(z.minLength(1)),
      port: z.number().check(z.int(), z.positive()),
      user: z.string().check(z.minLength(1)),
      identityFile: z.string().check(z.minLength(1)),
      /** The only host keys trusted for it (pinned when the host was made); nothing is asked. */
      knownHostsFile: z.string().check(z.minLength(1)),
    }),
  ),
  /**
   * How the app starts and stops the host itself, when the provider allows it: commands (argv, no
   * shell) run by the controller as the user it runs as, in `cwd`. Each prints progress lines on
   * stdout (`providerProgressSchema`, one JSON object a line) and exits 0 when done.
   */
  control: z.optional(
    z.object({
      cwd: z.string().check(z.startsWith('/')),
      start: z.array(z.string()).check(z.minLength(1)),
      stop: z.array(z.string()).check(z.minLength(1)),
    }),
  ),
});
export type ProvidedHost = z.infer<typeof providedHostSchema>;

export const PROVIDER_PROGRESS_VERSION = 1;
/** Where a start or stop stands: build (the image), boot, ready; stopping, stopped. */
export const PROVIDER_STAGES = ['build', 'boot', 'ready', 'stopping', 'stopped'] as const;
export type ProviderStage = (typeof PROVIDER_STAGES)[number];

/** One progress line of a provider's start or stop command (its stdout crosses a process boundary). */
export const providerProgressSchema = z.object({
  version: z.literal(PROVIDER_PROGRESS_VERSION),
  stage: z.enum(PROVIDER_STAGES),
  message: z.string().check(z.maxLength(2000)),
});
export type ProviderProgress = z.infer<typeof providerProgressSchema>;
