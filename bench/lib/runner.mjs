// Runs one benchmark file: in a child process per implementation (and per variant), so a crash,
// a leak or RSS growth in one never touches another. A file run directly prints its own table.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { IMPLS, loadEngine } from './impls.mjs';
import { readProcStatus, summarize } from './measure.mjs';
import { formatTable } from './report.mjs';

/** Flags every child runs with: guests need Node's startup snapshot off; RSS scenarios need gc(). */
export const CHILD_NODE_FLAGS = ['--no-node-snapshot', '--expose-gc'];
const RESULT_PREFIX = '@@RESULT ';
const INFO_PREFIX = '@@INFO ';
const CHILD_TIMEOUT_MS = 10 * 60 * 1000;
// The line of a dying child's stderr that says why: V8's and Node's fatal-error banners.
const FATAL_MARKERS = /fatal|out of memory|CALL_AND_RETRY|Check failed|Segmentation|Error:/i;

/**
 * A benchmark: `run(ctx)` measures one implementation (and variant) and returns rows
 * `{ metric, unit, median, p99?, n?, outcome?, note? }`. Optional: `variants`, `targets`
 * (`{ [metric]: { ratioMax } | { max } | { min } }`, judged on isorun's row), `monitor(variant)`
 * (`{ rssCapBytes, timeoutMs }`: the parent watches the child's memory), `onChildExit(child)`,
 * `rounds` (children per implementation, alternating; 1 for one-shot measurements).
 */
export function defineBench(def) {
  const file = fileURLToPath(def.file);
  const bench = { impls: IMPLS, variants: [undefined], targets: {}, ...def, path: file };
  if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === file) {
    main(bench).catch((error) => {
      console.error(error);
      process.exit(1);
    });
  }
  return bench;
}

function argValue(argv, name) {
  const index = argv.indexOf(name);
  return index === -1 ? undefined : argv[index + 1];
}

async function main(bench) {
  const argv = process.argv.slice(2);
  const impl = argValue(argv, '--impl');
  const quick = argv.includes('--quick') || process.env.BENCH_QUICK === '1';
  if (impl !== undefined) {
    await runInThisProcess(bench, impl, argValue(argv, '--variant'), quick, Number(argValue(argv, '--rounds') ?? 1));
    return;
  }
  const impls = argValue(argv, '--impls')?.split(',');
  const rows = await runBench(bench, { quick, impls, onProgress: (line) => console.error(line) });
  console.log(formatTable(rows, [bench]));
}

/** Sends a line to the parent; other output of the child is only diagnostics. */
export function emitInfo(info) {
  process.stdout.write(`${INFO_PREFIX}${JSON.stringify(info)}\n`);
}

