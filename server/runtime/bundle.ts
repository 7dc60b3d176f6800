// Finds the guest runtime bundle that `npm run build:runtime` (part of `prepare`) writes.
import fs from 'node:fs';
import path from 'node:path';

const candidates = [
  path.join(__dirname, '..', '..', 'guest-runtime.js'), // dist/server/runtime → dist/guest-runtime.js
  path.join(__dirname, '..', '..', 'dist', 'guest-runtime.js'), // server/runtime (sources run by tap)
];

export function readGuestRuntime(): string {
  const file = candidates.find((candidate) => fs.existsSync(candidate));
  if (file === undefined) {
    throw new Error(
      `The guest runtime bundle is missing (looked for ${candidates.join(', ')}); run \`npm run build:runtime\`.`,
    );
  }
  return fs.readFileSync(file, 'utf8');
}
