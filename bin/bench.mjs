#!/usr/bin/env node
// npm run bench [-- --only ingest|send|recommend|queue]
import { register } from 'tsx/esm/api';

process.env.NODE_ENV ??= 'production';
register();
await import('../bench/run.ts');
