/**
 * Zod compiles object parsers with `new Function` unless configured jitless, and decides when
 * each object schema is built, probing once with a `new Function("")` call. The page's CSP has
 * no 'unsafe-eval', so the probe always fails, and Chromium reports it as a CSP violation even
 * though zod catches the error. Schemas are built when shared/api/schemas.ts is first imported,
 * so this module is main.tsx's first import: ES modules run in import order, and a call in
 * main.tsx's own body (or in api/client.ts) would come after the schemas exist.
 */
import { z } from 'zod';

z.config({ jitless: true });
