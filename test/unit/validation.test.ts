import { loadConfig } from '../../src/config/config';
import { BadUserInputError } from '../../src/domain/errors';
import { validEmail, validHostname, validName, validPageSize } from '../../src/domain/validation';

function fieldOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(BadUserInputError);
    return (error as BadUserInputError).extensions.field as string;
  }
  throw new Error('expected BAD_USER_INPUT');
}

describe('input rules (docs/domain-rules.md §5)', () => {
  it('names are trimmed and 1–100 characters', () => {
    expect(validName('  Acme  ')).toBe('Acme');
    expect(validName('x'.repeat(100))).toHaveLength(100);
    expect(fieldOf(() => validName(''))).toBe('name');
    expect(fieldOf(() => validName('   '))).toBe('name');
    expect(fieldOf(() => validName('x'.repeat(101)))).toBe('name');
    expect(fieldOf(() => validName('a\u0000b'))).toBe('name');
  });

  it('hostnames are lower-cased DNS names of at most 253 characters', () => {
    expect(validHostname('Shop.Example.COM')).toBe('shop.example.com');
    expect(validHostname('a-b.example.com.')).toBe('a-b.example.com');
    const long = `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}`;
    expect(long).toHaveLength(253);
    expect(validHostname(long)).toBe(long);
    for (const bad of [
      '',
      'localhost',
      '-a.example.com',
      'a-.example.com',
      'a..b.com',
      'sp ace.com',
      'a_b.example.com',
      `${'a'.repeat(64)}.com`,
      `${long}x`,
      '1.2.3.4',
      'exa mple.com',
      'https://example.com',
    ]) {
      expect(fieldOf(() => validHostname(bad))).toBe('hostname');
    }
  });

  it('page sizes are 1–100, default 50', () => {
    expect(validPageSize(undefined)).toBe(50);
    expect(validPageSize(null)).toBe(50);
    expect(validPageSize(1)).toBe(1);
    expect(validPageSize(100)).toBe(100);
    for (const bad of [0, 101, -1, 2.5]) expect(fieldOf(() => validPageSize(bad))).toBe('first');
  });

  it('emails are trimmed, lower-cased and checked', () => {
    expect(validEmail('  Ada@Example.COM ')).toBe('ada@example.com');
    for (const bad of [
      '',
      'ada',
      'ada@',
      '@example.com',
      'a b@example.com',
      'ada@example',
      `${'a'.repeat(250)}@e.com`,
    ]) {
      expect(fieldOf(() => validEmail(bad))).toBe('email');
    }
  });
});

describe('configuration (docs/domain-rules.md §8)', () => {
  it('has the documented defaults outside production', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 4001,
      databaseUrl: 'sqlite:data/dev.sqlite',
      appUrl: 'http://localhost:3000',
      invitationTtlHours: 168,
      invitationsPerHour: 100,
      production: false,
    });
    expect(config.auth.usingDevelopmentSecret).toBe(true);
    expect(config.routerSecret).toBeUndefined();
  });

  it('refuses to start in production without a way to verify tokens', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/AUTH_JWT_SECRET or AUTH_JWKS_URL/);
    expect(() => loadConfig({ NODE_ENV: 'production', AUTH_JWT_SECRET: 'short' })).toThrow(/32 bytes/);
  });

  it('rejects nonsense numbers', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig({ INVITATION_TTL_HOURS: '0' })).toThrow(/INVITATION_TTL_HOURS/);
  });
});
