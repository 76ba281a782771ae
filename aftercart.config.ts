// Timing, eligibility and item selection for this store. Secrets live in the environment.
import { defineConfig } from './src/config/index.js';

export default defineConfig({
  store: {
    name: 'Example Store',
    url: 'https://shop.example',
    from: 'Example Store <hi@shop.example>',
    address: 'Example Store, 1 Example Street, Springfield', // the sender's postal address, in every footer
  },
  timing: {
    default: { after: 'fulfilled', delay: '3d' },
    rules: [
      { when: { productType: ['Video Game Console'] }, after: 'order', delay: '2h' },
      { when: { tags: ['gift-card'] }, skip: true },
    ],
    quietHours: { start: '21:00', end: '08:00', spread: '1h' },
    timezone: 'UTC',
    frequencyCap: { max: 1, per: '14d' },
    expireAfter: '30d',
  },
  eligibility: {
    requireConsent: true,
    returns: { maxRate: 0.3, minOrders: 2, lookback: '365d' },
    service: { maxTicketsPerOrder: 1, lookback: '180d', skipWhileOpen: true },
  },
  recommend: { maxItems: 3 },
  // Per-store settings, deep-merged over the above (README "Many stores in one deployment"):
  // stores: { 'my-shop.myshopify.com': { store: { name: 'My Shop', address: '…' } } },
});
