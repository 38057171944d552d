/** Start the loopback Slack and Discord fakes in a child process (fake-platforms-child.ts) and talk to them. */
import { fork } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from './dataset';

export interface FakePlatforms {
  slackApi: string;
  discordApi: string;
  /** Posts of messages the fakes received (Slack chat.postMessage, Discord channel messages). */
  posts(): Promise<number>;
  /** The child's peak RSS is not ours: it is reported apart. */
  pid: number;
  close(): Promise<void>;
}

export function startFakePlatforms(): Promise<FakePlatforms> {
  const child = fork(join(REPO_ROOT, 'bench/lib/fake-platforms-child.ts'), [], { cwd: REPO_ROOT, execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the fake platforms exited (${code}) before they were ready`)));
    child.once('message', (ready: { type: string; slackApi: string; discordApi: string }) => {
      child.removeAllListeners('exit');
      resolve({
        slackApi: ready.slackApi,
        discordApi: ready.discordApi,
        pid: child.pid!,
        posts: () =>
          new Promise((res) => {
            child.once('message', (m: { posts: number }) => res(m.posts));
            child.send({ type: 'count' });
          }),
        close: () =>
          new Promise((res) => {
            child.once('exit', () => res());
            child.send({ type: 'close' });
          }),
      });
    });
  });
}
