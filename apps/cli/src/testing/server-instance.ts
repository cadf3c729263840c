import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { TEST_ADMIN, TEST_JWT_SECRET } from '@orders/server/testing';

const SERVER_DIR = fileURLToPath(new URL('../../../server/', import.meta.url));

/** A server in a child process, which a test can kill -9 and start again on the same port. */
export interface ServerInstance {
  readonly url: string;
  /** Its stdout and stderr so far, for a failure message. */
  log(): string;
  /** SIGKILL, as in a crash: no clean-up of any kind. */
  kill(): Promise<void>;
}

/**
 * The real server from this checkout's sources (tsx, as `dev-server.ts` runs it) on an existing
 * database — another test server's, so both serve the same data — with the test servers' secret,
 * so their tokens are good here too. `port` 0 picks a free one. Resolves once it listens.
 */
export async function startServerInstance(databaseUrl: string, port = 0): Promise<ServerInstance> {
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', 'src/main.ts'], {
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'info',
      DATABASE_URL: databaseUrl,
      JWT_SECRET: TEST_JWT_SECRET,
      ADMIN_EMAIL: TEST_ADMIN.email,
      ADMIN_PASSWORD: TEST_ADMIN.password,
    },
    // `--import tsx` resolves from the working directory: the server package has it.
    cwd: SERVER_DIR,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stderr.on('data', (chunk: Buffer) => (log += chunk.toString('utf8')));
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => {
      resolve();
    });
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`no server in 60 s:\n${log}`));
    }, 60_000);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`the server exited while starting:\n${log}`));
    });
    createInterface({ input: child.stdout }).on('line', (line) => {
      log += `${line}\n`;
      const entry = parseLine(line);
      if (entry?.msg === 'listening' && typeof entry.url === 'string') {
        clearTimeout(timer);
        resolve(entry.url);
      }
    });
  });
  return {
    url,
    log: () => log,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

function parseLine(line: string): Record<string, unknown> | undefined {
  try {
    const entry: unknown = JSON.parse(line);
    return typeof entry === 'object' && entry !== null
      ? (entry as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
