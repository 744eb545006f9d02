import { domainToUnicode } from 'node:url';
import { parse } from 'tldts';

/**
 * Which email domains an organization may claim (docs/domain-rules.md §13): not a public suffix, not a public
 * mail provider's domain nor one under it, and not a look-alike written in mixed scripts.
 *
 * Public suffixes come from the Public Suffix List through `tldts` (kept current with the list by
 * its maintainers; private suffixes such as `github.io` included): anyone can register a name
 * under `co.uk` or get a site under `github.io`, so neither is anyone's own.
 */

/**
 * Domains of public mail providers: anyone can get an address there, so no organization may claim
 * one, nor a name under one (`sub.gmail.com`). The one data file of this rule.
 *
 * Source: the largest consumer mail services as named on their own sign-up pages (Google,
 * Microsoft, Yahoo and its national domains, Apple, AOL, Proton, GMX/web.de, Yandex, Mail.ru,
 * Tencent, NetEase, Sina, Naver, Daum/Kakao, Rediff, Seznam, WP/Onet/Interia, Zoho, Fastmail,
 * Tuta), and the webmail of the big national internet providers. It is a floor, not a complete
 * list: HubSpot publishes a longer one of free providers
 * (https://knowledge.hubspot.com/forms/what-domains-are-blocked-when-using-the-forms-email-domains-to-block-feature)
 * that a deployment may add here.
 */
export const PUBLIC_EMAIL_PROVIDERS: readonly string[] = [
  '126.com',
  '139.com',
  '163.com',
  'aim.com',
  'aliyun.com',
  'aol.com',
  'aol.de',
  'aol.fr',
  'att.net',
  'bigpond.com',
  'bk.ru',
  'bluewin.ch',
  'bol.com.br',
  'btinternet.com',
  'comcast.net',
  'cox.net',
  'daum.net',
  'email.com',
  'fastmail.com',
  'fastmail.fm',
  'free.fr',
  'freenet.de',
  'gmail.com',
  'gmx.at',
  'gmx.ch',
  'gmx.com',
  'gmx.de',
  'gmx.fr',
  'gmx.net',
  'googlemail.com',
  'hanmail.net',
  'hey.com',
  'hotmail.co.jp',
  'hotmail.co.uk',
  'hotmail.com',
  'hotmail.de',
  'hotmail.es',
  'hotmail.fr',
  'hotmail.it',
  'icloud.com',
  'inbox.ru',
  'interia.pl',
  'kakao.com',
  'laposte.net',
  'libero.it',
  'list.ru',
  'live.co.uk',
  'live.com',
  'live.de',
  'live.fr',
  'live.it',
  'mac.com',
  'mail.com',
  'mail.ru',
  'me.com',
  'msn.com',
  'naver.com',
  'o2.pl',
  'onet.pl',
  'orange.fr',
  'outlook.co.uk',
  'outlook.com',
  'outlook.de',
  'outlook.es',
  'outlook.fr',
  'outlook.it',
  'outlook.jp',
  'pm.me',
  'proton.me',
  'protonmail.ch',
  'protonmail.com',
  'qq.com',
  'rambler.ru',
  'rediffmail.com',
  'rocketmail.com',
  'sbcglobal.net',
  'seznam.cz',
  'sfr.fr',
  'sina.cn',
  'sina.com',
  'sky.com',
  'sohu.com',
  't-online.de',
  'terra.com.br',
  'tuta.com',
  'tuta.io',
  'tutamail.com',
  'tutanota.com',
  'tutanota.de',
  'uol.com.br',
  'verizon.net',
  'virgilio.it',
  'wanadoo.fr',
  'web.de',
  'wp.pl',
  'yahoo.ca',
  'yahoo.co.in',
  'yahoo.co.jp',
  'yahoo.co.uk',
  'yahoo.com',
  'yahoo.com.au',
  'yahoo.com.br',
  'yahoo.de',
  'yahoo.es',
  'yahoo.fr',
  'yahoo.in',
  'yahoo.it',
  'yandex.by',
  'yandex.com',
  'yandex.kz',
  'yandex.ru',
  'yandex.ua',
  'yeah.net',
  'ymail.com',
  'zoho.com',
  'zohomail.com',
];

const PROVIDERS = new Set(PUBLIC_EMAIL_PROVIDERS);

/** Whether a (lower-cased) domain is a public mail provider's, or a name under one. */
export function isPublicEmailProvider(domain: string): boolean {
  const labels = domain.split('.');
  for (let i = 0; i < labels.length - 1; i++) if (PROVIDERS.has(labels.slice(i).join('.'))) return true;
  return false;
}

/**
 * Scripts that a label may mix without deceiving anyone (Japanese and Korean writing use several
 * at once, and may carry Latin letters); any other mix — Latin with Cyrillic or Greek, say — is
 * how look-alikes of known names are made (`gmаil.com` with a Cyrillic `а`), and browsers refuse
 * to show such labels as text for the same reason.
 */
const SCRIPTS = ['Latin', 'Cyrillic', 'Greek', 'Armenian', 'Hebrew', 'Arabic', 'Han', 'Hiragana', 'Katakana', 'Hangul'];
const SCRIPT_PATTERNS = SCRIPTS.map((name) => [name, new RegExp(`\\p{Script=${name}}`, 'u')] as const);
const COMPATIBLE = [new Set(['Latin', 'Han', 'Hiragana', 'Katakana']), new Set(['Latin', 'Han', 'Hangul'])];

function scriptsOf(label: string): Set<string> {
  const found = new Set<string>();
  for (const char of label) {
    for (const [name, pattern] of SCRIPT_PATTERNS) if (pattern.test(char)) found.add(name);
  }
  return found;
}

/** Whether a label mixes scripts that do not belong together. */
function mixesScripts(label: string): boolean {
  const scripts = scriptsOf(label);
  if (scripts.size <= 1) return false;
  return !COMPATIBLE.some((allowed) => [...scripts].every((script) => allowed.has(script)));
}

/**
 * Why `domain` (lower-cased, a valid hostname, A-labels for internationalised names) may not be
 * claimed as an organization's email domain, or null when it may.
 */
export function claimRefusal(domain: string): string | null {
  const parsed = parse(domain, { allowPrivateDomains: true });
  if (!parsed.domain || parsed.publicSuffix === domain) {
    return `${domain} is a public suffix: anyone can register a name under it.`;
  }
  if (isPublicEmailProvider(domain)) {
    return `${domain} belongs to a public mail provider: anyone can have an address there.`;
  }
  if (domainToUnicode(domain).split('.').some(mixesScripts)) {
    return `${domain} mixes writing systems in one name, as look-alikes of other domains do.`;
  }
  return null;
}
