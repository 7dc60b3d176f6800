// The tables stay in step: error codes, routes and statuses against openapi.yaml and README.md;
// settings and metrics against README.md.
import t from 'tap';
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { ConfigSchema, envName } from '../../config/schema';
import { ERRORS } from '../../server/errors';
import { startApp } from './helpers';

const root = path.join(__dirname, '..', '..');
const openapi = parse(fs.readFileSync(path.join(root, 'openapi.yaml'), 'utf8'));
const docs = fs.readFileSync(path.join(root, 'README.md'), 'utf8');

t.test('openapi.yaml is OpenAPI 3.1', async (t) => {
  t.match(openapi.openapi, /^3\.1\./);
});

t.test('every error code is in openapi.yaml and README.md with its status', async (t) => {
  t.same([...openapi.components.schemas.Problem.properties.code.enum].sort(), Object.keys(ERRORS).sort());
  const statusesOfRun = Object.keys(openapi.paths['/run'].post.responses);
  for (const [code, { status }] of Object.entries(ERRORS)) {
    t.match(openapi.info.description, `| ${status} | \`${code}\` |`, `${code} in the openapi.yaml table`);
    t.match(docs, `| ${status} | \`${code}\` |`, `${code} in README.md`);
    if (code !== 'NOT_FOUND') t.ok(statusesOfRun.includes(String(status)), `POST /run documents ${status} for ${code}`);
  }
  const rows = [...docs.matchAll(/^\| (\d{3}) \| `([A-Z_]+)` \|/gm)].map((match) => match[2]);
  t.same(rows.sort(), Object.keys(ERRORS).sort(), 'docs list no code the table lacks');
});

t.test('every route and status matches openapi.yaml', async (t) => {
  const { routes } = await startApp(t);
  const served = routes.map((route) => `${route.method} ${route.url}`).sort();
  const documented = Object.entries(openapi.paths as Record<string, Record<string, unknown>>)
    .flatMap(([url, methods]) => Object.keys(methods).map((method) => `${method.toUpperCase()} ${url}`))
    .sort();
  t.same(served, documented, 'the same routes');
  for (const route of routes) {
    const operation = openapi.paths[route.url][route.method.toLowerCase()];
    t.same(route.statuses.sort(), Object.keys(operation.responses).sort(), `${route.method} ${route.url} statuses`);
  }
});

t.test('every setting is in README.md with its environment name and default', async (t) => {
  for (const [name, schema] of Object.entries(ConfigSchema.properties)) {
    t.match(docs, `| \`${name}\` | \`${envName(name)}\` | \`${JSON.stringify(schema.default)}\` |`, name);
  }
});

t.test('every metric is in README.md', async (t) => {
  const { metrics } = await startApp(t);
  const names = (await metrics.registry.getMetricsAsJSON())
    .map((metric) => metric.name)
    .filter((name) => name.startsWith('isorun_'));
  t.ok(names.length >= 12);
  for (const name of names) t.match(docs, `| \`${name}\` |`, name);
  const documented = [...docs.matchAll(/^\| `(isorun_[a-z_]+)` \|/gm)].map((match) => match[1]);
  t.same(documented.sort(), names.sort(), 'docs list no metric that does not exist');
});
