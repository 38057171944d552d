/**
 * `--batch -` reads the names from standard input in the real process, whatever kind of stream that is: a pipe
 * a parent left non-blocking (a synchronous read of fd 0 fails there with EAGAIN; the issue saw ENOENT), a pipe
 * whose writer is slow, a file, or nothing at all.
 */
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { refreshSources } from '../../src/core/refresh';
import { loadSourcesFile } from '../../src/core/sources/config';
import { openDb } from '../../src/core/store/db';
import { timelineConfigs } from '../helpers/cli-process';
import { REPO_ROOT } from '../helpers/shared';
import { tempDir } from '../helpers/tmp';

const dir = tempDir();
const db = join(dir, 'cn.db');

beforeAll(async () => {
  const handle = openDb(db);
  await refreshSources(handle, loadSourcesFile(timelineConfigs(dir).cnT0));
  handle.pragma('wal_checkpoint(TRUNCATE)');
  handle.close();
});

const PERL = spawnSync('perl', ['-e', '1']).status === 0;

/**
 * Run `sanctions lookup --json --batch -` with standard input a pipe set non-blocking (perl sets O_NONBLOCK,
 * then execs node: as a parent that shares its own non-blocking pipe hands it down; Node's own spawn always
 * makes a child's stdio blocking, so it cannot show this): the first line is there at once, the second comes
 * `laterMs` later, then the end.
 */
function batchFromSlowNonBlockingPipe(first: string, second: string, laterMs: number): Promise<{ code: number | null; out: string; err: string }> {
  const child = spawn(
    'perl',
    ['-e', 'use Fcntl; my $f = fcntl(STDIN, F_GETFL, 0); fcntl(STDIN, F_SETFL, $f | O_NONBLOCK) or die "fcntl: $!"; exec @ARGV or die "exec: $!"', process.execPath, join(REPO_ROOT, 'bin/sanctions.js'), 'lookup', '--json', '--batch', '-', '--db', db],
    { cwd: REPO_ROOT, stdio: ['pipe', 'pipe', 'pipe'] },
  );
  child.stdin.write(first);
  const timer = setTimeout(() => child.stdin.end(second), laterMs);
  child.stdin.on('error', () => {}); // the old code exited before the second line: EPIPE here is its failure, seen below
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  return new Promise((resolve) =>
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out, err });
    }),
  );
}

describe('sanctions lookup --batch - (standard input)', () => {
  it.skipIf(!PERL)('reads every line from a non-blocking pipe whose writer is still writing, and answers each in order', async () => {
    const { code, out, err } = await batchFromSlowNonBlockingPipe('Lockheed Martin\n', 'Raytheon\n', 2500);
    expect(err).toBe('');
    expect(code).toBe(0);
    const queries = out.trim().split('\n').map((l) => (JSON.parse(l) as { query: string }).query);
    expect(queries).toEqual(['Lockheed Martin', 'Raytheon']);
  }, 30_000);

  it('answers nothing, exit 0, when standard input is empty (/dev/null)', async () => {
    const child = spawn(process.execPath, [join(REPO_ROOT, 'bin/sanctions.js'), 'lookup', '--json', '--batch', '-', '--db', db], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    const code = await new Promise((resolve) => child.on('close', resolve));
    expect({ code, out }).toEqual({ code: 0, out: '' });
  }, 30_000);
});
