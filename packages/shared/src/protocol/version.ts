/**
 * Protocol version. Old offline devices must keep talking to new servers, so a change to
 * any message schema has to be deliberate: bump PROTOCOL_VERSION and add the new schema
 * hash as a new entry below (never edit an old entry). `protocol.test.ts` fails when the
 * schemas and the entry for the current version disagree.
 */
export const PROTOCOL_VERSION = 3;

/** sha-256 (hex) of the message schemas, for every protocol version so far. */
export const PROTOCOL_SCHEMA_HASHES: Readonly<Record<number, string>> = {
  1: 'e443a9025e73f519c52a5b28ac1482142059a8902ec1048c83a4e1ed81925ce8',
  // 2: the device channel (subscribe, unsubscribe, jobClosed, channelReady, jobNotice, referenceChanged).
  2: 'df21d784d2533f10aa1ad7ba75345d39ea48a6caa8f35b2538c63294ae782129',
  // 3: subscribeWithChanges (type 113: a reconnect's unacked changes ride in the subscribe frame).
  3: 'b4ffd25a64fc9c8418a1751e9a88f054d760b47b44517b8273e25f3590e96912',
};
