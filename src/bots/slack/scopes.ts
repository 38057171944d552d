/**
 * The bot scopes the app asks for: those of slack/manifest.yml (a test keeps the two equal). In distribution
 * mode the OAuth installer asks each workspace for exactly these.
 */
export const BOT_SCOPES = [
  'commands',
  'chat:write',
  'chat:write.public',
  'files:write',
  'files:read',
  'app_mentions:read',
  'im:history',
  'im:read',
  'im:write',
  'users:read',
  'channels:history',
  'groups:history',
  'mpim:history',
  'channels:read',
  'groups:read',
] as const;
