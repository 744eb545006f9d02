/**
 * Domains of public mail providers: anyone can get an address there, so no organization may claim
 * one as its own (SPEC §13). The one data file of this rule; `isPublicEmailProvider` reads it.
 *
 * Source: hand-picked from the largest consumer mail services as listed on their own sign-up
 * pages (Google, Microsoft, Yahoo, Apple, AOL, Proton, GMX/web.de, Yandex, Mail.ru, Tencent,
 * NetEase, Zoho, Fastmail, Tuta, and the big national ISPs' webmail). It is a floor, not a
 * complete list: a deployment that needs more can extend it here.
 */
export const PUBLIC_EMAIL_PROVIDERS: readonly string[] = [
  '126.com',
  '163.com',
  'aol.com',
  'fastmail.com',
  'free.fr',
  'gmail.com',
  'gmx.com',
  'gmx.de',
  'gmx.net',
  'googlemail.com',
  'hey.com',
  'hotmail.co.uk',
  'hotmail.com',
  'hotmail.fr',
  'icloud.com',
  'laposte.net',
  'libero.it',
  'live.com',
  'mac.com',
  'mail.com',
  'mail.ru',
  'me.com',
  'msn.com',
  'orange.fr',
  'outlook.com',
  'outlook.fr',
  'pm.me',
  'proton.me',
  'protonmail.com',
  'qq.com',
  't-online.de',
  'tuta.io',
  'tutanota.com',
  'web.de',
  'yahoo.co.uk',
  'yahoo.com',
  'yahoo.fr',
  'yandex.com',
  'yandex.ru',
  'ymail.com',
  'zoho.com',
];

const PROVIDERS = new Set(PUBLIC_EMAIL_PROVIDERS);

/** Whether a (lower-cased) domain belongs to a public mail provider. */
export function isPublicEmailProvider(domain: string): boolean {
  return PROVIDERS.has(domain);
}
