import { defineMessage, type ValueOf } from './message';

/**
 * Channel ready (server → device, first frame on the device channel): the server's
 * protocol version and the oldest it accepts. A device older than `minProtocolVersion`
 * never gets this far: it is refused with `update_required` (close code 4426).
 */
export const channelReady = defineMessage(107, 'channelReady', [
  ['protocolVersion', 'uint'],
  ['minProtocolVersion', 'uint'],
] as const);

/** A decoded channel-ready message. */
export type ChannelReady = ValueOf<typeof channelReady.fields>;
