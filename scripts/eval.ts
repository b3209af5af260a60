/**
 * `npm run eval -- intents --train FILE --test FILE [--oos-label oos]`
 * `npm run eval -- kb --docs FILE --queries FILE`
 * `npm run eval -- conversations [--set FILE]`
 * Each prints its figures as one JSON object on its last line.
 */
import { Command } from 'commander';

const program = new Command('eval').description('Measure understanding and retrieval on public datasets');

program
  .command('intents')
  .requiredOption('--train <file>', 'training JSONL {"text","label"}')
  .requiredOption('--test <file>', 'test JSONL {"text","label"}')
  .option('--oos-label <label>', 'label that marks out-of-scope rows', 'oos')
  .action(async (opts: { train: string; test: string; oosLabel: string }) => {
    const { runIntentEval } = await import('./eval-intents.ts');
    await runIntentEval(opts);
  });

program
  .command('kb')
  .requiredOption('--docs <file>', 'docs JSONL {"id","title","text"}')
  .requiredOption('--queries <file>', 'queries JSONL {"id","text","relevant":[ids]}')
  .action(async (opts: { docs: string; queries: string }) => {
    const { runKbEval } = await import('./eval-kb.ts');
    await runKbEval(opts);
  });

program
  .command('conversations')
  .description('realistic customer messages through the real engine in the sandbox channel, local path')
  .option(
    '--set <file>',
    'labelled messages JSONL (see eval/conversations/README.md)',
    'eval/conversations/dev.jsonl',
  )
  .option('--answer-threshold <score>', 'KB_ANSWER_THRESHOLD for this run (calibration)')
  .option('--clarify-threshold <score>', 'KB_CLARIFY_THRESHOLD for this run (calibration)')
  .option('--explain', 'print what the bot understood for every missed answerable message')
  .action(
    async (opts: { set: string; answerThreshold?: string; clarifyThreshold?: string; explain?: boolean }) => {
      const { runConversationEval } = await import('./eval-conversations.ts');
      await runConversationEval(opts);
    },
  );

await program.parseAsync(process.argv);
