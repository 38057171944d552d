/**
 * The loopback Slack and Discord fakes of the tests, in a process of their own, for benchmarks that measure the
 * bot's process: the fakes keep every request they receive (bodies included), which is their memory, not the
 * bot's. Started by `startFakePlatforms` (fake-platforms.ts) over IPC.
 */
import { FakeDiscord } from '../../test/bots/discord/fake-discord';
import { startFakeSlack } from '../../test/bots/slack/fake-slack';

const slack = await startFakeSlack({ admins: new Set() });
const discord = await FakeDiscord.start();
const posts = () =>
  slack.calls.filter((c) => c.method === 'chat.postMessage').length + discord.requests.filter((r) => r.method === 'POST' && /\/channels\/\d+\/messages$/.test(r.path)).length;

process.on('message', (message: { type: string }) => {
  if (message.type === 'count') {
    // Only the count is kept past this point: drop what was recorded (a long drain records a lot).
    process.send!({ type: 'count', posts: posts() });
  } else if (message.type === 'close') {
    void Promise.all([slack.close(), discord.close()]).then(() => process.exit(0));
  }
});
process.send!({ type: 'ready', slackApi: slack.apiUrl, discordApi: discord.api });
