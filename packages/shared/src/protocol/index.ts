export { CLOSE_CODES, closeCodeFor, closeReason } from './close-codes';
export { durableAck, type DurableAck } from './durable-ack';
export { errorMessage, type ErrorMessage } from './error-message';
export { jobChanged, type JobChanged } from './job-changed';
export { defineMessage, encodeMessage, readMessage, writeMessage, type FieldKind, type Fields, type MessageSchema, type ValueOf } from './message';
export { opResult, type OpResultMessage } from './op-result';
export { decodeOutpostMessage, isOutpostMessageType, OUTPOST_MESSAGES, readOutpostMessage, Y_MESSAGE, type DecodedMessage } from './registry';
export { PROTOCOL_SCHEMA_HASHES, PROTOCOL_VERSION } from './version';
export { closeAction, DEVICE_CLOSE_CODES, serverAnswered, type CloseAction } from './close-policy';
