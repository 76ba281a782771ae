// `../shared/` beside the repository (the contract, webhook fixtures and data sets), read in
// place. Every test reaches it through sharedPath, so a missing clone is one clear failure.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** A path maker for files inside `dir`; the first call checks that `dir` exists, once. */
export function sharedLocator(dir: string): (relative: string) => string {
  let found = false;
  return (relative) => {
    if (!found) {
      if (!existsSync(dir)) {
        throw new Error(
          `../shared not found at ${dir}: clone the repository beside shared/ (see README, "Quick start")`,
        );
      }
      found = true;
    }
    return `${dir}${relative}`;
  };
}

/** The absolute path of `relative` inside ../shared; throws when ../shared itself is missing. */
export const sharedPath = sharedLocator(fileURLToPath(new URL('../../../shared/', import.meta.url)));
