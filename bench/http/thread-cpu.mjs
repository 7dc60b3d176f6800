// CPU per request of a server at a steady paced rate, split by thread name (from /proc, Linux only):
// at moderate load a server's cost per request is higher than at full load, and which thread pays
// it (Node's, the engine's, V8's platform workers) says where to look. Also: voluntary context
// switches per request (thread wake-ups) and the latency percentiles of the paced load.
// Run from the repository root after `npm install`:
//   node bench/http/thread-cpu.mjs [rate=600] [seconds=8] [isorun|isolated-vm|fastify|node:vm|workerd]
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { freePort, httpTargets, serverEnv, waitUntilServing } from './http.bench.mjs';
import { pacedLoad, percentile } from './paced-load.mjs';

const [rate = 600, seconds = 8, which = 'isorun'] = process.argv.slice(2);
const target = httpTargets().find((candidate) => candidate.impl === which);
if (target === undefined) {
  throw new Error(
    `unknown server ${which}: one of ${httpTargets()
      .map((candidate) => candidate.impl)
      .join(', ')}`,
  );
}
const port = await freePort();
const [command, ...args] = target.command(port);
const env = { ...serverEnv(target, port), ISORUN_LOG_LEVEL: 'warn' };
const server = spawn(command, args, { env, stdio: ['ignore', 'ignore', 'inherit'] });
const url = `http://127.0.0.1:${port}/run`;
const body = JSON.stringify({ code: '(a,b)=>a+b', args: [1, 2] });

/** CPU ms and voluntary context switches per thread name (Node's own thread is `main`). */
function threads() {
  const byName = {};
  for (const tid of fs.readdirSync(`/proc/${server.pid}/task`)) {
    try {
      const stat = fs.readFileSync(`/proc/${server.pid}/task/${tid}/stat`, 'utf8');
      const status = fs.readFileSync(`/proc/${server.pid}/task/${tid}/status`, 'utf8');
      const name = tid === String(server.pid) ? 'main' : stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const entry = (byName[name] ??= { cpuMs: 0, wakes: 0 });
      entry.cpuMs += (Number(fields[11]) + Number(fields[12])) * 10; // USER_HZ = 100
      entry.wakes += Number(/voluntary_ctxt_switches:\s+(\d+)/.exec(status)[1]);
    } catch {
      // the thread ended between listing and reading
    }
  }
  return byName;
}

try {
  await waitUntilServing(url, server);
  let before;
  const run = await pacedLoad({
    url,
    body,
    rate: Number(rate),
    seconds: Number(seconds),
    warmupSeconds: 2,
    onWarmedUp: () => (before = threads()),
  });
  const after = threads();
  let total = 0;
  const parts = Object.entries(after).map(([name, { cpuMs, wakes }]) => {
    const cpuUs = ((cpuMs - (before[name]?.cpuMs ?? 0)) * 1000) / run.sent;
    total += cpuUs;
    return `${name} ${cpuUs.toFixed(0)} µs / ${((wakes - (before[name]?.wakes ?? 0)) / run.sent).toFixed(1)} wake-ups`;
  });
  const p = (q) => percentile(run.latenciesMs, q).toFixed(2);
  console.log(`${which} at ${rate} req/s: ${total.toFixed(0)} µs of CPU per request (${parts.join(', ')})`);
  console.log(`latency p50 ${p(0.5)} ms, p99 ${p(0.99)} ms; ${run.ok} ok, ${run.failed} failed`);
} finally {
  server.kill('SIGTERM');
}
