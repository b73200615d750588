/** The pricebook devices download, and its version (the hash they check it against). */
import type { PricebookItem } from '@outpost/shared';
import { sha256Hex } from '../jobs/summary';

/** The active items: devices download these; special-order items are found by the online search. */
export function downloadedPricebook(items: readonly PricebookItem[]): PricebookItem[] {
  return items.filter((item) => item.active !== false);
}

/** The version of the downloaded pricebook: sha-256 hex of its items as sent. */
export function pricebookVersion(all: readonly PricebookItem[]): string {
  return sha256Hex(JSON.stringify(downloadedPricebook(all)));
}
