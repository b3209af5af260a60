/**
 * `npm run eval -- intents --train FILE --test FILE [--oos-label oos]`
 * `npm run eval -- kb --docs FILE --queries FILE`
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

await program.parseAsync(process.argv);
