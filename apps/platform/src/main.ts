import 'reflect-metadata';
import { KairosRuntime, PLATFORM_FEATURES, approveDemoContent, runProcess } from '@kairos/runtime';
import { loadDemoPopulationOnce } from './demo-population-loader';

const DEMO_ROLES = ['channel', 'rule-modeler', 'data-scientist', 'content-author', 'content-reviewer', 'dpo', 'admin'];

/** The embedded default: every Kairos service in one process, on one SQLite file and the in-process log. */
void runProcess({
  name: 'platform',
  features: PLATFORM_FEATURES,
  ownsPartitions: true,
  consumesSourceTopic: true,
  governs: true,
  afterStart: async (runtime: KairosRuntime, baseUrl: string) => {
    const dev = runtime.config.nodeEnv !== 'production';
    const loaded = dev && runtime.config.demoPopulation ? await loadDemoPopulationOnce(runtime) : 0;
    // Demo content only with the demo population: tests start the platform without it and bind their own.
    const demoContent = dev && runtime.config.demoPopulation ? await approveDemoContent(baseUrl) : [];
    const lines = [
      '',
      `Kairos is running at ${baseUrl}`,
      `  API            ${baseUrl}/v1/events, ${baseUrl}/v1/customers/{id}/profile, ${baseUrl}/v1/events/{id}/trace`,
      `  OpenAPI        ${baseUrl}/docs      Health ${baseUrl}/health      Metrics ${baseUrl}/metrics`,
      `  Data           ${runtime.config.dataDir} (${runtime.config.kafkaBrokers ? 'Kafka log' : 'embedded log'}, ${runtime.config.databaseUrl ? 'PostgreSQL' : 'SQLite'})`,
      ...(loaded > 0 ? [`  Demo           loaded ${loaded} events of the demo population`] : []),
      ...(demoContent.length > 0 ? [`  Demo content   ${demoContent.length} template drafts approved (four eyes) and bound to the catalog's content refs`] : []),
      ...(dev
        ? [
            '  Demo API keys  (development mode only; send as Authorization: Bearer <key>)',
            ...DEMO_ROLES.map((role) => `                 demo-${role}`),
            '                 demo-channel-ivr, demo-channel-atm, demo-channel-app, demo-channel-push, demo-channel-email (one per channel; demo-channel is the web)',
          ]
        : []),
      '',
    ];
    process.stdout.write(lines.join('\n') + '\n');
  },
});
