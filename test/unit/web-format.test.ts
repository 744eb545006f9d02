import { formatRelative } from '../../examples/web/src/format';

describe("the web app's relative times (issue 37, stumble 11)", () => {
  const now = Date.parse('2026-12-07T12:00:00Z');
  const at = (seconds: number) => new Date(now + seconds * 1000);
  const en = (text: string) => text.replace(/\u202f|\u00a0/g, ' ');

  it('count whole units down, the same way before and after now', () => {
    expect(en(formatRelative(at(36 * 3600), now))).toBe('tomorrow');
    expect(en(formatRelative(at(-36 * 3600), now))).toBe('yesterday');
    expect(en(formatRelative(at(47 * 3600), now))).toBe('tomorrow');
    expect(en(formatRelative(at(13 * 86400), now))).toBe('next week');
    expect(en(formatRelative(at(-13 * 86400), now))).toBe('last week');
    expect(en(formatRelative(at(-90 * 60), now))).toBe('1 hour ago');
    expect(en(formatRelative(at(150), now))).toBe('in 2 minutes');
    expect(en(formatRelative(at(-45), now))).toBe('now');
  });
});
