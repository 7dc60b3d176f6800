// Builds a real isorun app (real engine, real pool) for tests, with settings overridden per test file.
// Every server test runs under the V8 flags that `npm start` sets (server/main.ts), as production does.
import type { Test } from 'tap';
import { loadConfig } from '../../config/load';
import type { Config } from '../../config/schema';
import { buildApp, type IsorunApp } from '../../server/app';
import type { Lease, PoolOptions } from '../../server/pool';
import { readGuestRuntime } from '../../server/runtime/bundle';
import { applyServerV8Flags } from '../../server/v8-flags';

applyServerV8Flags();

export function testConfig(overrides: Partial<Config> = {}): Config {
  const outcome = loadConfig({ argv: [], env: {} });
  if (outcome.kind !== 'config') throw new Error('expected a config');
  return { ...outcome.config, logLevel: 'silent', poolMinIsolates: 1, poolMaxIsolates: 2, ...overrides };
}

/** Options for an IsolatePool used on its own (small caps and limits). */
export function poolOptions(overrides: Partial<PoolOptions> = {}): PoolOptions {
  return {
    minIsolates: 2,
    maxIsolates: 2,
    maxUsesPerIsolate: 1000,
    recycleHeapPercent: 90,
    queueMaxLength: 10,
    queueMaxWaitMs: 5000,
    defaultMemoryMb: 32,
    guestLimits: { logMaxEntries: 10, logMaxBytes: 1000, resultMaxBytes: 1000 },
    runtimeSource: readGuestRuntime(),
    ...overrides,
  };
}

export async function startApp(t: Test, overrides: Partial<Config> = {}): Promise<IsorunApp> {
  const isorun = await buildApp(testConfig(overrides));
  await isorun.app.ready();
  t.teardown(() => isorun.app.close());
  return isorun;
}

/** POST /run through inject; returns status, parsed body and headers. */
export async function run(isorun: IsorunApp, body: unknown) {
  const response = await isorun.app.inject({ method: 'POST', url: '/run', payload: body as object });
  return { status: response.statusCode, body: response.json(), headers: response.headers };
}

/**
 * Leaves in a lease's context what a guest can leave in an isolate: objects just collected whose
 * FinalizationRegistry callback spins, which V8 runs after this call, outside any, until the engine
 * disposes the isolate at 200 ms. Raw code, outside any invocation, so the runtime lets the callback run.
 * Guests can call `gc()` here: the tests run with --expose-gc (.taprc), which V8 gives every context.
 */
export async function armFinalizationOverrun(lease: Lease): Promise<void> {
  const script = await lease.isolate.compileScript(`{
    const registry = new FinalizationRegistry(() => { while (true) {} });
    (() => { for (let i = 0; i < 200; i++) registry.register({}, i) })();
    globalThis.registry = registry;
    gc();
  }`);
  await script.run(lease.context.context);
  script.release();
}

/** Resolves once `condition` holds; fails the test if it has not within `withinMs` (generous: not a timing test). */
export async function eventually(t: Test, condition: () => boolean, what: string, withinMs = 10_000): Promise<void> {
  const end = Date.now() + withinMs;
  while (!condition() && Date.now() < end) await new Promise((resolve) => setTimeout(resolve, 10));
  t.ok(condition(), what);
}
