/** Types for client-layers.js (imported by packages/client/test/layers.test.ts). */
import type { Linter } from 'eslint';

/** The layers of packages/client/src, bottom first. */
export declare const CLIENT_LAYERS: readonly (readonly string[])[];
/** One ESLint config object per client folder (and one for observable.ts). */
export declare const clientLayerRules: Linter.Config[];