async function runInThisProcess(bench, impl, variant, quick, rounds) {
  const emit = (row) => process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(row)}\n`);
  let engine;
  try {
    engine = loadEngine(impl);
  } catch (error) {
    emit({ outcome: 'not built', note: firstLine(error.message) });
    process.exit(0);
  }
  const ctx = {
    impl,
    engine,
    variant,
    quick,
    /** This child's share of the iterations: the full figure (a tenth for a smoke run) over the rounds. */
    iterations: (full) => Math.max(20, Math.round((quick ? full / 10 : full) / rounds)),
  };
  try {
    for (const row of await bench.run(ctx)) emit(row);
  } catch (error) {
    emit({ outcome: `error: ${firstLine(error?.message ?? String(error))}` });
  }
  // Pipes to the parent are synchronous on Linux, so every row is out; don't wait on guest handles.
  process.exit(0);
}

const firstLine = (text) => String(text).split('\n')[0].slice(0, 200);

/**
 * Runs every implementation and variant of `bench`, each in its own child, in `bench.rounds`
 * alternating rounds (A B C A B C …) so that a machine whose load drifts treats all alike;
 * the rounds' samples are pooled. Returns the rows.
 */
export async function runBench(bench, { quick = false, impls, onProgress = () => {} } = {}) {
  const rounds = bench.rounds ?? DEFAULT_ROUNDS;
  const cells = [];
  for (const impl of bench.impls) {
    if (impls !== undefined && !impls.includes(impl)) continue;
    for (const variant of bench.variants) cells.push({ impl, variant, rounds: [] });
  }
  for (let round = 0; round < rounds; round++) {
    for (const cell of cells) {
      const label = [bench.name, cell.variant, cell.impl].filter(Boolean).join(' / ');
      onProgress(`  … ${label}${rounds > 1 ? ` (round ${round + 1} of ${rounds})` : ''}`);
      const child = await runChild(bench, cell.impl, cell.variant, quick, rounds);
      cell.rounds.push(bench.onChildExit ? bench.onChildExit(child) : defaultRows(child));
    }
  }
  return cells.flatMap(({ impl, variant, rounds: results }) =>
    poolRounds(results).map((row) => ({ bench: bench.name, title: bench.title, impl, variant, ...row })),
  );
}

const DEFAULT_ROUNDS = 3;

/** One row per metric: samples pooled over the rounds; a failure in any round is kept visible. */
function poolRounds(results) {
  const pooled = new Map();
  for (const rows of results) {
    for (const row of rows) {
      const key = row.metric ?? '';
      const seen = pooled.get(key);
      if (seen === undefined) pooled.set(key, { ...row });
      else if (Array.isArray(seen.samples) && Array.isArray(row.samples)) {
        seen.samples.push(...row.samples);
        seen.outcome ??= row.outcome;
      } else if (row.outcome !== undefined && seen.outcome === undefined) pooled.set(key, { ...row });
    }
  }
  return [...pooled.values()].map(({ samples, ...row }) => {
    if (!Array.isArray(samples) || samples.length === 0) return row;
    const { samples: _pooled, ...summary } = summarize(samples);
    return { ...row, ...summary };
  });
}

function defaultRows(child) {
  if (child.rows.length > 0) return child.rows;
  return [{ outcome: describeExit(child) }];
}

/** How a child that reported nothing ended: "crashed (SIGSEGV)", "killed: …", "exit 1: …". */
export function describeExit(child) {
  if (child.killedReason) return `killed: ${child.killedReason}`;
  const lines = child.stderrTail
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  const detail = (lines.find((line) => FATAL_MARKERS.test(line)) ?? lines.at(-1) ?? '').slice(0, 100);
  const how = child.signal ? child.signal : `exit ${child.code}`;
  return `crashed (${how}${detail ? `: ${detail}` : ''})`;
}

/** Extra Node/V8 flags for every child, the same for every impl: `BENCH_NODE_FLAGS="--a --b"`. */
const extraNodeFlags = () => (process.env.BENCH_NODE_FLAGS ?? '').split(/\s+/).filter(Boolean);

function runChild(bench, impl, variant, quick, rounds) {
  const args = [...CHILD_NODE_FLAGS, ...extraNodeFlags(), bench.path, '--impl', impl, '--rounds', String(rounds)];
  if (variant !== undefined) args.push('--variant', variant);
  if (quick) args.push('--quick');
  const monitor = bench.monitor?.(variant) ?? {};
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const result = { rows: [], info: {}, code: null, signal: null, killedReason: undefined, stderrTail: '' };
    result.peakRss = 0;
    let pending = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => {
      pending += chunk;
      let newline;
      while ((newline = pending.indexOf('\n')) !== -1) {
        const line = pending.slice(0, newline);
        pending = pending.slice(newline + 1);
        if (line.startsWith(RESULT_PREFIX)) result.rows.push(JSON.parse(line.slice(RESULT_PREFIX.length)));
        else if (line.startsWith(INFO_PREFIX)) Object.assign(result.info, JSON.parse(line.slice(INFO_PREFIX.length)));
        else if (process.env.BENCH_VERBOSE) process.stderr.write(`    ${line}\n`);
      }
    });
    child.stderr.setEncoding('utf8').on('data', (chunk) => {
      result.stderrTail = (result.stderrTail + chunk).slice(-4000);
      if (process.env.BENCH_VERBOSE) process.stderr.write(chunk);
    });
    const kill = (reason) => {
      if (result.killedReason === undefined) result.killedReason = reason;
      child.kill('SIGKILL');
    };
    const deadline = setTimeout(
      () => kill(`still running after ${(monitor.timeoutMs ?? CHILD_TIMEOUT_MS) / 1000} s`),
      monitor.timeoutMs ?? CHILD_TIMEOUT_MS,
    );
    // The parent watches memory from outside, so a child that dies still leaves its peak behind.
    const watcher = setInterval(() => {
      const status = readProcStatus(child.pid);
      if (status === undefined) return;
      result.peakRss = Math.max(result.peakRss, status.hwm || 0, status.rss || 0);
      if (monitor.rssCapBytes !== undefined && status.rss > monitor.rssCapBytes) {
        kill(`RSS passed the harness cap of ${Math.round(monitor.rssCapBytes / 2 ** 20)} MB`);
      }
    }, 5);
    child.on('close', (code, signal) => {
      clearTimeout(deadline);
      clearInterval(watcher);
      result.code = code;
      result.signal = signal;
      resolve(result);
    });
  });
}
