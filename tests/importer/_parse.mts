import { readOnlineRetail } from '../../src/history/online-retail.js';
const t = performance.now(); let n = 0;
for await (const l of readOnlineRetail('/work/shared/data/online-retail/online-retail.csv.gz')) n++;
console.log(n, (performance.now() - t) / 1000);
