import { describe, expect, it } from 'vitest';
import { addressKey, DEFAULT_LOGIN_LIMITS, LoginThrottle } from './login-throttle';

describe('login throttle', () => {
  it('lets a username fail its budget, then one more per refill, and names the wait in whole seconds', () => {
    let now = 0;
    const throttle = new LoginThrottle({ ...DEFAULT_LOGIN_LIMITS, failuresPerUsername: 3, usernameRefillSeconds: 30 }, () => now);
    for (let i = 0; i < 3; i++) {
      expect(throttle.retryAfter('bob', `10.0.0.${i}`)).toBe(0);
      throttle.failed('bob', `10.0.0.${i}`);
    }
    expect(throttle.retryAfter('bob', '10.0.0.9')).toBe(30);
    expect(throttle.retryAfter('alice', '10.0.0.9')).toBe(0);
    now += 20_000;
    expect(throttle.retryAfter('bob', '10.0.0.9')).toBe(10);
    now += 10_000;
    expect(throttle.retryAfter('bob', '10.0.0.9')).toBe(0);
  });

  it('keeps one budget for an IPv6 /64 and for an IPv4 address however it is written', () => {
    expect(addressKey('2001:db8:1:2:aaaa::1')).toBe(addressKey('2001:0db8:0001:0002:ffff:ffff:ffff:ffff'));
    expect(addressKey('2001:db8:1:3::1')).not.toBe(addressKey('2001:db8:1:2::1'));
    expect(addressKey('::ffff:192.0.2.7')).toBe('192.0.2.7');
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
  });
});
