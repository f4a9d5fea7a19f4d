import { JwtService } from '@nestjs/jwt';
import type { Request } from 'express';
import { createSecretKey } from 'node:crypto';
import { AccessTokenService, isAccessTokenClaims } from './access-token.service';

const SUB = '0b6e1c3a-9f0e-4c59-8a3b-5f6f3f0d2c11';
const SID = '5d2b7e8f-1a4c-4e2b-9c7d-3e8f9a0b1c2d';
const complete = { sub: SUB, sid: SID, typ: 'access', iat: 1_800_000_000, exp: 1_800_003_600 };

describe('isAccessTokenClaims', () => {
  it('accepts the claims AccessTokenService signs', () => {
    expect(isAccessTokenClaims(complete)).toBe(true);
  });

  it.each(['sub', 'sid', 'typ', 'iat', 'exp'])('refuses claims without %s', (claim) => {
    const { [claim as keyof typeof complete]: _left, ...rest } = complete;
    expect(isAccessTokenClaims(rest)).toBe(false);
  });

  it.each([
    ['typ', 'refresh'],
    ['sub', 'admin'],
    ['sid', 42],
    ['iat', '1800000000'],
    ['exp', 1.5],
    ['exp', complete.iat],
  ])('refuses %s = %p', (claim, value) => {
    expect(isAccessTokenClaims({ ...complete, [claim]: value })).toBe(false);
  });

  it('refuses what is not an object', () => {
    expect(isAccessTokenClaims(null)).toBe(false);
    expect(isAccessTokenClaims('claims')).toBe(false);
  });
});

describe('AccessTokenService', () => {
  const jwt = new JwtService({
    secret: createSecretKey(Buffer.from('unit-test-secret-that-is-long-enough')),
    signOptions: { algorithm: 'HS256', expiresIn: 600 },
  });
  const service = new AccessTokenService(jwt);
  const requestWith = (token: string) =>
    ({ headers: { authorization: `Bearer ${token}` } }) as Request;

  it('signs tokens carrying every required claim, with a KeyObject secret', () => {
    const claims = service.verify(service.sign({ sub: SUB, sid: SID }));
    expect(claims).toMatchObject({ sub: SUB, sid: SID, typ: 'access' });
    expect(claims!.exp - claims!.iat).toBe(600);
  });

  it('verifies the token of a request once, however often it is asked', () => {
    const request = requestWith(service.sign({ sub: SUB, sid: SID }));
    const verify = jest.spyOn(jwt, 'verify');
    expect(service.claimsOf(request)?.sub).toBe(SUB);
    expect(service.claimsOf(request)?.sub).toBe(SUB);
    expect(verify).toHaveBeenCalledTimes(1);
    verify.mockRestore();
  });

  it('remembers a refusal too, and refuses a request without a token', () => {
    const forged = requestWith('eyJhbGciOiJIUzI1NiJ9.e30.c2lnbmF0dXJl');
    const verify = jest.spyOn(jwt, 'verify');
    expect(service.claimsOf(forged)).toBeUndefined();
    expect(service.claimsOf(forged)).toBeUndefined();
    expect(verify).toHaveBeenCalledTimes(1);
    verify.mockRestore();
    expect(service.claimsOf({ headers: {} } as Request)).toBeUndefined();
  });
});
