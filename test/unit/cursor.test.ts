import { Membership } from '../../entities/membership.entity';
import {
  byCreationThenId,
  checkCursor,
  decodeCursor,
  decodeOrderedCursor,
  encodeCursor,
  encodeOrderedCursor,
  isAfterCursor,
} from '../../src/db/pagination';

const member = (id: string, at: string) => Object.assign(new Membership(), { id, createdAt: new Date(at) });

describe('the members cursor', () => {
  it('encodes the position (created_at with milliseconds, id) and decodes it back', () => {
    const m = member('3f1c2d44-0000-4000-8000-000000000001', '2026-11-28T09:30:00.123Z');
    const cursor = encodeCursor(m);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor)).toEqual({ createdAt: '2026-11-28 09:30:00.123', id: m.id });
  });

  it('refuses anything it did not make with BAD_USER_INPUT on `after`', () => {
    const forged = (text: string) => Buffer.from(text).toString('base64url');
    for (const bad of [
      '',
      'not base64 at all',
      forged('2026-11-28|x'),
      forged('2026-11-28 09:30:00.123|'),
      forged(`2026-11-28 09:30:00.123|${'x'.repeat(37)}`),
      forged('2026-11-28 09:30:00.123|a|b'),
    ]) {
      expect(() => checkCursor(bad)).toThrow(
        expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'after' }) }),
      );
    }
    expect(() => checkCursor(null)).not.toThrow();
  });

  it('orders by creation time, then id, and the cursor splits that order exactly', () => {
    const rows = [
      member('b', '2026-01-01T00:00:00.000Z'),
      member('a', '2026-01-01T00:00:00.001Z'),
      member('a', '2026-01-01T00:00:00.000Z'),
      member('c', '2025-12-31T23:59:59.999Z'),
    ].sort(byCreationThenId);
    expect(rows.map((r) => `${r.createdAt.toISOString()}:${r.id}`)).toEqual([
      '2025-12-31T23:59:59.999Z:c',
      '2026-01-01T00:00:00.000Z:a',
      '2026-01-01T00:00:00.000Z:b',
      '2026-01-01T00:00:00.001Z:a',
    ]);
    const cursor = decodeCursor(encodeCursor(rows[1]));
    expect(rows.map((r) => isAfterCursor(r, cursor))).toEqual([false, false, true, true]);
  });
});

describe('the cursor of an order of its own', () => {
  const id = '3f1c2d44-0000-4000-8000-000000000001';
  const refused = expect.objectContaining({
    extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'after' }),
  });

  it('keeps the form it has always had, so that cursors handed out before still read the same', () => {
    const byName = 'WyJOQU1FIiwiQVNDIiwwLCJhZGEgbG92ZWxhY2UiLCIzZjFjMmQ0NC0wMDAwLTQwMDAtODAwMC0wMDAwMDAwMDAwMDEiXQ';
    expect(encodeOrderedCursor(['NAME', 'ASC'], { segment: 0, key: 'ada lovelace', id })).toBe(byName);
    expect(decodeOrderedCursor(byName, ['NAME', 'ASC'])).toEqual({ segment: 0, key: 'ada lovelace', id });
  });

  it('is refused by another order, by a key its order rejects, and when forged', () => {
    const cursor = encodeOrderedCursor(['NAME', 'ASC'], { segment: 1, key: '', id });
    expect(() => decodeOrderedCursor(cursor, ['NAME', 'DESC'])).toThrow(refused);
    expect(() => decodeOrderedCursor(cursor, ['EMAIL', 'ASC'])).toThrow(refused);
    expect(() => decodeOrderedCursor(cursor, ['NAME', 'ASC'], (key) => key !== '')).toThrow(refused);
    const forged = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    for (const bad of [
      'not base64 at all',
      encodeCursor({ createdAt: new Date(0), id }),
      forged(['NAME', 'ASC', 2, 'a', id]),
      forged(['NAME', 'ASC', 0, 'a', '']),
      forged(['NAME', 'ASC', 0, 'a', id, 'more']),
      forged(['NAME', 'ASC', 0, 'x'.repeat(255), id]),
    ]) {
      expect(() => decodeOrderedCursor(bad, ['NAME', 'ASC'])).toThrow(refused);
    }
  });
});
