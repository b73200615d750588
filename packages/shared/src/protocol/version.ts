/**
 * Protocol version. Old offline devices must keep talking to new servers, so a change to
 * any message schema has to be deliberate: bump PROTOCOL_VERSION and add the new schema
 * hash as a new entry below (never edit an old entry). `protocol.test.ts` fails when the
 * schemas and the entry for the current version disagree.
 */
export const PROTOCOL_VERSION = 1;

/** sha-256 (hex) of the message schemas, for every protocol version so far. */
export const PROTOCOL_SCHEMA_HASHES: Readonly<Record<number, string>> = {
  1: 'e443a9025e73f519c52a5b28ac1482142059a8902ec1048c83a4e1ed81925ce8',
};
