import { readFileSync } from 'node:fs';

/**
 * Loads a `.env` file into the environment when there is one, so a new user can
 * keep settings in the working directory instead of exporting them.
 *
 * Parsing is Node's own (`process.loadEnvFile`, the `--env-file` format), and the
 * real environment wins: Node never overwrites a variable that is already set,
 * even to an empty string, so `PORT=4000 npm start` beats `PORT=3000` in `.env`.
 * A missing file is normal; any other read error (a directory, no permission) is
 * thrown so the CLI can say so instead of silently running without it.
 *
 * @returns whether a file was loaded.
 * @see https://nodejs.org/docs/latest-v20.x/api/process.html#processloadenvfilepath
 */
export function loadEnvFileIfPresent(path: string): boolean {
  try {
    process.loadEnvFile(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

/** The version in `package.json`, for `switchboard --version`. */
export function packageVersion(): string {
  const text = readFileSync(new URL('../../package.json', import.meta.url), 'utf8');
  const version: unknown = (JSON.parse(text) as { version?: unknown }).version;
  return typeof version === 'string' ? version : '0.0.0';
}
