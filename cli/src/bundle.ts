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

declare const XFORM_CARRIED_ADAPTERS: Record<string, string> | undefined;

/**
 * Set only in the workspace's one-file bundle (scripts/bundle-workspace.mjs): the folders of the adapter
 * packages it carries a copy of, by target type. The adapter package found on disk there is that copy, and
 * is loaded from the bundle, with the bundle's own core.
 */
export const carriedAdapterDirs: Record<string, string> = typeof XFORM_CARRIED_ADAPTERS === 'undefined' ? {} : XFORM_CARRIED_ADAPTERS;
