// What the HTTP targets ask of a server that gives each request a fresh V8 context. Against the
// isolated-vm pool server (the peer) and isorun's server, the peers' Fastify app with a pool of 4
// isolates doing only part of the work (http/servers/fastify-context-floor.mjs): isolated-vm's bare
// context; isorun's context (with its engine's guards); and isorun's context with the work isorun's
// server must do in it (its guest runtime, the call), without the server's own checks, logs and
// metrics. Each server: throughput (50 connections, 3 s warm-up + 10 s) and p99 at a paced 1,000 req/s,
// servers alternated over rounds. Not part of `npm run bench`; about 3 minutes a round:
//   node bench/floors/http-context-floor.mjs [rounds=3]
import path from 'node:path';
import { benchDir } from '../lib/impls.mjs';
import { httpTargets, measure } from '../http/http.bench.mjs';
import { percentile } from '../http/paced-load.mjs';

const rounds = Number(process.argv[2] ?? 3);
const byImpl = Object.fromEntries(httpTargets().map((target) => [target.impl, target]));
const floorServer = (impl, note, env) => ({
  impl,
  note,
  command: () => [
    process.execPath,
    '--no-node-snapshot',
    path.join(benchDir, 'http', 'servers', 'fastify-context-floor.mjs'),
  ],
  env: (port) => ({ BENCH_PORT: String(port), ...env }),
});
const targets = [
  byImpl['isolated-vm'],
  floorServer('ivm context', "isolated-vm's bare context", { FLOOR_ENGINE: 'isolated-vm' }),
  floorServer('isorun context', "isorun's context, with its guards", { FLOOR_ENGINE: 'isorun' }),
  floorServer('isorun call', "isorun's context, its runtime and the call", {
    FLOOR_ENGINE: 'isorun',
    FLOOR_WORK: 'call',
  }),
  byImpl.isorun,
];
const throughput = new Map(targets.map((target) => [target.impl, []]));
const pacedP99 = new Map(targets.map((target) => [target.impl, []]));
const median = (values) => percentile(values, 0.5);

for (let round = 1; round <= rounds; round++) {
  for (const target of targets) {
    const rows = await measure(target, { seconds: 10, warmupSeconds: 3 });
    const failed = rows.find((row) => row.outcome !== undefined);
    if (failed !== undefined) throw new Error(`${target.impl}: ${failed.outcome}`);
    const reqs = rows.find((row) => row.metric === 'throughput').median;
    const p99 = rows.find((row) => row.metric.endsWith('paced')).p99 / 1e6;
    throughput.get(target.impl).push(reqs);
    pacedP99.get(target.impl).push(p99);
    console.error(`round ${round}: ${target.impl} ${reqs} req/s, paced p99 ${p99.toFixed(2)} ms`);
  }
}
const peer = median(throughput.get('isolated-vm'));
console.log(`server          req/s   × peer   paced 1,000 req/s p99   (per round: req/s; p99 ms)`);
for (const target of targets) {
  const reqs = throughput.get(target.impl);
  const p99 = pacedP99.get(target.impl);
  console.log(
    `${target.impl.padEnd(14)} ${String(Math.round(median(reqs))).padStart(6)}   ${(median(reqs) / peer).toFixed(2)}×    ${median(p99).toFixed(2).padStart(6)} ms            (${reqs.join(' / ')}; ${p99.map((value) => value.toFixed(1)).join(' / ')})`,
  );
}
console.log(`target: 1.6× the peer = ${Math.round(peer * 1.6)} req/s; p99 ≤ 5 ms`);
