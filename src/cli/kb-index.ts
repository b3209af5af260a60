import { SingleBar } from 'cli-progress';
import type { Config } from '../config.ts';
import { indexKnowledgeBase } from '../knowledge/langchain-retriever.ts';
import { createPinoLogger } from '../logging/pino-logger.ts';
import { retrieverOptions } from '../understanding.ts';

/** `switchboard kb index [--force]`: rebuilds the embedding cache with a progress bar. */
export async function runKbIndex(config: Config, options: { force: boolean }): Promise<void> {
  const logger = createPinoLogger({ level: 'warn', pretty: false, destination: process.stderr });
  const bar = new SingleBar({ format: 'embedding {bar} {value}/{total} texts', hideCursor: true });
  let started = false;
  const stats = await indexKnowledgeBase({
    ...retrieverOptions(config, logger),
    force: options.force,
    onProgress: (done, total) => {
      if (!started) {
        bar.start(total, 0);
        started = true;
      }
      bar.update(done);
    },
  });
  if (started) bar.stop();
  console.log(
    `Indexed ${stats.articles} articles (${stats.chunks} chunks) from ${config.knowledge.kbDir} in ${stats.ms} ms: ` +
      `${stats.embedded} texts embedded, ${stats.reused} reused from ${config.knowledge.cacheDir}.`,
  );
}
