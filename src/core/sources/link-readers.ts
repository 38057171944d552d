/**
 * Which index reader each discovering format uses (sources/discover.ts): what an index page or API answer
 * links to, and which of those links are worth fetching.
 */
import { noticeLinks } from './cn-discovery';
import { decodePage } from './cn-discovery';
import type { LinkReader } from './discover';
import { frRuleLinks } from './fr-api';

export const LINK_READERS: Partial<Record<string, LinkReader>> = {
  'cn-notices': (index, indexUrl) =>
    noticeLinks(decodePage(index.body, index.contentType), indexUrl).map((l) => ({
      url: l.url,
      title: l.title,
      ...(l.date ? { date: l.date } : {}),
      relevant: l.relevant,
    })),
  'fr-rules': (index) => frRuleLinks(index),
};
