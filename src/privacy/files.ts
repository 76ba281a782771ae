// Files under the data dir that hold a customer's personal data: data-request answers, and the
// outbox (the development mail sink). Both are written owner-only and go with an erasure.
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { deleteOutboxFiles, type OutboxRecipient } from '../mail/transport.js';
import type { CustomerIdentity } from './identity.js';

export interface PrivacyFiles {
  dataDir: string;
  /** `<dataDir>/outbox` when emails are written there. */
  outboxDir?: string;
}

/** `<dataDir>/data-requests/<store>/<customer key>/`: one customer's answers, found by key. */
export function dataRequestDir(files: PrivacyFiles, store: string, key?: string): string {
  const storeDir = path.join(files.dataDir, 'data-requests', segment(store));
  return key === undefined ? storeDir : path.join(storeDir, segment(key));
}

/** Deletes the customer's data-request answers and outbox emails in this store; returns how many emails. */
export async function eraseCustomerFiles(files: PrivacyFiles, store: string, who: CustomerIdentity): Promise<number> {
  for (const key of who.keys) await rm(dataRequestDir(files, store, key), { recursive: true, force: true });
  const keys = new Set(who.keys);
  const emails = new Set(who.emails.map((e) => e.toLowerCase()));
  // Files written before they named their store and customer are recognised by the recipient.
  return deleteOutbox(files, (r) =>
    r.store === undefined ? r.to !== undefined && emails.has(r.to) : r.store === store && keys.has(r.customerKey!),
  );
}

/** shop/redact: every data-request answer and outbox email of the store. */
export async function eraseStoreFiles(files: PrivacyFiles, store: string): Promise<number> {
  await rm(dataRequestDir(files, store), { recursive: true, force: true });
  return deleteOutbox(files, (r) => r.store === store);
}

const deleteOutbox = (files: PrivacyFiles, matches: (r: OutboxRecipient) => boolean) =>
  files.outboxDir ? deleteOutboxFiles(files.outboxDir, matches) : Promise.resolve(0);

/** A store or key as one path segment: reversible, never `..` or a separator. */
const segment = (text: string) => encodeURIComponent(text).replace(/\./g, '%2E');
