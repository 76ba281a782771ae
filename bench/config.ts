// The config the benchmark's child processes run with: due right after the order, no quiet
// hours, no frequency cap in the way.
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export function benchConfigFile(): string {
  const file = path.join(os.tmpdir(), 'aftercart-bench.config.json');
  writeFileSync(file, JSON.stringify({
    timing: { default: { after: 'order', delay: '1s' }, quietHours: false, frequencyCap: { max: 1000, per: '1d' } },
  }));
  return file;
}
