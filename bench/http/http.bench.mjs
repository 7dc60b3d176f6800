// End to end: autocannon (50 connections, 10 s, loopback only) on `POST /run` against isorun's
// server and its peers, each server started in its own process and stopped after its run.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { createRequire } from 'node:module';
import { benchDir } from '../lib/impls.mjs';
import { sleep } from '../lib/measure.mjs';
import { formatTable } from '../lib/report.mjs';
import { pacedLoad, percentile } from './paced-load.mjs';

const autocannon = createRequire(import.meta.url)('autocannon');

const HOST = '127.0.0.1';
const CONNECTIONS = 50;
const BODY = JSON.stringify({ code: '(a,b)=>a+b', args: [1, 2] });
const READY_TIMEOUT_MS = 20_000;
/** The issue's fixed rate for the latency target. */
const FIXED_RATE = 1000;
const NODE = [process.execPath, '--no-node-snapshot'];

/** isorun's server entry: ISORUN_SERVER, else the compiled server of this checkout. */
const isorunServer = () => path.resolve(benchDir, process.env.ISORUN_SERVER ?? '../dist/server/main.js');
const workerdBinary = () => path.join(benchDir, 'node_modules', '.bin', 'workerd');

/** The servers under test; `impl` names line up with the engine suite (isorun vs isolated-vm). */
export function httpTargets() {
  const server = (file) => path.join(benchDir, 'http', 'servers', file);
  return [
    {
      impl: 'fastify',
      note: 'constant answer: the ceiling',
      command: () => [...NODE, server('fastify-constant.mjs')],
      env: (port) => ({ BENCH_PORT: String(port) }),
    },
    {
      impl: 'isolated-vm',
      note: 'fastify + pool of 4 isolates, fresh context per request',
      command: () => [...NODE, server('fastify-isolated-vm.mjs')],
      env: (port) => ({ BENCH_PORT: String(port) }),
    },
    {
      impl: 'node:vm',
      note: 'fastify + node:vm, fresh context per request',
      command: () => [...NODE, server('fastify-node-vm.mjs')],
      env: (port) => ({ BENCH_PORT: String(port) }),
    },
    {
      impl: 'workerd',
      note: 'pre-deployed worker (code not sent)',
      available: () => (fs.existsSync(workerdBinary()) ? undefined : 'workerd is not installed'),
      command: (port) => [
        workerdBinary(),
        'serve',
        path.join(benchDir, 'http', 'workerd', 'config.capnp'),
        '--socket-addr',
        `http=${HOST}:${port}`,
      ],
      env: () => ({}),
    },
    {
      impl: 'isorun',
      note: 'isorun server',
      available: () => (fs.existsSync(isorunServer()) ? undefined : `isorun: not built (no ${isorunServer()})`),
      command: () => [...NODE, isorunServer()],
      env: (port) => ({ ISORUN_PORT: String(port), ISORUN_HOST: HOST }),
    },
  ];
}

/**
 * A server's environment: the bench's own, less the variables that only tell the bench where isorun is
 * (isorun's server refuses an ISORUN_ variable that is not one of its settings), plus the target's.
 */
export function serverEnv(target, port) {
  const env = { ...process.env, ...target.env(port) };
  delete env.ISORUN_NATIVE;
  delete env.ISORUN_SERVER;
  return env;
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, HOST, () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

async function post(url) {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: BODY });
  return { status: response.status, text: await response.text() };
}

/** Polls until the server answers; returns its first answer, or throws with what went wrong. */
export async function waitUntilServing(url, child) {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let lastError;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`exited (${child.exitCode ?? child.signalCode}) before serving`);
    }
    try {
      return await post(url);
    } catch (error) {
      lastError = error;
      await sleep(100);
    }
  }
  throw new Error(`not serving after ${READY_TIMEOUT_MS / 1000} s (${lastError?.cause?.code ?? lastError?.message})`);
}

function load(url, seconds, overallRate) {
  return autocannon({
    url,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: BODY,
    connections: CONNECTIONS,
    duration: seconds,
    ...(overallRate === undefined ? {} : { overallRate }),
  });
}

