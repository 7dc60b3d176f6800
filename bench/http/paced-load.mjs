// An open-loop load generator: requests leave at evenly spaced times (rate per second), whatever the
// answers do, over a pool of keep-alive connections; each latency counts from the request's scheduled
// time, so a stalled server is not hidden (no coordinated omission). autocannon's `-R` is closed-loop
// per second instead: every connection sends its share of the second at once, then waits for the next
// second, so its figures are those of a 50-connection burst, not of a steady rate.
import http from 'node:http';

/**
 * The first `warmupSeconds` run the same schedule over the same connections and are not counted: they
 * open the connections and warm this process's HTTP client, whose first requests took up to ~30 ms here
 * (a fifth of the slowest 1% of a 10 s run at 1,000 req/s came from its first 20 ms).
 * `onWarmedUp` is called between the two (to start measuring anything else at the same moment).
 * @param {{ url: string, body: string, rate: number, seconds: number, connections?: number, warmupSeconds?: number, onWarmedUp?: () => void }} options
 * @returns {Promise<{ sent: number, ok: number, failed: number, latenciesMs: number[] }>}
 */
export async function pacedLoad({ url, body, rate, seconds, connections = 50, warmupSeconds = 1, onWarmedUp }) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  try {
    if (warmupSeconds > 0) await paced({ agent, url, body, rate, seconds: warmupSeconds });
    onWarmedUp?.();
    return await paced({ agent, url, body, rate, seconds });
  } finally {
    agent.destroy();
  }
}

async function paced({ agent, url, body, rate, seconds }) {
  const target = new URL(url);
  const total = Math.round(rate * seconds);
  const intervalNs = 1e9 / rate;
  const latenciesMs = [];
  let ok = 0;
  let failed = 0;
  let finished = 0;
  const start = process.hrtime.bigint();
  const done = new Promise((resolve) => {
    const send = (scheduled) => {
      const request = http.request(
        {
          host: target.hostname,
          port: target.port,
          path: target.pathname,
          method: 'POST',
          agent,
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        },
        (response) => {
          response.resume();
          response.on('end', () => {
            latenciesMs.push(Number(process.hrtime.bigint() - scheduled) / 1e6);
            if (response.statusCode === 200) ok++;
            else failed++;
            if (++finished === total) resolve();
          });
        },
      );
      request.on('error', () => {
        failed++;
        if (++finished === total) resolve();
      });
      request.end(body);
    };
    let sent = 0;
    const pump = () => {
      const now = process.hrtime.bigint();
      while (sent < total && start + BigInt(Math.round(sent * intervalNs)) <= now) {
        send(start + BigInt(Math.round(sent * intervalNs)));
        sent++;
      }
      if (sent < total) setTimeout(pump, 0);
    };
    pump();
  });
  await done;
  return { sent: total, ok, failed, latenciesMs };
}

export const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
};
