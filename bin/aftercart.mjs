#!/usr/bin/env node
// The `aftercart` command. TypeScript runs through tsx's loader, so there is no build step and
// templates in emails/ are picked up as edited.
import { register } from 'tsx/esm/api';

// React's development build renders emails about twice as slowly.
process.env.NODE_ENV ??= 'production';
register();
await import('../src/cli/main.ts');
