export { ERROR_CODES, isErrorCode, type ErrorBody, type ErrorCode, type ErrorSpec } from './codes';
export { OutpostError, outpostError } from './outpost-error';
