import { defineMessage, type ValueOf } from './message';

/**
 * Reference changed (server → device, on the device channel): reference data a device
 * keeps primed changed — `kind` is `customer`, `equipment` or `pricebook`, `id` the
 * record (the pricebook's version for `pricebook`). The device re-reads that record.
 */
export const referenceChanged = defineMessage(109, 'referenceChanged', [
  ['kind', 'string'],
  ['id', 'string'],
] as const);

/** A decoded reference-changed message. */
export type ReferenceChanged = ValueOf<typeof referenceChanged.fields>;
