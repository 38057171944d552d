/**
 * A real PostgreSQL for a test file: either the cluster .ci/run started (SANCTIONS_TEST_PG_URL, a superuser URL of
 * an admin database) or a throwaway one started here from the Debian package's binaries, with a fresh database per
 * test file. Everything is removed at the end: the database is dropped, and a cluster started here is stopped and
 * its data directory deleted.
 *
 * The throwaway cluster runs as the `postgres` user when the tests run as root (PostgreSQL refuses to run as root),
 * trusts local connections, listens on 127.0.0.1 on a free port and on a socket in its own directory, and gives up
 * durability for speed (--no-sync, fsync off, no full page writes): its data lives for one test file.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export interface TestPostgres {
  /** The URL of this test file's own database (created empty). */
  url: string;
  /**
   * A URL of the same cluster for another fresh database (each created empty, dropped at stop). Its collation is
   * ICU's en-US when the server has ICU, as a production database's usually is (not the byte order of "C").
   */
  newDatabase(): Promise<string>;
  /** Drop the databases, and stop and delete a cluster started here. */
  stop(): Promise<void>;
  /** How long starting the cluster took (0 when it was given by SANCTIONS_TEST_PG_URL). */
  startMs: number;
}

/** The newest installed server's bin directory (PG_BIN wins), or undefined when there is none. */
export function postgresBinDir(): string | undefined {
  if (process.env.PG_BIN) return existsSync(join(process.env.PG_BIN, 'initdb')) ? process.env.PG_BIN : undefined;
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(root, versions[0], 'bin') : undefined;
}

/** Can this machine give the tests a PostgreSQL (a URL from CI, or the server binaries)? */
export function postgresAvailable(): boolean {
  return Boolean(process.env.SANCTIONS_TEST_PG_URL) || postgresBinDir() !== undefined;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

/** Run a PostgreSQL binary as the postgres user when we are root (the server refuses root), else as ourselves. */
function runPg(bin: string, args: string[]): void {
  const asRoot = userInfo().uid === 0;
  const [cmd, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, args];
  try {
    execFileSync(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 });
  } catch (err) {
    const e = err as { stderr?: Buffer; stdout?: Buffer; message: string };
    throw new Error(`${bin} ${args.join(' ')} failed: ${e.stderr?.toString() || e.stdout?.toString() || e.message}`, { cause: err });
  }
}

async function startCluster(): Promise<{ adminUrl: string; stop: () => void }> {
  const bin = postgresBinDir();
  if (!bin) throw new Error('no PostgreSQL server binaries (apt-get install postgresql), and SANCTIONS_TEST_PG_URL is not set');
  const dir = mkdtempSync(join(tmpdir(), 'sanctions-pg-'));
  if (userInfo().uid === 0) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    chownSync(dir, uid, gid);
  }
  const data = join(dir, 'data');
  const port = await freePort();
  try {
    runPg(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync', '--no-instructions']);
    const options = [`-p ${port}`, "-c listen_addresses='127.0.0.1'", `-k ${dir}`, '-c fsync=off', '-c synchronous_commit=off', '-c full_page_writes=off', '-c max_connections=50'];
    runPg(join(bin, 'pg_ctl'), ['-D', data, '-l', join(dir, 'server.log'), '-o', options.join(' '), '-w', '-t', '60', 'start']);
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    process.off('exit', stop);
    try {
      runPg(join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  // A test process that ends without its afterAll (a crash, a timeout) still stops the server and removes its files.
  process.on('exit', stop);
  return { adminUrl: `postgres://postgres@127.0.0.1:${port}/postgres`, stop };
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/** A PostgreSQL for this test file: SANCTIONS_TEST_PG_URL's cluster, or one started now; a fresh database in it. */
export async function startTestPostgres(): Promise<TestPostgres> {
  const started = performance.now();
  const given = process.env.SANCTIONS_TEST_PG_URL;
  const cluster = given ? { adminUrl: given, stop: () => {} } : await startCluster();
  const startMs = given ? 0 : performance.now() - started;
  const created: string[] = [];
  const admin = new pg.Client({ connectionString: cluster.adminUrl });
  try {
    await admin.connect();
  } catch (err) {
    cluster.stop();
    throw new Error(`cannot connect to the test PostgreSQL at ${cluster.adminUrl}: ${(err as Error).message}`, { cause: err });
  }
  const newDatabase = async () => {
    const name = `sanctions_test_${randomBytes(6).toString('hex')}`;
    // A name of our own making (hex), quoted: CREATE DATABASE takes no parameters.
    try {
      await admin.query(`CREATE DATABASE "${name}" TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C' ENCODING 'UTF8'`);
    } catch {
      await admin.query(`CREATE DATABASE "${name}"`);
    }
    created.push(name);
    return withDatabase(cluster.adminUrl, name);
  };
  const url = await newDatabase();
  return {
    url,
    newDatabase,
    startMs,
    stop: async () => {
      try {
        for (const name of created) await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await admin.end();
        cluster.stop();
      }
    },
  };
}
