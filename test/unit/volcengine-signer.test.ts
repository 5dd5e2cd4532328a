import { describe, expect, it } from 'vitest';
import { canonicalHost, canonicalQuery, formatXDate, rfc3986Encode, signRequest, verifyRequest } from '@app/volcengine-assets';

// The published vectors from UPSTREAMS.md (dummy credentials).
const AK = 'AKLTtest0000000000000000';
const SK = 'c2VjcmV0LWtleS1mb3ItdGVzdHMtb25seQ==';
const URL_ = 'http://ark.cn-beijing.volcengineapi.com/?Action=CreateAssetGroup&Version=2024-01-01';
const BODY = '{"GroupType":"AIGC","Name":"shots"}';
const DATE = new Date(Date.UTC(2026, 8, 30, 7, 55, 1));
const vector = { method: 'POST', url: URL_, body: BODY, accessKeyId: AK, secretAccessKey: SK, region: 'cn-beijing', service: 'ark', date: DATE };

describe('Volcengine signature V4: published vectors', () => {
  it('hashes the body and formats X-Date exactly', () => {
    const signed = signRequest({ ...vector, headers: { 'Content-Type': 'application/json' } });
    expect(signed.bodySha256).toBe('5a531d8978c642c1dbdc5d3d05b03c4163e5451b34c0d3594d6dd0a53496ebed');
    expect(signed.headers['X-Content-Sha256']).toBe('5a531d8978c642c1dbdc5d3d05b03c4163e5451b34c0d3594d6dd0a53496ebed');
    expect(formatXDate(DATE)).toBe('20260930T075501Z');
    expect(signed.headers['X-Date']).toBe('20260930T075501Z');
  });

  it('reproduces the signature over content-type;host;x-content-sha256;x-date (the default with a Content-Type)', () => {
    const signed = signRequest({ ...vector, headers: { 'Content-Type': 'application/json' } });
    expect(signed.signature).toBe('afd663fab91bd07d78b5ddff82311ba76deff30af798242a1c306fa4e3f49b01');
    expect(signed.headers.Authorization).toBe(
      'HMAC-SHA256 Credential=AKLTtest0000000000000000/20260930/cn-beijing/ark/request, ' +
        'SignedHeaders=content-type;host;x-content-sha256;x-date, ' +
        'Signature=afd663fab91bd07d78b5ddff82311ba76deff30af798242a1c306fa4e3f49b01',
    );
    expect(signed.canonicalRequest).toBe(
      [
        'POST',
        '/',
        'Action=CreateAssetGroup&Version=2024-01-01',
        'content-type:application/json\nhost:ark.cn-beijing.volcengineapi.com\n' +
          'x-content-sha256:5a531d8978c642c1dbdc5d3d05b03c4163e5451b34c0d3594d6dd0a53496ebed\nx-date:20260930T075501Z\n',
        'content-type;host;x-content-sha256;x-date',
        '5a531d8978c642c1dbdc5d3d05b03c4163e5451b34c0d3594d6dd0a53496ebed',
      ].join('\n'),
    );
  });

  it('reproduces the signature over host;x-content-sha256;x-date (the official SDK with a Host header)', () => {
    const signed = signRequest({
      ...vector,
      headers: { 'Content-Type': 'application/json', Host: 'ark.cn-beijing.volcengineapi.com' },
      signedHeaders: ['x-date', 'HOST', 'x-content-sha256'],
    });
    expect(signed.signature).toBe('54b43216b53b1ecbfda7d64877b744cc3d92b4161f34377c590ea63361969992');
    expect(signed.authorization).toContain('SignedHeaders=host;x-content-sha256;x-date,');
  });

  it('uses the raw secret: a base64-decoded secret gives another signature', () => {
    const decoded = Buffer.from(SK, 'base64').toString('utf8');
    const signed = signRequest({ ...vector, secretAccessKey: decoded, headers: { 'Content-Type': 'application/json' } });
    expect(signed.signature).not.toBe('afd663fab91bd07d78b5ddff82311ba76deff30af798242a1c306fa4e3f49b01');
  });
});

