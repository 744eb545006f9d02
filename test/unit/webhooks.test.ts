import { checkWebhookUrl, isForbiddenAddress, WebhookUrlError } from '../../src/outbound/addresses';
import { Webhook } from 'standardwebhooks';
import { signWebhook, verifyWebhook } from '../../src/domain/standard-webhooks';

describe('webhook signatures (Standard Webhooks)', () => {
  it("match the specification's own test vector", () => {
    expect(
      signWebhook(
        'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
        'msg_p5jXN8AQM9LWM0D4loKWxJek',
        1614265330,
        '{"test": 2432232314}',
      ),
    ).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });

  // Messages signed by the reference implementation (the `standardwebhooks` package), as an
  // identity provider would send them; verified by ours.
  const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
  const body = '{"type":"user.deleted","data":{"id":"user_29w83sxmDNGwOuEthce5gg56FcC","deleted":true}}';
  const now = new Date('2026-12-03T10:00:00Z');
  const at = (offsetSeconds: number) => new Date(now.getTime() + offsetSeconds * 1000);
  const signed = (timestamp: Date, payload = body) => {
    const signature = new Webhook(secret).sign('msg_2Lh9KRb0pzN4LePd3XiA4NOTAnY', timestamp, payload);
    return {
      'webhook-id': 'msg_2Lh9KRb0pzN4LePd3XiA4NOTAnY',
      'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
      'webhook-signature': signature,
    };
  };

  it('accept what the reference implementation signs, under webhook-* or svix-* headers', () => {
    const headers = signed(at(-30));
    expect(verifyWebhook(secret, headers, body, now)).toEqual({
      id: 'msg_2Lh9KRb0pzN4LePd3XiA4NOTAnY',
      timestamp: at(-30),
    });
    const svix = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.replace('webhook-', 'svix-'), v]));
    expect(verifyWebhook(secret, svix, body, now)).toMatchObject({ id: 'msg_2Lh9KRb0pzN4LePd3XiA4NOTAnY' });
    // Several signatures (a secret being rotated): one that matches is enough.
    const rotated = {
      ...headers,
      'webhook-signature': `v1,AAAA${headers['webhook-signature'].slice(7)} ${headers['webhook-signature']}`,
    };
    expect(verifyWebhook(secret, rotated, body, now)).toMatchObject({ id: 'msg_2Lh9KRb0pzN4LePd3XiA4NOTAnY' });
  });

  it.each([
    ['a changed body', signed(at(0)), body.replace('deleted', 'updated')],
    [
      'another secret',
      {
        ...signed(at(0)),
        'webhook-signature': new Webhook('whsec_' + Buffer.alloc(24, 7).toString('base64')).sign(
          'msg_2Lh9KRb0pzN4LePd3XiA4NOTAnY',
          at(0),
          body,
        ),
      },
      body,
    ],
    ['another id', { ...signed(at(0)), 'webhook-id': 'msg_other' }, body],
    [
      'a v2 signature',
      { ...signed(at(0)), 'webhook-signature': signed(at(0))['webhook-signature'].replace('v1,', 'v2,') },
      body,
    ],
  ])('refuse %s as BAD_SIGNATURE', (_what, headers, payload) => {
    expect(verifyWebhook(secret, headers, payload, now)).toEqual({ refused: 'BAD_SIGNATURE' });
  });

  it('refuse a timestamp more than five minutes away, either way, and missing headers', () => {
    expect(verifyWebhook(secret, signed(at(-301)), body, now)).toEqual({ refused: 'TIMESTAMP_OUT_OF_TOLERANCE' });
    expect(verifyWebhook(secret, signed(at(301)), body, now)).toEqual({ refused: 'TIMESTAMP_OUT_OF_TOLERANCE' });
    expect(verifyWebhook(secret, signed(at(-299)), body, now)).toMatchObject({ id: 'msg_2Lh9KRb0pzN4LePd3XiA4NOTAnY' });
    expect(verifyWebhook(secret, { ...signed(at(0)), 'webhook-timestamp': '17e8' }, body, now)).toEqual({
      refused: 'BAD_TIMESTAMP',
    });
    const { 'webhook-signature': _dropped, ...unsigned } = signed(at(0));
    expect(verifyWebhook(secret, unsigned, body, now)).toEqual({ refused: 'MISSING_HEADERS' });
  });
});

describe('addresses a webhook may not reach', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['::1', 'loopback'],
    ['10.0.0.1', 'private'],
    ['172.16.5.4', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['fc00::1', 'unique local'],
    ['fd12:3456::1', 'unique local'],
    ['169.254.169.254', 'link-local (cloud metadata)'],
    ['fe80::1', 'link-local'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['ff02::1', 'multicast'],
    ['100.64.0.1', 'carrier-grade NAT'],
    ['::ffff:127.0.0.1', 'loopback, IPv4-mapped'],
    ['::7f00:1', 'loopback, IPv4-compatible (written [::127.0.0.1])'],
    ['::ffff:0:7f00:1', 'loopback, IPv4-translated'],
    ['64:ff9b::a9fe:a9fe', 'link-local behind NAT64 (169.254.169.254)'],
    ['64:ff9b::a00:1', 'private behind NAT64 (10.0.0.1)'],
    ['64:ff9b:1:7f00:0:100::', 'loopback behind local-use NAT64 (64:ff9b:1::/48)'],
    ['2002:7f00:1::', 'loopback inside 6to4'],
    ['2002:a00:1::1', 'private inside 6to4'],
    ['2001:0:4136:e378:8000:63bf:3fff:fdd2', 'Teredo whose client is a documentation address'],
    ['2001:0:a00:1::1', 'Teredo whose server is private'],
    ['fec0::1', 'site-local (deprecated)'],
    ['192.0.2.10', 'documentation (TEST-NET-1)'],
    ['198.51.100.7', 'documentation (TEST-NET-2)'],
    ['203.0.113.9', 'documentation (TEST-NET-3)'],
    ['2001:db8::1', 'documentation'],
    ['198.18.0.1', 'benchmarking'],
    ['255.255.255.255', 'broadcast'],
    ['100::1', 'discard-only'],
    ['not-an-address', 'not an address'],
  ])('%s (%s) is refused', (address) => {
    expect(isForbiddenAddress(address)).toBe(true);
  });

  it.each([
    '172.32.0.1',
    '8.8.8.8',
    '93.184.215.14',
    '2606:4700:4700::1111',
    '::ffff:8.8.8.8',
    '64:ff9b::808:808',
    '2002:808:808::1',
  ])('%s is allowed', (address) => {
    expect(isForbiddenAddress(address)).toBe(false);
  });
});

describe('webhook URLs with an IPv4 address inside an IPv6 literal', () => {
  it.each(['https://[::127.0.0.1]/hook', 'https://[64:ff9b::169.254.169.254]/hook', 'https://[::ffff:0:7f00:1]/hook'])(
    '%s is refused when saved',
    async (url) => {
      await expect(checkWebhookUrl(url, false)).rejects.toBeInstanceOf(WebhookUrlError);
    },
  );

  it('a public IPv4 literal is kept as it was given', async () => {
    await expect(checkWebhookUrl('https://93.184.215.14/hook', false)).resolves.toBe('https://93.184.215.14/hook');
  });
});
