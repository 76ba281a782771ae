#!/usr/bin/env node
// The `aftercart` command. TypeScript runs through tsx's loader, so there is no build step and
// templates in emails/ are picked up as edited.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
