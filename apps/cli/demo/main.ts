import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDemoDatabase } from './database.js';
import { loadDemoConfig, type DemoConfig } from './demo-config.js';
import { startServer } from './server.js';
import { tellStory } from './story.js';
import { heading, info, resetSteps, Surprise } from './transcript.js';

/**
 * `pnpm demo`: the story on a fresh embedded database, then — with DATABASE_URL — again on a
 * fresh database on that PostgreSQL server. Exits 1 at the first surprise, after cleaning up.
 */
async function main(): Promise<number> {
  const config = loadDemoConfig();
  await runOn(config, 'embedded PostgreSQL (PGlite), fresh data dir', undefined);
  if (config.databaseUrl !== undefined) {
    const database = await createDemoDatabase(config.databaseUrl, config.path);
    try {
      await runOn(config, `PostgreSQL, fresh database ${database.name}`, database.url);
    } finally {
      await database.drop();
    }
  }
  info('\ndemo: every step went as expected');
  return 0;
}

async function runOn(
  config: DemoConfig,
  label: string,
  databaseUrl: string | undefined,
): Promise<void> {
  const started = performance.now();
  const workDir = await mkdtemp(join(tmpdir(), 'orders-demo-'));
  heading(`The story on ${label}`);
  const server = await startServer({
    root: config.root,
    path: config.path,
    dataDir: join(workDir, 'data'),
    databaseUrl,
  });
  const seconds = (since: number) => `${((performance.now() - since) / 1000).toFixed(1)} s`;
  info(`server: ${server.url} (ready in ${seconds(started)})`);
  resetSteps();
  try {
    await tellStory({ root: config.root, path: config.path, server: server.url, workDir });
  } catch (error) {
    if (error instanceof Surprise)
      info(`\nserver log (last lines):\n${server.log().split('\n').slice(-15).join('\n')}`);
    await server.stop().catch(() => undefined);
    await rm(workDir, { recursive: true, force: true });
    throw error;
  }
  await server.stop();
  await rm(workDir, { recursive: true, force: true });
  info(`\nserver stopped cleanly (SIGTERM); ${label}: done in ${seconds(started)}`);
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`\ndemo: SURPRISE — ${message}\n`);
    process.exitCode = 1;
  },
);
