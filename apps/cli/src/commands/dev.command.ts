import type { Command } from 'commander';
import { ConfigError } from '@flowgate/config';
import { DevStack } from '../dev/dev-stack';
import { loadDevStackConfig } from '../dev/dev-stack.config';
import { PortInUseError } from '../dev/ports';

const SOURCE_WIDTH = 9;

/** `flowgate dev`: the whole local stack in the foreground; Ctrl-C stops every process. */
export function registerDevCommand(program: Command): void {
  program
    .command('dev')
    .description('run Temporal, PostgreSQL, worker and gateway locally (what `npm start` runs)')
    .option('--ephemeral', 'in-memory Temporal and a throw-away database', false)
    .option('--no-examples', 'do not register the pipelines in examples/')
    .option('--quiet', 'do not echo the processes’ logs', false)
    .action(async (opts: { ephemeral: boolean; examples: boolean; quiet: boolean }) => {
      const config = loadDevStackConfig({ ephemeral: opts.ephemeral, registerExamples: opts.examples });
      const stack = new DevStack(config, {
        line: (source, text) => {
          if (!opts.quiet || source === 'flowgate')
            process.stdout.write(`${source.padEnd(SOURCE_WIDTH)}| ${text}\n`);
        },
      });
      let stopping: Promise<void> | undefined;
      const shutdown = (code: number) => {
        stopping ??= stack.stop().then(() => process.exit(code));
        return stopping;
      };
      process.on('SIGINT', () => void shutdown(0));
      process.on('SIGTERM', () => void shutdown(0));
      process.on('SIGHUP', () => void shutdown(0));
      stack.onRestart = (name, pid) =>
        process.stdout.write(`FLOWGATE_RESTARTED ${JSON.stringify({ name, pid })}\n`);
      stack.onCrash = (message) => {
        process.stderr.write(`flowgate dev: ${message}; stopping the stack\n`);
        void shutdown(1);
      };
      try {
        const info = await stack.start();
        process.stdout.write(
          [
            '',
            'Flowgate is running:',
            `  REST API      ${info.restUrl}`,
            `  GraphQL       ${info.graphqlUrl}`,
            `  Temporal UI   ${info.temporalUiUrl}`,
            `  Admin API key ${info.apiKey}`,
            '',
            `Try: curl -s -X POST ${info.restUrl}/runs -H "authorization: Bearer ${info.apiKey}" \\`,
            `       -H 'content-type: application/json' -d '{"pipeline":"hello","input":{"name":"Ada"}}'`,
            'Press Ctrl-C to stop.',
            '',
          ].join('\n'),
        );
        // Machine-readable line for scripts and tests.
        process.stdout.write(`FLOWGATE_READY ${JSON.stringify(info)}\n`);
      } catch (err) {
        const message =
          err instanceof PortInUseError || err instanceof ConfigError
            ? err.message
            : `could not start: ${(err as Error).message}`;
        process.stderr.write(`flowgate dev: ${message}\n`);
        await shutdown(1);
      }
    });
}
