/**
 * Hub packages (`package: dbt-labs/dbt_utils`, `version: [">=1.0.0", "<2.0.0"]`) resolve to the package's
 * public git repository, without the hub's index: `<org>/<name>` -> `<base>/<org>/<name with _ as ->`,
 * then `<base>/<org>/<name>` as written, then `<base>/<org>/dbt-<name with _ as ->`. `<base>` is https://github.com, or XFORM_HUB_GIT_BASE (a mirror,
 * or a folder of bare repositories). A version is a tag `<version>` or `v<version>`; the highest tag
 * satisfying every range wins.
 */
import { XformError } from '../errors.js';
import { satisfiesVersion } from '../project/version.js';
import { listRemoteTags } from './git.js';

export const DEFAULT_HUB_GIT_BASE = 'https://github.com';

export function hubRepositoryCandidates(pkg: string, base: string): string[] {
  const [org, name] = pkg.split('/');
  if (!org || !name) {
    throw new XformError('XFORM_PACKAGES_INVALID', `package '${pkg}' must be written <org>/<name>, e.g. dbt-labs/dbt_utils`, {});
  }
  const root = base.replace(/\/+$/, '');
  const dashed = name.replaceAll('_', '-');
  // Many hub packages live in a `dbt-` prefixed repository (dbt-labs/codegen -> dbt-labs/dbt-codegen).
  const prefixed = dashed.startsWith('dbt-') ? [] : [`${root}/${org}/dbt-${dashed}`];
  const urls = [`${root}/${org}/${dashed}`, `${root}/${org}/${name}`, ...prefixed];
  return [...new Set(urls.flatMap((u) => [u, `${u}.git`]))];
}

const SEMVER_TAG = /^v?(\d+)\.(\d+)\.(\d+)$/;

function compareVersions(a: string, b: string): number {
  const pa = SEMVER_TAG.exec(a)!.slice(1).map(Number);
  const pb = SEMVER_TAG.exec(b)!.slice(1).map(Number);
  for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return pa[i]! - pb[i]!;
  return 0;
}

/** The highest release tag satisfying every range; pre-releases are never chosen. */
export function pickVersion(tags: readonly string[], ranges: readonly string[]): { tag: string; version: string } | undefined {
  const matching = tags.filter((tag) => SEMVER_TAG.test(tag) && ranges.every((r) => satisfiesVersion(tag.replace(/^v/, ''), r) === true));
  if (matching.length === 0) return undefined;
  const tag = matching.sort(compareVersions).at(-1)!;
  return { tag, version: tag.replace(/^v/, '') };
}

export interface HubResolution {
  url: string;
  tag: string;
  version: string;
}

/** Finds the repository and the tag for a hub package; XformError when unreachable or nothing matches. */
export async function resolveHubPackage(pkg: string, ranges: readonly string[], env: Record<string, string | undefined>): Promise<HubResolution> {
  for (const range of ranges) {
    if (satisfiesVersion('0.0.0', range) === 'invalid') {
      throw new XformError('XFORM_PACKAGES_INVALID', `cannot read version range '${range}' of package '${pkg}'`, { hint: 'e.g. version: [">=1.0.0", "<2.0.0"] or version: 1.1.1' });
    }
  }
  const base = env.XFORM_HUB_GIT_BASE || DEFAULT_HUB_GIT_BASE;
  let lastError: XformError | undefined;
  for (const url of hubRepositoryCandidates(pkg, base)) {
    let tags: string[];
    try {
      tags = await listRemoteTags(url);
    } catch (err) {
      const error = err as XformError;
      // Unreachable network: every candidate would fail the same way.
      if (error.code === 'XFORM_PACKAGE_OFFLINE' || error.code === 'XFORM_GIT_NOT_FOUND') throw error;
      lastError = error;
      continue;
    }
    const picked = pickVersion(tags, ranges);
    if (!picked) {
      const versions = tags.filter((t) => SEMVER_TAG.test(t)).sort(compareVersions).slice(-5).join(', ');
      throw new XformError('XFORM_PACKAGE_VERSION_NOT_FOUND', `no version of ${pkg} satisfies ${ranges.join(', ')} (in ${url})`, {
        hint: versions ? `latest versions: ${versions}` : 'the repository has no version tags',
      });
    }
    return { url, ...picked };
  }
  throw new XformError('XFORM_PACKAGE_NOT_FOUND', `package '${pkg}' not found: no repository at ${hubRepositoryCandidates(pkg, base).filter((u) => !u.endsWith('.git')).join(' or ')}`, {
    hint: lastError ? `git said: ${lastError.message}` : 'check the package name, or install it with git: and its URL',
  });
}
