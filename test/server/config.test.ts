import t from 'tap';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, helpText, ConfigError } from '../../config/load';
import { ConfigSchema, envName } from '../../config/schema';

const load = (env: Record<string, string> = {}, argv: string[] = []) => {
  const outcome = loadConfig({ argv, env });
  if (outcome.kind !== 'config') throw new Error('expected a config');
  return outcome.config;
};

t.test('defaults', async (t) => {
  const config = load();
  t.equal(config.host, '127.0.0.1');
  t.equal(config.port, 8080);
  t.equal(config.logLevel, 'info');
  t.ok(config.defaultTimeoutMs <= config.maxTimeoutMs);
});

t.test('environment variables override defaults, named from the setting', async (t) => {
  t.equal(envName('maxTimeoutMs'), 'ISORUN_MAX_TIMEOUT_MS');
  const config = load({
    ISORUN_PORT: '9090',
    ISORUN_LOG_LEVEL: 'debug',
    ISORUN_POOL_MAX_ISOLATES: ' 3 ',
    PATH: '/bin',
  });
  t.equal(config.port, 9090);
  t.equal(config.logLevel, 'debug');
  t.equal(config.poolMaxIsolates, 3);
});

t.test('invalid settings name the setting and the allowed range', async (t) => {
  t.throws(() => load({ ISORUN_PORT: '70000' }), {
    name: 'ConfigError',
    message: 'Invalid setting port (environment ISORUN_PORT): 70000 is not an integer from 0 to 65535.',
  });
  t.throws(() => load({ ISORUN_PORT: 'eighty' }), { message: /port .*"eighty" is not an integer from 0 to 65535/ });
  t.throws(() => load({ ISORUN_LOG_LEVEL: 'loud' }), {
    message: /logLevel .* is not one of fatal, error, warn, info, debug, trace, silent/,
  });
  t.throws(() => load({ ISORUN_POOL_MAX_ISOLATE: '3' }), { message: /Unknown setting ISORUN_POOL_MAX_ISOLATE/ });
  t.throws(() => load({ ISORUN_DEFAULT_TIMEOUT_MS: '5000', ISORUN_MAX_TIMEOUT_MS: '100' }), {
    message: /defaultTimeoutMs: 5000 is larger than maxTimeoutMs \(100\)/,
  });
  // A maximum lowered alone, below the default of the setting it bounds: the message names what was set.
  t.throws(() => load({ ISORUN_POOL_MAX_ISOLATES: '1' }), {
    message:
      'Invalid setting poolMaxIsolates: 1 is smaller than poolMinIsolates (2, its default); set poolMaxIsolates ' +
      'to at least 2, or lower poolMinIsolates (ISORUN_POOL_MIN_ISOLATES) too.',
  });
  t.equal(load({ ISORUN_POOL_MAX_ISOLATES: '1', ISORUN_POOL_MIN_ISOLATES: '1' }).poolMaxIsolates, 1);
  t.throws(() => load({ ISORUN_MAX_MEMORY_MB: '32' }), { message: /^Invalid setting maxMemoryMb: 32 is smaller/ });
  t.throws(() => load({ ISORUN_DEFAULT_TIMEOUT_MS: '40000' }), {
    message: /^Invalid setting defaultTimeoutMs: 40000 is larger than maxTimeoutMs \(30000\)/,
  });
  t.throws(() => load({}, ['--bogus']), ConfigError);
});

t.test('config file, overridden by the environment', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'isorun-config-'));
  const file = path.join(dir, 'settings.json');
  fs.writeFileSync(file, JSON.stringify({ port: 1234, queueMaxLength: 7 }));
  t.equal(load({}, ['--config', file]).port, 1234);
  t.equal(load({ ISORUN_PORT: '4321' }, [`--config=${file}`]).port, 4321);
  t.equal(load({}, ['--config', file]).queueMaxLength, 7);
  fs.writeFileSync(file, JSON.stringify({ prot: 1 }));
  t.throws(() => load({}, ['--config', file]), { message: /Unknown setting prot in config file/ });
  fs.writeFileSync(file, JSON.stringify({ maxMemoryMb: 4 }));
  t.throws(() => load({}, ['--config', file]), {
    message: /maxMemoryMb \(config file .*\): 4 is not an integer from 8 to 512/,
  });
  fs.writeFileSync(file, '{ not json');
  t.throws(() => load({}, ['--config', file]), { message: /Cannot read config file/ });
  t.throws(() => load({}, ['--config']), { message: '--config needs a file path.' });
});

t.test('--help lists every setting with its default and environment name', async (t) => {
  const outcome = loadConfig({ argv: ['--help'], env: {} });
  t.equal(outcome.kind, 'help');
  const text = helpText();
  for (const [name, schema] of Object.entries(ConfigSchema.properties)) {
    t.match(text, `  ${name}\n      env ${envName(name)}, default ${JSON.stringify(schema.default)}`);
  }
  t.match(text, 'Each of these must not exceed the other:\n  defaultTimeoutMs <= maxTimeoutMs\n');
});
