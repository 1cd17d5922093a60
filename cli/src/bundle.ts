/**
 * What scripts/pack-cli.mjs records when it bundles the CLI into one installable package (esbuild `define`
 * of `XFORM_BUNDLE`; core reads its own part of it in core/src/bundle.ts). Running the workspace's build
 * (tsc output), there is no such global.
 */
interface CliBundleInfo {
  /** The version of @xform/cli at bundle time. */
  cliVersion: string;
}

declare const XFORM_BUNDLE: CliBundleInfo | undefined;

/** Set only in the packed CLI. */
export const cliBundle: CliBundleInfo | undefined = typeof XFORM_BUNDLE === 'undefined' ? undefined : XFORM_BUNDLE;
