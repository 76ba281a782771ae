// Every test process hashes addresses with the key the test apps use (tests/support/app.ts's
// LINK_SECRET), so keys a test computes match the ones the app stored. A test that starts an app
// or a command with another secret re-keys its own process (src/privacy/address-key.ts).
import { useAddressKey } from '../../src/domain/customer-key.js';

export const TEST_LINK_SECRET = 'test-link-secret-0123456789';

useAddressKey(TEST_LINK_SECRET);
