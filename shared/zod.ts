// Why: shared/ schemas run in the agent, whose memory budget is small: classic zod (method chains,
// every locale) costs it ~11 MB of RSS, zod/mini (functions, same validation core) ~1.5 MB. Every
// schema file imports zod through here, because zod/mini, unlike classic zod, sets no error
// locale: without this, every message would read "Invalid input". English, as classic sets it.
import { config } from 'zod/mini';
import en from 'zod/v4/locales/en.js';

if (!config().localeError) config(en());

export * from 'zod/mini';
