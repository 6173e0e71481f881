import { z } from 'zod';

// zod 4 probes for `new Function` (to compile fast parsers) and catches the refusal; under the
// pages' CSP (no 'unsafe-eval') that probe still logs a CSP violation on every page load. The
// pages parse small messages: the interpreter is fast enough, and the console stays clean.
z.config({ jitless: true });
