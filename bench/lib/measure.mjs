// Timing and summaries: every sample is one operation timed on its own, so medians and p99s are real.
import fs from 'node:fs';

const now = process.hrtime.bigint;

export function timeSync(iterations, warmup, operation) {
  for (let i = 0; i < warmup; i++) operation(i);
  const samples = new Float64Array(iterations);
  for (let i = 0; i < iterations; i++) {
    const start = now();
    operation(i);
    samples[i] = Number(now() - start);
  }
  return samples;
}

/**
 * timeSync, plus the process's CPU time (user + system, every thread) per operation over the timed
 * loop, in ns: work an implementation hands to other threads shows here and not in the samples.
 */
export function timeSyncWithCpu(iterations, warmup, operation) {
  for (let i = 0; i < warmup; i++) operation(i);
  const before = process.cpuUsage();
  const samples = timeSync(iterations, 0, operation);
  const used = process.cpuUsage(before);
  return { samples, cpuPerOperation: ((used.user + used.system) * 1000) / iterations };
}

/** The metric row for timeSyncWithCpu's CPU figure (one value per round; rounds are pooled). */
export function cpuRow(cpuPerOperation, what) {
  return { metric: 'cpu', unit: 'ns', ...summarize([cpuPerOperation]), note: `process CPU (all threads) per ${what}` };
}

export async function timeAsync(iterations, warmup, operation) {
  for (let i = 0; i < warmup; i++) await operation(i);
  const samples = new Float64Array(iterations);
  for (let i = 0; i < iterations; i++) {
    const start = now();
    await operation(i);
    samples[i] = Number(now() - start);
  }
  return samples;
}

function quantile(sorted, q) {
  if (sorted.length === 0) return NaN;
  const position = (sorted.length - 1) * q;
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  return sorted[lower] + (sorted[upper] - sorted[lower]) * (position - lower);
}

/** Median, p99 and friends of nanosecond (or any unit) samples. */
export function summarize(samples) {
  const sorted = Float64Array.from(samples).sort();
  let total = 0;
  for (const value of sorted) total += value;
  return {
    median: quantile(sorted, 0.5),
    p99: quantile(sorted, 0.99),
    min: sorted[0],
    mean: total / sorted.length,
    n: sorted.length,
    // Raw samples travel to the parent, which pools the rounds of one implementation.
    samples: Array.from(samples),
  };
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Collects garbage in the host (children run with --expose-gc) and lets freed pages go back. */
export async function settle(ms = 100) {
  for (let i = 0; i < 3; i++) {
    globalThis.gc?.();
    await sleep(ms / 3);
  }
}

/** This process's resident set and its high-water mark, in bytes, from /proc (Linux). */
export function procMemory(pid = 'self') {
  const status = readProcStatus(pid);
  return status === undefined ? { rss: process.memoryUsage.rss(), hwm: NaN } : status;
}

export function readProcStatus(pid) {
  let text;
  try {
    text = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return undefined;
  }
  const kib = (field) => {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text);
    return match ? Number(match[1]) * 1024 : NaN;
  };
  return { rss: kib('VmRSS'), hwm: kib('VmHWM') };
}

/** Resets this process's peak-RSS mark (Linux clear_refs 5); false when the kernel refuses. */
export function resetPeakRss() {
  try {
    fs.writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
}
