import { BUSY_RETRY_AFTER_SECONDS, OrganizationAdmission, type Release } from '../../src/db/organization-admission';
import { OrganizationBusyError } from '../../src/domain/errors';

/**
 * docs/domain-rules.md §9: the admission of one organization's requests — a few at work, a short
 * queue first in first out, then refusal. Jest's fake timers are the clock: nothing sleeps.
 */
describe('OrganizationAdmission', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  /** A request's admission, observed: admitted (with its release), refused, or still waiting. */
  function request(admission: OrganizationAdmission, ...organizations: string[]) {
    const state: { release?: Release; error?: unknown } = {};
    admission.admit(organizations).then(
      (release) => (state.release = release),
      (error: unknown) => (state.error = error),
    );
    return state;
  }
  /** Lets the promises settled so far run their callbacks (no time passes). */
  const settle = () => jest.advanceTimersByTimeAsync(0);

  it('admits up to the concurrency at once, and counts them', async () => {
    const admission = new OrganizationAdmission(2, 4, 1000);
    const first = request(admission, 'a');
    const second = request(admission, 'a');
    const third = request(admission, 'a');
    await settle();
    expect([!!first.release, !!second.release, !!third.release]).toEqual([true, true, false]);
    expect(admission.load('a')).toEqual({ running: 2, waiting: 1 });
  });

  it('counts each organization on its own: one at its limit never makes another wait', async () => {
    const admission = new OrganizationAdmission(1, 1, 1000);
    request(admission, 'a');
    request(admission, 'a');
    const refused = request(admission, 'a');
    const other = request(admission, 'b');
    await settle();
    expect(refused.error).toBeInstanceOf(OrganizationBusyError);
    expect(other.release).toBeDefined();
    expect(admission.load('b')).toEqual({ running: 1, waiting: 0 });
  });

  it('hands a released slot to the waiters first in, first out', async () => {
    const admission = new OrganizationAdmission(1, 3, 1000);
    const running = request(admission, 'a');
    const waiters = [request(admission, 'a'), request(admission, 'a'), request(admission, 'a')];
    await settle();
    const admitted = () => waiters.map((w) => !!w.release);
    expect(admitted()).toEqual([false, false, false]);

    running.release!();
    await settle();
    expect(admitted()).toEqual([true, false, false]);
    // The slot passed on: still one at work, two waiting.
    expect(admission.load('a')).toEqual({ running: 1, waiting: 2 });

    waiters[0].release!();
    await settle();
    expect(admitted()).toEqual([true, true, false]);
    waiters[1].release!();
    await settle();
    expect(admitted()).toEqual([true, true, true]);
  });

  it('refuses at once, with RATE_LIMITED and a Retry-After, past the queue’s length', async () => {
    const admission = new OrganizationAdmission(1, 2, 1000);
    const states = [request(admission, 'a'), request(admission, 'a'), request(admission, 'a'), request(admission, 'a')];
    await settle();
    expect(states.map((s) => (s.release ? 'admitted' : s.error ? 'refused' : 'waiting'))).toEqual([
      'admitted',
      'waiting',
      'waiting',
      'refused',
    ]);
    const error = states[3].error as OrganizationBusyError;
    expect(error).toBeInstanceOf(OrganizationBusyError);
    expect([error.extensions.code, error.retryAfter]).toEqual(['RATE_LIMITED', BUSY_RETRY_AFTER_SECONDS]);
    expect(error.extensions.http).toMatchObject({ status: 429 });
    expect(admission.load('a')).toEqual({ running: 1, waiting: 2 });
  });

  it('refuses a waiter whose wait runs out, and takes it out of the queue', async () => {
    const admission = new OrganizationAdmission(1, 2, 1000);
    const running = request(admission, 'a');
    const waiter = request(admission, 'a');
    await settle();

    await jest.advanceTimersByTimeAsync(999);
    expect([waiter.release, waiter.error]).toEqual([undefined, undefined]);
    await jest.advanceTimersByTimeAsync(1);
    expect(waiter.error).toBeInstanceOf(OrganizationBusyError);
    expect(admission.load('a')).toEqual({ running: 1, waiting: 0 });

    // Its place is free: the next one waits, and the release goes to it, not to the one that left.
    const next = request(admission, 'a');
    running.release!();
    await settle();
    expect(next.release).toBeDefined();
    expect(waiter.release).toBeUndefined();
  });

  it('does not refuse a waiter admitted before its wait runs out', async () => {
    const admission = new OrganizationAdmission(1, 1, 1000);
    const running = request(admission, 'a');
    const waiter = request(admission, 'a');
    await jest.advanceTimersByTimeAsync(500);
    running.release!();
    await jest.advanceTimersByTimeAsync(5000);
    expect([!!waiter.release, waiter.error]).toEqual([true, undefined]);
  });

  it('gives a slot back once only, and forgets an organization with nothing at work', async () => {
    const admission = new OrganizationAdmission(1, 1, 1000);
    const first = request(admission, 'a');
    await settle();
    first.release!();
    first.release!();
    expect(admission.load('a')).toEqual({ running: 0, waiting: 0 });

    const second = request(admission, 'a');
    const third = request(admission, 'a');
    await settle();
    // A second call of the first release must not free the slot the second holds.
    first.release!();
    await settle();
    expect([!!second.release, !!third.release]).toEqual([true, false]);
  });

  it('releases what it holds when one of several organizations refuses (a failed request frees its slots)', async () => {
    const admission = new OrganizationAdmission(1, 0, 1000);
    const busy = request(admission, 'b');
    await settle();
    // 'a' is taken first (id order), then 'b' has no slot and no queue: the whole request is refused.
    const both = request(admission, 'b', 'a');
    await settle();
    expect(both.error).toBeInstanceOf(OrganizationBusyError);
    expect(admission.load('a')).toEqual({ running: 0, waiting: 0 });
    expect(busy.release).toBeDefined();

    // And a request that ends in error gives its slot back like one that succeeds.
    const failing = async () => {
      const release = await admission.admit(['a']);
      try {
        throw new Error('the request failed');
      } finally {
        release();
      }
    };
    await expect(failing()).rejects.toThrow('the request failed');
    expect(admission.load('a')).toEqual({ running: 0, waiting: 0 });
  });

  it('takes several organizations in id order, each once, and releases them all', async () => {
    const admission = new OrganizationAdmission(1, 1, 1000);
    const both = request(admission, 'b', 'a', 'b');
    await settle();
    expect([admission.load('a'), admission.load('b')]).toEqual([
      { running: 1, waiting: 0 },
      { running: 1, waiting: 0 },
    ]);
    both.release!();
    expect([admission.load('a'), admission.load('b')]).toEqual([
      { running: 0, waiting: 0 },
      { running: 0, waiting: 0 },
    ]);
  });

  describe('decided at once (the front door and the common case)', () => {
    it('gives a release, or null holding nothing, without a promise; a promise only for a wait', async () => {
      const admission = new OrganizationAdmission(1, 1, 1000);
      const first = admission.tryAdmit(['a']);
      expect(typeof first).toBe('function');
      const second = admission.tryAdmit(['a']);
      expect(second).toBeInstanceOf(Promise);
      expect(admission.tryAdmit(['a'])).toBeNull();
      expect(admission.load('a')).toEqual({ running: 1, waiting: 1 });

      // Refused while another organization was taken first: that one is given back.
      expect(admission.tryAdmit(['b', 'a'])).toBeNull();
      expect(admission.load('b')).toEqual({ running: 0, waiting: 0 });

      (first as Release)();
      const waited = await (second as Promise<Release>);
      expect(admission.load('a')).toEqual({ running: 1, waiting: 0 });
      waited();
      expect(admission.load('a')).toEqual({ running: 0, waiting: 0 });
    });

    it('says whether it would refuse at once, and changes nothing by saying it', async () => {
      const admission = new OrganizationAdmission(1, 1, 1000);
      expect(admission.refusesAtOnce(['a'])).toBe(false);
      const running = request(admission, 'a');
      expect(admission.refusesAtOnce(['a'])).toBe(false);
      const waiting = request(admission, 'a');
      await settle();
      expect([admission.refusesAtOnce(['a']), admission.refusesAtOnce(['b', 'a'])]).toEqual([true, true]);
      expect(admission.refusesAtOnce(['b'])).toBe(false);
      expect([admission.load('a'), admission.load('b')]).toEqual([
        { running: 1, waiting: 1 },
        { running: 0, waiting: 0 },
      ]);

      running.release!();
      await settle();
      expect(waiting.release).toBeDefined();
      expect(admission.refusesAtOnce(['a'])).toBe(false);
    });
  });
});
