// `npm start`: load the config, start the server, and on SIGTERM/SIGINT stop taking requests, let
// in-flight invocations finish within the grace period, dispose every isolate and exit 0.
import closeWithGrace from 'close-with-grace';
import { ConfigError, loadConfig } from '../config/load';
import { buildApp } from './app';
import { applyServerV8Flags } from './v8-flags';

/** Past the grace period the remaining invocations are cut (their isolates disposed); this is the margin after that. */
const FORCED_CLOSE_MARGIN_MS = 2000;
/**
 * Signals of a fault keep their default action: the process ends and its supervisor sees a crash.
 * close-with-grace would take them as requests to shut down, and a handler that returns from a real fault
 * re-runs the faulting instruction: the server spun on it on every thread, at full CPU, forever.
 */
const FAULT_SIGNALS = ['SIGILL', 'SIGTRAP', 'SIGABRT', 'SIGBUS', 'SIGFPE', 'SIGSEGV'] as const;

async function main(): Promise<void> {
  let outcome;
  try {
    outcome = loadConfig({ argv: process.argv.slice(2), env: process.env });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`isorun: ${error.message}\n`);
    process.exit(2);
  }
  if (outcome.kind === 'help') {
    process.stdout.write(outcome.text);
    return;
  }
  const config = outcome.config;
  applyServerV8Flags();
  const { app, pool } = await buildApp(config);
  closeWithGrace(
    { delay: config.gracePeriodMs + FORCED_CLOSE_MARGIN_MS, logger: app.log, skip: [...FAULT_SIGNALS] },
    async ({ signal, err }) => {
      if (err !== undefined) app.log.error({ err }, 'shutting down after an uncaught error');
      else app.log.info({ signal }, 'shutting down');
      const cut = setTimeout(() => {
        app.log.warn('grace period over: disposing isolates of unfinished invocations');
        pool.close({ force: true });
      }, config.gracePeriodMs);
      await app.close();
      clearTimeout(cut);
    },
  );
  await app.listen({ host: config.host, port: config.port });
}

void main();
