/**
 * Protocol version. Bump it whenever a message schema changes, and record the new schema
 * hash below: old offline devices must keep talking to new servers, so a change has to
 * be deliberate. `protocol.test.ts` fails when the schemas and this hash disagree.
 */
export const PROTOCOL_VERSION = 1;

/** sha-256 (hex) of the message schemas at PROTOCOL_VERSION. */
export const PROTOCOL_SCHEMA_HASH = 'to-be-computed';
