/**
 * Protocol version. Old offline devices must keep talking to new servers, so a change to
 * any message schema has to be deliberate: bump PROTOCOL_VERSION and add the new schema
 * hash as a new entry below (never edit an old entry). `protocol.test.ts` fails when the
 * schemas and the entry for the current version disagree.
 */
export const PROTOCOL_VERSION = 4;

/** sha-256 (hex) of the message schemas, for every protocol version so far. */
export const PROTOCOL_SCHEMA_HASHES: Readonly<Record<number, string>> = {
  1: 'e443a9025e73f519c52a5b28ac1482142059a8902ec1048c83a4e1ed81925ce8',
  // 2: the device channel (subscribe, unsubscribe, jobClosed, channelReady, jobNotice, referenceChanged).
  2: 'df21d784d2533f10aa1ad7ba75345d39ea48a6caa8f35b2538c63294ae782129',
  // 3: pushes that replace the last polling loops (handoverNotice, reviewNotice, requestNotice).
  3: 'ef8d62dc3646952bd7fe6472b00c3d731179a5cbde9b8dae1a4e16657ba07cbd',
  // 4: subscribeWithChanges (type 113: a reconnect's unacked changes ride in the subscribe frame).
  4: '90e8adac8ec62a95d21624aa37e92cf5603bb7bb76ef078a7a9098f9910c373d',
};
