// Child Node processes for the tests that need a fresh process (exit, load flags, package
// exports). Loads no engine itself, so it works where the engine cannot load.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

export const repoRoot = path.resolve(__dirname, '..', '..');

export interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
  timedOut: boolean;
  /** Milliseconds from the first time stdout contained `mark` until the process ended. */
  msAfterMark?: number;
}

export interface RunNodeOptions {
  killAfterMs?: number;
  cwd?: string;
  env?: Record<string, string>;
  mark?: string;
}

/** Node flags a child needs to load TypeScript the way tap does. */
export const typescriptImport = `--import=${
  pathToFileURL(path.join(repoRoot, 'node_modules', '@tapjs', 'typescript', 'dist', 'esm', 'import.mjs')).href
}`;

/**
 * Runs `node <args>` with the test's environment minus tap's NODE_OPTIONS (plus `env`), killing
 * it after `killAfterMs`. ISORUN_TEST_PEER passes through, so children test the same engine.
 */
export function runNode(args: string[], options: RunNodeOptions = {}): Promise<ChildResult> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.NODE_OPTIONS;
  Object.assign(env, options.env);
  const start = process.hrtime.bigint();
  let markedAt: bigint | undefined;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      cwd: options.cwd ?? repoRoot,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      if (markedAt === undefined && options.mark !== undefined && stdout.includes(options.mark))
        markedAt = process.hrtime.bigint();
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.killAfterMs ?? 30_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const end = process.hrtime.bigint();
      const msAfterMark = markedAt === undefined ? undefined : Number(end - markedAt) / 1e6;
      resolve({ code, signal, stdout, stderr, ms: Number(end - start) / 1e6, timedOut, msAfterMark });
    });
  });
}
