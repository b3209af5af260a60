import type { Config } from './config.ts';
import type { IntentClassifier } from './ports/intent-classifier.ts';
import type { AnswerGenerator, KnowledgeRetriever } from './ports/knowledge-retriever.ts';
import type { Logger } from './ports/logger.ts';

/** The engine's understanding collaborators, chosen from config (OpenAI or local). */
export interface Understanding {
  readonly classifier: IntentClassifier;
  readonly retriever: KnowledgeRetriever;
  readonly answerer: AnswerGenerator;
}

export async function createUnderstanding(_config: Config, _logger: Logger): Promise<Understanding> {
  throw new Error('understanding is not wired yet');
}
