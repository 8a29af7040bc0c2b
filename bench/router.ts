/**
 * Micro-benchmark of Burrow's router alone (core/router.ts `createRouter`):
 * lookups per second with the operations of the generated contract of 20 and of
 * 1000 operations, on static and templated paths.
 *
 *   node --import tsx bench/router.ts            (prints a table)
 *
 * The runner (bench/run.ts) starts it pinned to core 0 and reads its
 * `ROUTERJSON` line.
 */
import { createRouter } from '../core/request/router.js';
import { fillers, generateContract } from './lib/contract.js';

export interface RouterFigure {
  ops: number;
  lookup: string;
  method: string;
  path: string;
  perSecond: number;
  nsPerLookup: number;
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

function build(ops: number) {
  const router = createRouter<string>();
  const doc = generateContract(ops);
  for (const [path, item] of Object.entries<any>(doc.paths)) {
    for (const m of METHODS) if (item[m]) router.add(m, path, item[m].operationId);
  }
  return router;
}

export function runRouterBench(sizes = [20, 1000], msPerCase = 400): RouterFigure[] {
  const figures: RouterFigure[] = [];
  for (const ops of sizes) {
    const router = build(ops);
    const lastFiller = fillers(ops).filter((f) => f.method === 'get').at(-1)!;
    const cases: [string, string, string, string | undefined][] = [
      ['static', 'get', '/hello', 'hello'],
      ['static POST', 'post', '/items', 'createItem'],
      ['templated', 'get', '/items/42', 'getItem'],
      ['templated, last filler', 'get', `/filler${lastFiller.n}/7`, lastFiller.operationId],
      ['not found', 'get', '/nope/1/2', undefined],
    ];
    for (const [lookup, method, path, expected] of cases) {
      const found = router.find(method, path);
      const got = found.kind === 'found' ? found.match.value : undefined;
      if (got !== expected) throw new Error(`router: ${method} ${path} found ${got}, expected ${expected}`);
      // Warm up, then time batches until msPerCase has passed; best of 3 runs.
      let sink = 0;
      for (let i = 0; i < 200_000; i++) sink += router.find(method, path).kind.length;
      let best = 0;
      for (let run = 0; run < 3; run++) {
        let n = 0;
        const start = process.hrtime.bigint();
        const budget = BigInt(Math.round((msPerCase / 3) * 1e6));
        let elapsed = 0n;
        while (elapsed < budget) {
          for (let i = 0; i < 10_000; i++) sink += router.find(method, path).kind.length;
          n += 10_000;
          elapsed = process.hrtime.bigint() - start;
        }
        best = Math.max(best, n / (Number(elapsed) / 1e9));
      }
      if (sink === -1) console.log(sink);
      figures.push({ ops, lookup, method: method.toUpperCase(), path, perSecond: Math.round(best), nsPerLookup: Math.round(1e9 / best) });
    }
  }
  return figures;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const quick = process.argv.includes('--quick');
  const figures = runRouterBench([20, 1000], quick ? 150 : 400);
  if (process.argv.includes('--json')) {
    process.stdout.write(`ROUTERJSON ${JSON.stringify(figures)}\n`);
  } else {
    console.log('| ops | lookup | path | lookups/s | ns/lookup |');
    console.log('| ---: | --- | --- | ---: | ---: |');
    for (const f of figures) console.log(`| ${f.ops} | ${f.lookup} | ${f.method} ${f.path} | ${f.perSecond.toLocaleString('en-US')} | ${f.nsPerLookup} |`);
  }
}
