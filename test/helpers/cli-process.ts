/** Run the real `sanctions` command (bin/sanctions.js) in a child process and collect what it prints. */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RAW, REPO_ROOT } from './shared';

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  out: string;
  err: string;
}

export function runCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  const child = spawn(process.execPath, [join(REPO_ROOT, 'bin/sanctions.js'), ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  return new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, out, err })));
}

/** Source configs over the real timeline files: China's lists only (small and quick), or with OFAC SDN too. */
export function timelineConfigs(dir: string): { cnT0: string; cnT1: string; cnT2: string; t0: string; t1: string } {
  const cn = (day: string) => ({
    id: 'cn-lists',
    format: 'cn-sanctions-csv',
    location: join(RAW, day === 'latest' ? 'china_lists/opensanctions_cn_sanctions/sanctions.csv' : `china_lists/opensanctions_cn_sanctions/history/${day}/sanctions.csv`),
  });
  const sdn = (day: string) => ({ id: 'us-ofac-sdn', format: 'ofac-csv', list: 'US-OFAC-SDN', location: join(RAW, `ofac_sdn/${day}/sdn.csv`) });
  const write = (name: string, sources: object[]) => {
    const path = join(dir, name);
    writeFileSync(path, JSON.stringify({ sources }));
    return path;
  };
  return {
    cnT0: write('cn-t0.json', [cn('2026-07-07')]),
    cnT1: write('cn-t1.json', [cn('2026-07-27')]),
    cnT2: write('cn-t2.json', [cn('latest')]),
    t0: write('t0.json', [sdn('2024-04-26'), cn('2026-07-07')]),
    t1: write('t1.json', [sdn('2024-05-01'), cn('2026-07-27')]),
  };
}
