// Tests find ../shared through one helper: a missing clone says where it looked and what to do.
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sharedLocator, sharedPath } from './shared.js';

describe('sharedPath', () => {
  it('names a file inside ../shared beside the repository', () => {
    expect(sharedPath('SPEC.md')).toMatch(/\/shared\/SPEC\.md$/);
    expect(existsSync(sharedPath('fixtures/webhooks/'))).toBe(true);
  });

  it('a missing ../shared fails with the path it looked at and how to fix it', () => {
    const path = sharedLocator('/nowhere/shared/');
    const message = '../shared not found at /nowhere/shared/: clone the repository beside shared/';
    expect(() => path('SPEC.md')).toThrow(message);
  });
});
