// Every isorun metric, defined here and only here (the only file that knows prom-client).
// Pool and invoker report through observer interfaces; gauges are read at scrape time.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { InvocationObserver, InvocationReport, Outcome } from './invoker';
import type { DisposeReason, IsolatePool, PoolObserver } from './pool';
import { DISPOSE_REASONS } from './pool';

const OUTCOMES: readonly Outcome[] = ['ok', 'error', 'timeout', 'memory', 'rejected'];
const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const HEAP_FIELDS = {
  used: 'used_heap_size',
  total: 'total_heap_size',
  limit: 'heap_size_limit',
  external: 'externally_allocated_size',
} as const;

export class Metrics implements PoolObserver, InvocationObserver {
  readonly registry = new Registry();
  #pool: IsolatePool | undefined;

  readonly #invocations = new Counter({
    name: 'isorun_invocations_total',
    help: 'Invocations of POST /run by outcome.',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  readonly #duration = new Histogram({
    name: 'isorun_invocation_duration_seconds',
    help: 'Wall-clock time of an invocation in its isolate, from compile to result (queue wait excluded).',
    labelNames: ['outcome'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  readonly #cpu = new Histogram({
    name: 'isorun_invocation_cpu_seconds',
    help: 'CPU time an invocation spent running guest code.',
    labelNames: ['outcome'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  readonly #queueWait = new Histogram({
    name: 'isorun_queue_wait_seconds',
    help: 'Time an invocation waited for an isolate, turned-away (OVERLOADED) waits included.',
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  readonly #created = new Counter({
    name: 'isorun_isolates_created_total',
    help: 'Guest isolates created.',
    registers: [this.registry],
  });
  readonly #disposed = new Counter({
    name: 'isorun_isolates_disposed_total',
    help: 'Guest isolates disposed, by reason.',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  readonly #http = new Histogram({
    name: 'isorun_http_request_duration_seconds',
    help: 'HTTP request duration by route template.',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    for (const outcome of OUTCOMES) this.#invocations.inc({ outcome }, 0);
    for (const reason of DISPOSE_REASONS) this.#disposed.inc({ reason }, 0);
    const pool = () => this.#pool;
    new Gauge({
      name: 'isorun_pool_isolates',
      help: 'Isolates in the pool by state.',
      labelNames: ['state'] as const,
      registers: [this.registry],
      collect() {
        const counts = pool()?.counts() ?? { idle: 0, busy: 0 };
        this.set({ state: 'idle' }, counts.idle);
        this.set({ state: 'busy' }, counts.busy);
      },
    });
    new Gauge({
      name: 'isorun_queue_length',
      help: 'Invocations waiting for an isolate.',
      registers: [this.registry],
      collect() {
        this.set(pool()?.counts().queued ?? 0);
      },
    });
    for (const [name, field] of Object.entries(HEAP_FIELDS)) {
      new Gauge({
        name: `isorun_isolate_heap_${name}_bytes`,
        help: `Sum over pooled isolates of V8's ${field}.`,
        registers: [this.registry],
        async collect() {
          const isolates = pool()?.isolates() ?? [];
          const statistics = await Promise.all(
            isolates.map((isolate) => isolate.getHeapStatistics().catch(() => undefined)),
          );
          this.set(statistics.reduce((sum, heap) => sum + (heap?.[field] ?? 0), 0));
        },
      });
    }
  }

  attachPool(pool: IsolatePool): void {
    this.#pool = pool;
  }

  isolateCreated(): void {
    this.#created.inc();
  }

  isolateDisposed(reason: DisposeReason): void {
    this.#disposed.inc({ reason });
  }

  invocation(outcome: Outcome, { queueMs, stats, cpuMeasured = true }: InvocationReport): void {
    this.#invocations.inc({ outcome });
    if (queueMs !== undefined) this.#queueWait.observe(queueMs / 1000);
    if (stats === undefined) return;
    this.#duration.observe({ outcome }, stats.wallMs / 1000);
    // An unknown CPU time is left out rather than counted as zero.
    if (cpuMeasured) this.#cpu.observe({ outcome }, stats.cpuMs / 1000);
  }

  httpRequest(method: string, route: string, statusCode: number, seconds: number): void {
    this.#http.observe({ method, route, status_code: String(statusCode) }, seconds);
  }
}
