/**
 * Plain-data views of a job doc for screens, one per root: a root is re-read only after
 * something under it changed (`observeDeep`), and every screen part showing it shares the
 * one read. A keystroke in a note re-reads the notes once, not the whole job once per
 * section. Views are kept per doc, so every holder of the same job shares them.
 */
import type * as Y from 'yjs';
import { jobRoots, readJobRoot, type JobContent } from '@outpost/shared';
import type { Watchable } from '../observable';

/** A root of a job doc, by its `JobContent` key. */
export type JobRootName = keyof JobContent;

/** One root's plain data: the same object until something under the root changes. */
class RootView<K extends JobRootName> implements Watchable<JobContent[K]> {
  private value!: JobContent[K];
  private stale = true;
  private readonly listeners = new Set<(value: JobContent[K]) => void>();

  constructor(
    private readonly doc: Y.Doc,
    private readonly root: K,
  ) {
    // Observed for the doc's lifetime: a view nobody subscribes to must still know it is stale.
    (jobRoots(doc)[root] as unknown as Y.AbstractType<Y.YEvent<never>>).observeDeep(() => {
      this.stale = true;
      for (const listener of [...this.listeners]) listener(this.get());
    });
  }

  get = (): JobContent[K] => {
    if (this.stale) {
      this.value = readJobRoot(this.doc, this.root);
      this.stale = false;
    }
    return this.value;
  };

  subscribe = (listener: (value: JobContent[K]) => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };
}

/** The views of one job doc: each root alone, and the whole job built from them. */
export class JobView implements Watchable<JobContent> {
  private static readonly byDoc = new WeakMap<Y.Doc, JobView>();
  private readonly roots = new Map<JobRootName, RootView<JobRootName>>();
  private whole: JobContent | null = null;

  private constructor(private readonly doc: Y.Doc) {}

  /** The views of `doc` (made on first use, then shared). */
  static of(doc: Y.Doc): JobView {
    let view = JobView.byDoc.get(doc);
    if (!view) JobView.byDoc.set(doc, (view = new JobView(doc)));
    return view;
  }

  /** One root's view. */
  root<K extends JobRootName>(name: K): Watchable<JobContent[K]> {
    let view = this.roots.get(name);
    if (!view) {
      view = new RootView(this.doc, name) as unknown as RootView<JobRootName>;
      this.roots.set(name, view);
      view.subscribe(() => (this.whole = null));
    }
    return view as unknown as Watchable<JobContent[K]>;
  }

  /** The whole job; only the roots that changed since the last call are read again. */
  get = (): JobContent => (this.whole ??= this.compose());

  /** Calls `listener` after any root changed. */
  subscribe = (listener: (job: JobContent) => void): (() => void) => {
    const offs = ROOT_NAMES.map((name) => this.root(name).subscribe(() => listener(this.get())));
    return () => offs.forEach((off) => off());
  };

  private compose(): JobContent {
    const job = {} as Record<JobRootName, unknown>;
    for (const name of ROOT_NAMES) job[name] = this.root(name).get();
    return job as unknown as JobContent;
  }
}

const ROOT_NAMES: readonly JobRootName[] = [
  'meta',
  'notes',
  'checklist',
  'photos',
  'signature',
  'time',
  'refrigerant',
  'lineItems',
  'locations',
  'messages',
  'messageReads',
  'server',
];
