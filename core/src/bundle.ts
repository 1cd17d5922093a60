/**
 * What scripts/pack-cli.mjs records when it bundles the CLI into one package (esbuild `define` replaces
 * `XFORM_BUNDLE` with an object literal). Running the workspace's own build (tsc output), there is no such
 * global and versions come from the packages' package.json files.
 */
export interface BundleInfo {
  /** The version of @xform/core at bundle time. */
  coreVersion: string;
  /** When the bundle was built (ISO time): part of the partial-parse key, as the build time is in a checkout. */
  builtAt: string;
}

declare const XFORM_BUNDLE: BundleInfo | undefined;

/** Set only in the packed CLI. */
export const bundleInfo: BundleInfo | undefined = typeof XFORM_BUNDLE === 'undefined' ? undefined : XFORM_BUNDLE;
