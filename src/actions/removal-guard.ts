import type { DownloadView } from '../domain/derive.js';

export interface RemovalPolicy {
  /** An *arr tag that keeps a title's downloads from being removed unasked. */
  protectTag: string;
  /** Indexers the user named as private trackers, lower case. */
  privateIndexers: readonly string[];
  /** Whether downloads from those indexers may still be removed unasked. */
  removePrivate: boolean;
}

/**
 * Whether the tracker may remove and blocklist `download` without a person asking. Private trackers
 * count ratio and hit-and-runs, so their downloads are left alone unless the user allows it; a title
 * tagged with the protect tag is never touched. A person pressing the button is not stopped by this.
 */
export function mayRemoveUnasked(download: DownloadView | undefined, policy: RemovalPolicy): boolean {
  if (!download) return false;
  const protectTag = policy.protectTag.toLowerCase();
  if (download.tags.some((tag) => tag.toLowerCase() === protectTag)) return false;
  const fromPrivate =
    download.indexer !== null && policy.privateIndexers.includes(download.indexer.toLowerCase());
  return !fromPrivate || policy.removePrivate;
}
