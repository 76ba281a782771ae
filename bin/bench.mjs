#!/usr/bin/env node
// npm run bench [-- --only ingest|send|recommend|queue]
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

process.env.NODE_ENV ??= 'production';
register({ tsconfig: fileURLToPath(new URL('../tsconfig.json', import.meta.url)) });
await import('../bench/run.ts');