describe('Volcengine signature V4: canonical forms', () => {
  it('encodes query values per RFC 3986: space as %20, never +, and reserved characters escaped', () => {
    expect(rfc3986Encode("a b+c/d*e'(f)!~-._")).toBe('a%20b%2Bc%2Fd%2Ae%27%28f%29%21~-._');
    expect(canonicalQuery(new URLSearchParams([['Name', 'my shots']]))).toBe('Name=my%20shots');
    expect(canonicalQuery(new URL('http://h/?Name=a+b').searchParams)).toBe('Name=a%20b');
    expect(canonicalQuery(new URL('http://h/?Name=a%2Bb').searchParams)).toBe('Name=a%2Bb');
    expect(canonicalQuery(new URL('http://h/?n=%E5%9B%BE').searchParams)).toBe('n=%E5%9B%BE');
  });

  it('sorts query keys (then values) whatever order the URL has', () => {
    expect(canonicalQuery(new URL('http://h/?Version=2024-01-01&b=2&Action=X&b=1&a=').searchParams)).toBe('Action=X&Version=2024-01-01&a=&b=1&b=2');
    const a = signRequest({ ...vector, url: 'http://ark.cn-beijing.volcengineapi.com/?Version=2024-01-01&Action=CreateAssetGroup', headers: { 'Content-Type': 'application/json' } });
    expect(a.signature).toBe('afd663fab91bd07d78b5ddff82311ba76deff30af798242a1c306fa4e3f49b01');
  });

  it('drops default ports from the signed host and keeps any other port', () => {
    expect(canonicalHost('Ark.cn-beijing.volcengineapi.com:443')).toBe('ark.cn-beijing.volcengineapi.com');
    expect(canonicalHost('ark.cn-beijing.volcengineapi.com:80')).toBe('ark.cn-beijing.volcengineapi.com');
    expect(canonicalHost('127.0.0.1:4010')).toBe('127.0.0.1:4010');
    const ctype = { 'Content-Type': 'application/json' };
    for (const url of ['http://ark.cn-beijing.volcengineapi.com:80/?Action=CreateAssetGroup&Version=2024-01-01', 'https://ark.cn-beijing.volcengineapi.com:443/?Action=CreateAssetGroup&Version=2024-01-01']) {
      expect(signRequest({ ...vector, url, headers: ctype }).signature).toBe('afd663fab91bd07d78b5ddff82311ba76deff30af798242a1c306fa4e3f49b01');
    }
    const withPort = signRequest({ ...vector, url: 'http://ark.cn-beijing.volcengineapi.com:8443/?Action=CreateAssetGroup&Version=2024-01-01', headers: ctype });
    expect(withPort.canonicalRequest).toContain('\nhost:ark.cn-beijing.volcengineapi.com:8443\n');
  });

  it('refuses to sign a header that is not being sent', () => {
    expect(() => signRequest({ ...vector, signedHeaders: ['content-type', 'host'] })).toThrow(/content-type/);
  });
});

describe('Volcengine signature V4: verification', () => {
  const secretFor = (ak: string) => (ak === AK ? SK : undefined);
  const received = (signed: ReturnType<typeof signRequest>, host = 'ark.cn-beijing.volcengineapi.com') => ({ ...signed.headers, host });

  it('accepts what the signer produced, whichever header set was signed', () => {
    for (const signedHeaders of [undefined, ['host', 'x-date', 'x-content-sha256']]) {
      const signed = signRequest({ ...vector, headers: { 'Content-Type': 'application/json' }, signedHeaders });
      const r = verifyRequest({ method: 'POST', url: '/?Action=CreateAssetGroup&Version=2024-01-01', headers: received(signed), body: BODY, secretFor, now: DATE });
      expect(r).toMatchObject({ ok: true, accessKeyId: AK, region: 'cn-beijing', service: 'ark' });
    }
  });

  it('accepts a Host header carrying a default port', () => {
    const signed = signRequest({ ...vector, headers: { 'Content-Type': 'application/json' } });
    const r = verifyRequest({ method: 'POST', url: URL_, headers: received(signed, 'ark.cn-beijing.volcengineapi.com:80'), body: BODY, secretFor, now: DATE });
    expect(r.ok).toBe(true);
  });

  it('answers SignatureDoesNotMatch for a wrong secret, a changed body, a changed query or another host', () => {
    const good = signRequest({ ...vector, headers: { 'Content-Type': 'application/json' } });
    const wrong = signRequest({ ...vector, secretAccessKey: 'not-the-secret', headers: { 'Content-Type': 'application/json' } });
    const cases = [
      { headers: received(wrong), body: BODY, url: URL_ },
      { headers: received(good), body: '{"GroupType":"AIGC","Name":"other"}', url: URL_ },
      { headers: { ...received(good), 'x-content-sha256': undefined }, body: '{"GroupType":"AIGC","Name":"other"}', url: URL_ },
      { headers: received(good), body: BODY, url: '/?Action=DeleteAssetGroup&Version=2024-01-01' },
      { headers: received(good, 'evil.example:8080'), body: BODY, url: URL_ },
    ];
    for (const c of cases) {
      const r = verifyRequest({ method: 'POST', secretFor, now: DATE, ...c });
      expect(r).toMatchObject({ ok: false, code: 'SignatureDoesNotMatch' });
    }
  });

  it('tells missing, malformed, unknown-key and stale requests apart', () => {
    const good = signRequest({ ...vector, headers: { 'Content-Type': 'application/json' } });
    const base = { method: 'POST', url: URL_, body: BODY, now: DATE };
    expect(verifyRequest({ ...base, headers: { host: 'h' }, secretFor })).toMatchObject({ code: 'MissingAuthenticationToken' });
    expect(verifyRequest({ ...base, headers: { ...received(good), Authorization: 'Bearer x' }, secretFor })).toMatchObject({ code: 'InvalidAuthorization' });
    expect(verifyRequest({ ...base, headers: received(good), secretFor: () => undefined })).toMatchObject({ code: 'InvalidAccessKey' });
    expect(verifyRequest({ ...base, headers: received(good), secretFor, now: new Date(DATE.getTime() + 3_600_000) })).toMatchObject({ code: 'InvalidTimestamp' });
  });
});
