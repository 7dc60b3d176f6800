// A real `npm start` server in a child process (server/main.ts), for tests of what only a process shows:
// signals, exit codes, start-up. Resolves `listening` with its base URL once it serves.
import { spawn } from 'node:child_process';
import path from 'node:path';

const root = path.join(__dirname, '..', '..');

export function startServerProcess(env: Record<string, string>) {
  // No core file from a test that ends a server with a fault signal.
  const child = spawn(
    '/bin/sh',
    ['-c', 'ulimit -c 0; exec "$0" "$@"', process.execPath, ...process.execArgv, path.join(root, 'server', 'main.ts')],
    {
      cwd: root,
      env: { ...process.env, ISORUN_PORT: '0', ISORUN_LOG_LEVEL: 'info', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  const listening = new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match) resolve(match[1]!);
    });
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`server exited early (${code}): ${output}`)));
  });
  const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const exited = ended.then(({ code }) => code);
  return { child, listening, exited, ended, output: () => output };
}
