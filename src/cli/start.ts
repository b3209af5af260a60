import type { Config } from '../config.ts';
import { ConfigError } from '../errors.ts';
import { createRuntime } from '../main.ts';
import { describePlatforms } from './platform-report.ts';

/** `switchboard start`: runs until SIGINT/SIGTERM, then drains running turns and exits. */
export async function runStart(config: Config): Promise<void> {
  const runtime = await createRuntime(config);
  let port: number;
  try {
    port = await runtime.start();
  } catch (error) {
    // A platform refusing our setup (e.g. Discord's Message Content intent off) is a
    // configuration problem: say what to change, no stack trace.
    if (error instanceof ConfigError) {
      console.error(`switchboard: ${error.message}`);
      await runtime.stop(0).catch(() => {});
      process.exit(1);
    }
    throw error;
  }
  console.log(
    `Switchboard listening on http://${config.http.host === '0.0.0.0' ? 'localhost' : config.http.host}:${port}`,
  );
  for (const line of describePlatforms(config)) console.log(line);
  let stopping = false;
  const stop = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    runtime.logger.info({ signal }, 'shutting down');
    // Stop taking work, let running turns finish until the deadline, then hand them over.
    const timer = setTimeout(() => process.exit(1), config.queue.shutdownTimeoutMs + 10_000);
    timer.unref();
    await runtime.stop(config.queue.shutdownTimeoutMs);
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}
