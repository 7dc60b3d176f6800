// `npm run bench`: installs the benchmark's own dependencies when missing, runs the engine and
// snapshot suites (or the HTTP suite with --http, or all with --all) and prints one table.
//
//   npm run bench [-- --http | --all] [--quick] [--filter NAME] [--impls a,b] [--json FILE]
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { benchDir, isorunSpecifier } from './lib/impls.mjs';

const argv = process.argv.slice(2);
const flag = (name) => argv.includes(name);
const option = (name) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : undefined);

const ENGINE_BENCHES = [
  'engine/isolate-lifecycle.bench.mjs',
  'engine/context-json.bench.mjs',
  'engine/run-async.bench.mjs',
  'engine/run-sync.bench.mjs',
  'engine/parallel-sum.bench.mjs',
  'engine/rss-per-isolate.bench.mjs',
  'engine/memory-limit.bench.mjs',
  'engine/dispose-stall.bench.mjs',
  'snapshot/create-snapshot.bench.mjs',
  'snapshot/snapshot-boot.bench.mjs',
  'snapshot/snapshot-context.bench.mjs',
  'snapshot/cold-boot.bench.mjs',
];

/** What must exist for the suites to run; a missing one means `npm --prefix bench install`. */
const REQUIRED = [
  'node_modules/isolated-vm/out/isolated_vm.node',
  'node_modules/autocannon/package.json',
  'node_modules/fastify/package.json',
  'node_modules/workerd/package.json',
];

function installDependencies() {
  const missing = REQUIRED.filter((file) => !fs.existsSync(path.join(benchDir, file)));
  if (missing.length === 0) return;
  console.error(
    `bench: installing benchmark dependencies (missing ${missing.join(', ')}); isolated-vm may build from source`,
  );
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = spawnSync(npm, ['--prefix', benchDir, 'install', '--no-audit', '--no-fund'], { stdio: 'inherit' });
  if (result.status !== 0) {
    console.error('bench: `npm --prefix bench install` failed');
    process.exit(1);
  }
}

/** Loads isorun's engine in a child with the flag it needs and runs `1+1`; the reason if it can't. */
function probeIsorun() {
  const script = `
    const { createRequire } = require('node:module');
    const engine = createRequire(${JSON.stringify(path.join(benchDir, 'package.json'))})(${JSON.stringify(isorunSpecifier())});
    const isolate = new engine.Isolate({ memoryLimit: 32 });
    const result = isolate.compileScriptSync('1+1').runSync(isolate.createContextSync());
    isolate.dispose();
    if (result !== 2) throw new Error('1+1 gave ' + result);`;
  const result = spawnSync(process.execPath, ['--no-node-snapshot', '-e', script], {
    encoding: 'utf8',
    timeout: 30_000,
  });
  if (result.status === 0) return undefined;
  const lines = `${result.stderr}`.split('\n').map((line) => line.trim());
  return lines.find((line) => /^(Error|TypeError|RangeError)/.test(line)) ?? result.signal ?? 'failed to load';
}

function machineLine() {
  const [one, five] = os.loadavg();
  return (
    `node ${process.version} (V8 ${process.versions.v8}), ${os.cpus().length} × ${os.cpus()[0]?.model?.trim()}, ` +
    `${Math.round(os.totalmem() / 2 ** 30)} GiB; load average ${one.toFixed(2)} / ${five.toFixed(2)} at start`
  );
}

async function main() {
  installDependencies();
  const { runBench } = await import('./lib/runner.mjs');
  const { formatTable } = await import('./lib/report.mjs');
  const quick = flag('--quick');
  const filter = option('--filter');
  const runEngine = !flag('--http') || flag('--all');
  const runHttp = flag('--http') || flag('--all');
  let impls = option('--impls')?.split(',') ?? ['isolated-vm', 'isorun', 'node:vm'];

  const machine = machineLine();
  console.error(machine);
  const isorunProblem = probeIsorun();
  if (isorunProblem !== undefined) {
    console.error(`isorun: not built (${isorunProblem}); its rows are skipped`);
    impls = impls.filter((impl) => impl !== 'isorun');
  } else {
    console.error(`isorun: engine from ${isorunSpecifier()}`);
  }

  const rows = [];
  const benches = [];
  if (runEngine) {
    for (const file of ENGINE_BENCHES) {
      const { default: bench } = await import(`./${file}`);
      if (filter !== undefined && !bench.name.includes(filter)) continue;
      benches.push(bench);
      console.error(`${bench.name}: ${bench.title}`);
      rows.push(...(await runBench(bench, { quick, impls, onProgress: (line) => console.error(line) })));
    }
  }
  if (runHttp) {
    const { HTTP_BENCH, runHttpSuite } = await import('./http/http.bench.mjs');
    benches.push(HTTP_BENCH);
    console.error(`${HTTP_BENCH.name}: ${HTTP_BENCH.title}`);
    rows.push(...(await runHttpSuite({ quick, onProgress: (line) => console.error(line) })));
  }

  console.log(`\n${machine}${quick ? ' — QUICK run: fewer iterations, figures are rough' : ''}\n`);
  console.log(formatTable(rows, benches));
  const jsonFile = option('--json');
  if (jsonFile !== undefined) {
    fs.writeFileSync(jsonFile, `${JSON.stringify({ machine, quick, rows }, null, 2)}\n`);
  }
}

await main();
