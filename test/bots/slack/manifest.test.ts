import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { DEFAULT_COMMAND } from '../../../src/bots/slack/app';
import { HISTORY_SCOPES } from '../../../src/bots/slack/preflight';
import { SCREEN_MESSAGE_CALLBACK } from '../../../src/bots/slack/screen-message';
import { REPO_ROOT } from '../../helpers/shared';
import { MANIFEST_SCOPES } from './fake-slack';

interface Manifest {
  display_information: { name: string; description: string; long_description?: string };
  features: {
    bot_user: { display_name: string };
    slash_commands: Array<{ command: string; url: string; usage_hint: string; description: string }>;
    app_home: { messages_tab_enabled: boolean; home_tab_enabled: boolean };
    shortcuts: Array<{ name: string; type: string; callback_id: string; description: string }>;
  };
  oauth_config: { scopes: { bot: string[] } };
  settings: { event_subscriptions: { request_url: string; bot_events: string[] }; interactivity: { is_enabled: boolean; request_url: string }; socket_mode_enabled: boolean };
}

describe('slack/manifest.yml', () => {
  const manifest = parse(readFileSync(join(REPO_ROOT, 'slack/manifest.yml'), 'utf8')) as Manifest;

  it('declares the one slash command the app answers, and the events it listens to', () => {
    expect(manifest.features.slash_commands.map((c) => c.command)).toEqual([DEFAULT_COMMAND]);
    expect(manifest.settings.event_subscriptions.bot_events.sort()).toEqual(['app_home_opened', 'app_mention', 'message.im']);
    expect(manifest.features.app_home.home_tab_enabled).toBe(true);
    expect(manifest.features.shortcuts).toEqual([{ name: 'Screen this message', type: 'message', callback_id: SCREEN_MESSAGE_CALLBACK, description: expect.any(String) }]);
    for (const s of manifest.features.shortcuts) {
      expect(s.name.length).toBeLessThanOrEqual(24);
      expect(s.description.length).toBeLessThanOrEqual(80);
    }
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    expect(manifest.features.app_home.messages_tab_enabled).toBe(true);
    expect(manifest.settings.socket_mode_enabled).toBe(false);
  });

  it('sends everything to Bolt\'s one endpoint', () => {
    const urls = [...manifest.features.slash_commands.map((c) => c.url), manifest.settings.event_subscriptions.request_url, manifest.settings.interactivity.request_url];
    for (const url of urls) expect(url).toMatch(/^https:\/\/[^/]+\/slack\/events$/);
  });

  it('asks for the scopes the app uses, with the history scopes that make alerts exactly once (issue 11, seen 5)', () => {
    expect(manifest.oauth_config.scopes.bot.sort()).toEqual(
      ['app_mentions:read', 'channels:history', 'channels:read', 'chat:write', 'chat:write.public', 'commands', 'files:read', 'files:write', 'groups:history', 'groups:read', 'im:history', 'im:read', 'im:write', 'mpim:history', 'users:read'],
    );
    for (const scope of HISTORY_SCOPES) expect(manifest.oauth_config.scopes.bot).toContain(scope);
    expect([...MANIFEST_SCOPES].sort()).toEqual([...manifest.oauth_config.scopes.bot].sort());
  });

  it('stays within Slack\'s manifest limits', () => {
    const info = manifest.display_information;
    expect(info.name.length).toBeLessThanOrEqual(35);
    expect(info.description.length).toBeLessThanOrEqual(140);
    expect(info.long_description!.length).toBeGreaterThanOrEqual(175);
    expect(info.long_description!.length).toBeLessThanOrEqual(4000);
    expect(manifest.features.bot_user.display_name.length).toBeLessThanOrEqual(80);
    for (const c of manifest.features.slash_commands) {
      expect(c.description.length).toBeLessThanOrEqual(2000);
      expect(c.usage_hint.length).toBeLessThanOrEqual(1000);
    }
  });
});
