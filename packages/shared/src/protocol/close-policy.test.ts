import { describe, expect, it } from 'vitest';
import { closeAction, DEVICE_CLOSE_CODES, serverAnswered } from './close-policy';
import { ERROR_CODES } from '../errors/codes';

describe('the close-code policy', () => {
  it('stops a job the server refused and asks for a sign-in on a refused token', () => {
    expect(closeAction(ERROR_CODES.not_assigned.close, 'not_assigned')).toBe('refused');
    expect(closeAction(ERROR_CODES.not_found.close)).toBe('refused');
    expect(closeAction(ERROR_CODES.too_large.close)).toBe('refused');
    expect(closeAction(ERROR_CODES.bad_message.close, 'bad_message')).toBe('refused');
    expect(closeAction(ERROR_CODES.token_expired.close, 'token_expired')).toBe('sign_in');
  });

  it('stops and asks for an app update when the server needs a newer protocol', () => {
    expect(closeAction(ERROR_CODES.update_required.close, 'update_required')).toBe('update');
    expect(serverAnswered(ERROR_CODES.update_required.close)).toBe(true);
  });

  it('retries the network, restarts, load and sockets the device gave up on', () => {
    for (const code of [1000, 1001, 1006, 1011, 1013, ERROR_CODES.rate_limited.close, DEVICE_CLOSE_CODES.noDurableAck, DEVICE_CLOSE_CODES.unreadableMessage]) {
      expect(closeAction(code), String(code)).toBe('retry');
    }
  });

  it('retries an update refused for a gap, which a fresh socket heals', () => {
    expect(closeAction(ERROR_CODES.unresolved_update.close, 'unresolved_update')).toBe('retry');
  });

  it('counts a refusal as the server answering, and a dropped connection not', () => {
    expect(serverAnswered(4403)).toBe(true);
    expect(serverAnswered(4401)).toBe(true);
    expect(serverAnswered(1006)).toBe(false);
    expect(serverAnswered(DEVICE_CLOSE_CODES.noDurableAck)).toBe(false);
  });

  it('maps every refusal-class error code to a close the policy does not retry', () => {
    for (const [code, spec] of Object.entries(ERROR_CODES)) {
      if (spec.retryable || code === 'unresolved_update') continue;
      if (spec.close === 4409) continue; // op answers over HTTP; the relay never closes with them
      expect(closeAction(spec.close, code), code).not.toBe('retry');
    }
  });
});