/** Latency rows at FIXED_RATE: autocannon's `-R` (per-second bursts) and the paced open-loop client. */
async function fixedRate(url, seconds) {
  const bursts = await load(url, seconds, FIXED_RATE);
  const paced = await pacedLoad({ url, body: BODY, rate: FIXED_RATE, seconds, connections: CONNECTIONS });
  const pacedFailures = paced.failed > 0 ? `${paced.failed} failed` : undefined;
  return [
    {
      metric: `latency at ${FIXED_RATE} req/s, autocannon -R`,
      unit: 'ns',
      median: bursts.latency.p50 * 1e6,
      p99: bursts.latency.p99 * 1e6,
      n: bursts.requests.total,
      note: 'each connection sends its share of the second at once: a 50-connection burst every second',
    },
    {
      metric: `latency at ${FIXED_RATE} req/s, paced`,
      unit: 'ns',
      median: percentile(paced.latenciesMs, 0.5) * 1e6,
      p99: percentile(paced.latenciesMs, 0.99) * 1e6,
      n: paced.sent,
      outcome: pacedFailures,
      note: 'open loop, one request every 1 ms, latency from its scheduled time (http/paced-load.mjs)',
    },
  ];
}

async function stop(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

/** Throughput and latency of one server; with `fixedRate` (the default) also its latency at FIXED_RATE. */
export async function measure(target, { seconds, warmupSeconds, fixedRate: atFixedRate = true }) {
  const port = await freePort();
  const url = `http://${HOST}:${port}/run`;
  const [command, ...args] = target.command(port);
  const child = spawn(command, args, {
    env: serverEnv(target, port),
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr = (stderr + chunk).slice(-2000)));
  try {
    const first = await waitUntilServing(url, child);
    let answer;
    try {
      answer = JSON.parse(first.text);
    } catch {
      answer = undefined;
    }
    if (first.status !== 200 || answer?.result !== 3) {
      return [{ outcome: `wrong answer: ${first.status} ${first.text.slice(0, 120)}` }];
    }
    await load(url, warmupSeconds);
    const result = await load(url, seconds);
    const fixed = atFixedRate ? await fixedRate(url, seconds) : [];
    const failures = result.non2xx + result.errors + result.timeouts;
    const outcome =
      failures > 0 ? `${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts` : undefined;
    return [
      {
        metric: 'throughput',
        unit: 'req/s',
        median: result.requests.p50,
        n: result.requests.total,
        outcome,
        note: `mean ${Math.round(result.requests.average)} req/s; ${target.note}`,
      },
      {
        metric: 'latency',
        unit: 'ns',
        median: result.latency.p50 * 1e6,
        p99: result.latency.p99 * 1e6,
        n: result.requests.total,
      },
      ...fixed,
    ];
  } catch (error) {
    const detail = stderr.trim().split('\n').at(-1) ?? '';
    return [{ outcome: `failed: ${error.message}${detail ? ` (${detail.slice(0, 100)})` : ''}` }];
  } finally {
    await stop(child);
  }
}

export const HTTP_BENCH = {
  name: 'http-run',
  title: `POST /run {"code":"(a,b)=>a+b","args":[1,2]}, ${CONNECTIONS} connections`,
  targets: {
    throughput: { ratioMin: 1.6 },
    [`latency at ${FIXED_RATE} req/s, autocannon -R`]: { p99Max: 5e6 },
    [`latency at ${FIXED_RATE} req/s, paced`]: { p99Max: 5e6 },
  },
};

/** Runs every target in turn; unavailable ones (isorun not built) are skipped with a message. */
export async function runHttpSuite({ quick = false, onProgress = () => {} } = {}) {
  const seconds = quick ? 3 : 10;
  const warmupSeconds = quick ? 1 : 3;
  const rows = [];
  for (const target of httpTargets()) {
    const missing = target.available?.();
    if (missing !== undefined) {
      onProgress(`  ${missing}: skipped`);
      continue;
    }
    onProgress(
      `  … ${HTTP_BENCH.name} / ${target.impl} (${warmupSeconds} s warm-up + ${seconds} s, then 2 × ${seconds} s at ${FIXED_RATE} req/s)`,
    );
    for (const row of await measure(target, { seconds, warmupSeconds })) {
      rows.push({ bench: HTTP_BENCH.name, title: HTTP_BENCH.title, impl: target.impl, ...row });
    }
  }
  return rows;
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === new URL(import.meta.url).pathname) {
  const quick = process.argv.includes('--quick');
  const rows = await runHttpSuite({ quick, onProgress: (line) => console.error(line) });
  console.log(formatTable(rows, [HTTP_BENCH]));
}
