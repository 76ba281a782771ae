import { describe, expect, it } from 'vitest';
import { sources } from '../../../src/ingest/sources/index.js';

describe('source registry', () => {
  it('maps each webhook route to its adapter', () => {
    expect(Object.keys(sources).sort()).toEqual(['events', 'shopify', 'woocommerce']);
    for (const [name, source] of Object.entries(sources)) expect(source.name).toBe(name);
  });
});
