// Builds the validated Config from defaults, an optional JSON file (`--config path`) and ISORUN_* variables.
import fs from 'node:fs';
import { Value } from '@sinclair/typebox/value';
import type { TSchema } from '@sinclair/typebox';
import { ConfigSchema, ORDERED_SETTINGS, envName, type Config, type SettingName } from './schema';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export type LoadOutcome = { kind: 'help'; text: string } | { kind: 'config'; config: Config };

export interface LoadInput {
  argv: readonly string[];
  env: Readonly<Record<string, string | undefined>>;
}

const settings = ConfigSchema.properties as Record<SettingName, TSchema>;
const settingNames = Object.keys(settings) as SettingName[];

/** Human wording of what a setting accepts, from its schema. */
export function describeAllowed(schema: TSchema): string {
  if (schema.type === 'integer') return `an integer from ${schema.minimum} to ${schema.maximum}`;
  if (schema.type === 'string') return 'a non-empty string';
  if (Array.isArray(schema.anyOf)) return `one of ${schema.anyOf.map((option: TSchema) => option.const).join(', ')}`;
  throw new Error(`config/schema.ts: no wording for schema type ${String(schema.type)}`);
}

function checkSetting(name: SettingName, value: unknown, source: string): void {
  const schema = settings[name];
  if (!Value.Check(schema, value)) {
    throw new ConfigError(
      `Invalid setting ${name} (${source}): ${JSON.stringify(value)} is not ${describeAllowed(schema)}.`,
    );
  }
}

function fromEnvString(name: SettingName, raw: string): unknown {
  if (settings[name].type !== 'integer') return raw;
  const trimmed = raw.trim();
  return /^-?\d+$/.test(trimmed) ? Number(trimmed) : raw;
}

function readFileSettings(file: string): Partial<Record<SettingName, unknown>> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigError(`Cannot read config file ${file}: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError(`Config file ${file} must hold a JSON object of settings.`);
  }
  for (const key of Object.keys(parsed)) {
    if (!(key in settings)) {
      throw new ConfigError(
        `Unknown setting ${key} in config file ${file}; known settings: ${settingNames.join(', ')}.`,
      );
    }
  }
  return parsed as Partial<Record<SettingName, unknown>>;
}

function parseArgs(argv: readonly string[]): { help: boolean; configFile?: string } {
  let help = false;
  let configFile: string | undefined;
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index]!;
    if (arg === '--help' || arg === '-h') help = true;
    else if (arg === '--config') {
      configFile = argv[++index];
      if (configFile === undefined) throw new ConfigError('--config needs a file path.');
    } else if (arg.startsWith('--config=')) configFile = arg.slice('--config='.length);
    else throw new ConfigError(`Unknown argument ${arg}; use --help to list settings.`);
  }
  return configFile === undefined ? { help } : { help, configFile };
}

/** Settings precedence: defaults < config file < environment. */
export function loadConfig({ argv, env }: LoadInput): LoadOutcome {
  const args = parseArgs(argv);
  if (args.help) return { kind: 'help', text: helpText() };

  const config: Record<string, unknown> = Value.Default(ConfigSchema, {}) as Config;
  /** Settings the file or the environment gave (the others keep their defaults). */
  const given = new Set<string>();
  if (args.configFile !== undefined) {
    for (const [name, value] of Object.entries(readFileSettings(args.configFile))) {
      checkSetting(name as SettingName, value, `config file ${args.configFile}`);
      config[name] = value;
      given.add(name);
    }
  }
  const envNames = new Map(settingNames.map((name) => [envName(name), name]));
  for (const [variable, raw] of Object.entries(env)) {
    if (!variable.startsWith('ISORUN_') || raw === undefined) continue;
    const name = envNames.get(variable);
    if (name === undefined) {
      throw new ConfigError(`Unknown setting ${variable}; use --help to list settings.`);
    }
    const value = fromEnvString(name, raw);
    checkSetting(name, value, `environment ${variable}`);
    config[name] = value;
    given.add(name);
  }
  for (const [smaller, larger] of ORDERED_SETTINGS) {
    if ((config[smaller] as number) <= (config[larger] as number)) continue;
    // Name the setting that was given: lowering a maximum alone trips over the default below it.
    if (given.has(larger) && !given.has(smaller)) {
      throw new ConfigError(
        `Invalid setting ${larger}: ${String(config[larger])} is smaller than ${smaller} (${String(config[smaller])}, ` +
          `its default); set ${larger} to at least ${String(config[smaller])}, or lower ${smaller} ` +
          `(${envName(smaller)}) too.`,
      );
    }
    throw new ConfigError(
      `Invalid setting ${smaller}: ${String(config[smaller])} is larger than ${larger} (${String(config[larger])}); ` +
        `it must be an integer from ${settings[smaller].minimum} to ${larger}.`,
    );
  }
  return { kind: 'config', config: config as Config };
}

/** `--help`: every setting with its environment variable, default and allowed values. */
export function helpText(): string {
  const lines = [
    'Usage: npm start -- [--config settings.json] [--help]',
    '',
    'Settings come from defaults, then the JSON file given with --config, then ISORUN_* environment variables.',
    '',
  ];
  for (const name of settingNames) {
    const schema = settings[name];
    lines.push(`  ${name}`);
    lines.push(`      env ${envName(name)}, default ${JSON.stringify(schema.default)}, ${describeAllowed(schema)}`);
    lines.push(`      ${String(schema.description)}`);
  }
  lines.push('', 'Each of these must not exceed the other:');
  for (const [smaller, larger] of ORDERED_SETTINGS) lines.push(`  ${smaller} <= ${larger}`);
  return lines.join('\n') + '\n';
}
