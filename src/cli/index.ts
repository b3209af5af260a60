import { Command } from 'commander';
import { type Config, loadConfig } from '../config.ts';
import { ConfigError } from '../errors.ts';
import { loadEnvFileIfPresent, packageVersion } from './env-file.ts';

/**
 * `switchboard` command line: start the bot, chat with it in the terminal, manage
 * the knowledge-base index. Configuration errors exit with code 1 and name the variable.
 * A `.env` in the working directory is loaded first; the real environment wins.
 */
try {
  loadEnvFileIfPresent('.env');
} catch (error) {
  console.error(`switchboard: cannot read .env: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}

function configOrExit(): Config {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`switchboard: ${error.message}`);
      process.exit(1);
    }
    throw error;
  }
}

const program = new Command('switchboard')
  .description('Customer-support bot runtime')
  .version(packageVersion(), '-V, --version', 'print the version');

program
  .command('start')
  .description('Run the bot: HTTP server, queue workers and every configured adapter')
  .action(async () => {
    const config = configOrExit();
    const { runStart } = await import('./start.ts');
    await runStart(config);
  });

program
  .command('chat')
  .description('Chat with the bot in the terminal (the sandbox channel over the real engine)')
  .option('--debug', 'show intent, confidence and knowledge-base hits after each reply')
  .option(
    '--conversation <id>',
    'conversation id to use (continue an earlier chat with Redis)',
    `terminal-${process.pid}`,
  )
  .option('--staff <name>', 'be the desk instead of the customer, as this staff member (needs REDIS_URL)')
  .action(async (options: { debug?: boolean; conversation: string; staff?: string }) => {
    const config = configOrExit();
    const { runChat } = await import('./chat.ts');
    await runChat(config, {
      debug: options.debug === true,
      conversationId: options.conversation,
      ...(options.staff ? { staff: options.staff } : {}),
    });
  });

const kb = program.command('kb').description('Knowledge base tools');
kb.command('index')
  .description('Rebuild the knowledge-base index cache (re-embeds only changed articles unless --force)')
  .option('--force', 'ignore the cache and re-embed everything')
  .action(async (options: { force?: boolean }) => {
    const config = configOrExit();
    const { runKbIndex } = await import('./kb-index.ts');
    await runKbIndex(config, { force: options.force === true });
  });

program
  .command('manifest')
  .description('Print the Slack app manifest with your request URLs; validate it or create the app')
  .option('--url <base>', 'public base URL of this deployment (request URLs become <base>/slack/events)')
  .option('--socket-mode', 'Socket Mode: no request URLs (needs SLACK_APP_TOKEN at runtime)')
  .option('--validate', 'check the manifest with apps.manifest.validate (app configuration token)')
  .option('--create', 'create the Slack app with apps.manifest.create (app configuration token)')
  .option('--token <token>', 'app configuration token (default: SLACK_CONFIG_TOKEN)')
  .action(
    async (options: {
      url?: string;
      socketMode?: boolean;
      validate?: boolean;
      create?: boolean;
      token?: string;
    }) => {
      const config = configOrExit();
      const { runManifest } = await import('./manifest.ts');
      process.exitCode = await runManifest(config, options, {
        out: (text) => console.log(text),
        err: (text) => console.error(text),
      });
    },
  );

program
  .command('dead-letters')
  .description(
    'List events that failed after every retry; replay one once its cause is fixed (needs REDIS_URL)',
  )
  .option('--replay <eventId>', 'ingest this dead letter again (under a new id) and drop it from the list')
  .action(async (options: { replay?: string }) => {
    const config = configOrExit();
    const { runDeadLetters } = await import('./dead-letters.ts');
    process.exitCode = await runDeadLetters(config, options, {
      out: (text) => console.log(text),
      err: (text) => console.error(text),
    });
  });

await program.parseAsync(process.argv);
