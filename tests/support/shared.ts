// `../shared/` beside the repository (the contract, fixtures and data sets), read in place.
import { fileURLToPath } from 'node:url';

export const sharedPath = (relative: string) => fileURLToPath(new URL(`../../../shared/${relative}`, import.meta.url));
