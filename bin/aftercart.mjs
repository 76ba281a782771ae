#!/usr/bin/env node
// The `aftercart` command. TypeScript runs through tsx's loader, so there is no build step and
// templates in emails/ are picked up as edited.
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

// React's development build renders emails about twice as slowly.
process.env.NODE_ENV ??= 'production';
// Our tsconfig, not one found from the working directory: run from anywhere else (a service's
// working directory), tsx would compile the templates' JSX for a global React and every render fail.
register({ tsconfig: fileURLToPath(new URL('../tsconfig.json', import.meta.url)) });
await import('../src/cli/main.ts');
