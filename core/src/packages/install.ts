/**
 * `xform deps`: installs every package of packages.yml (and theirs, transitively) into the project's
 * `packages-install-path` (default dbt_packages/) under each package's own name, and writes
 * package-lock.yml in dbt's format. Local packages are linked as dbt links them; git and hub packages are
 * cloned with the `git` binary and copied without their .git folder.
 */
import { cp, mkdir, mkdtemp, readFile, rename, rm, stat, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DiagnosticBag, XformError } from '../errors.js';
import { DBT_PROJECT_FILE, PROJECT_FILE } from '../project/project-config.js';
import { satisfiesVersion } from '../project/version.js';
import { isPlainObject, parseYaml } from '../project/yaml-doc.js';
import { yamlLib } from '../project/yaml-lib.js';
import { cloneAt, listRemoteTags, redactUrl } from './git.js';
import { pickVersion, resolveHubPackage } from './hub.js';
import { LOCK_FILE, readLockPins, specHash } from './lock.js';
import { readPackagesFile, type PackageSpec } from './spec.js';

export { LOCK_FILE, specHash };


export interface InstalledPackage {
  name: string;
  kind: PackageSpec['kind'];
  /** Hub: the version; git: the commit; local: the folder as written. */
  resolved: string;
  /** Install folder relative to the project root, posix separators. */
  path: string;
  /** The packages file that asked for it. */
  requiredBy: string;
}

export interface InstallResult {
  packages: InstalledPackage[];
  /** package-lock.yml written, relative to the project root; undefined when there are no packages. */
  lockFile?: string;
  warnings: string[];
}

export interface InstallOptions {
  root: string;
  /** Relative to root. Default dbt_packages. */
  installPath?: string;
  env?: Record<string, string | undefined>;
  /** Resolve every package again, ignoring package-lock.yml. Default false: an up-to-date lock is followed. */
  upgrade?: boolean;
}

interface Pending {
  spec: PackageSpec;
  /** Folder a `local:` path is relative to. */
  baseDir: string;
  requiredBy: string;
  /** Asked for by a package that was cloned into a scratch folder. */
  inClone?: boolean;
}

interface Placed extends InstalledPackage {
  lockEntry: Record<string, unknown>;
  /** Hub package id (`dbt-labs/dbt_utils`) and every range asked for so far. */
  hub?: { pkg: string; asks: { by: string; ranges: string[] }[] };
  identity: string;
}

export async function installPackages(options: InstallOptions): Promise<InstallResult> {
  const root = path.resolve(options.root);
  const env = options.env ?? process.env;
  const installRel = (options.installPath ?? (await installPathOf(root))).replace(/\/+$/, '');
  const installDir = path.resolve(root, installRel);
  // The folder is emptied before installing: it must be a folder of its own inside the project.
  const inside = path.relative(root, installDir);
  if (inside === '' || inside.startsWith('..') || path.isAbsolute(inside)) {
    throw new XformError('XFORM_PACKAGES_INVALID', `packages-install-path '${installRel}' must be a folder inside the project`, { hint: 'e.g. packages-install-path: dbt_packages' });
  }
  const top = await readPackagesFile(root, '', env);
  const warnings: string[] = [];
  if (!top || top.specs.length === 0) return { packages: [], warnings: ['no packages to install (no packages.yml or dependencies.yml, or an empty list)'] };

  const hash = specHash(top.rendered, top.raw);
  const pin = options.upgrade ? (spec: PackageSpec) => spec : await readLockPins(root, hash);
  const scratch = await mkdtemp(path.join(os.tmpdir(), 'xform-deps-'));
  const placed = new Map<string, Placed>();
  // Built beside the install folder (same depth, so relative links hold) and swapped in at the end: a
  // failed install (offline, a conflict) leaves the packages installed before as they were.
  const staging = `${installDir}.xform-partial`;
  try {
    await rm(staging, { recursive: true, force: true });
    await mkdir(staging, { recursive: true });
    const queue: Pending[] = top.specs.map((spec) => ({ spec, baseDir: root, requiredBy: top.file }));
    for (let item = queue.shift(); item; item = queue.shift()) {
      item.spec = pin(item.spec);
      const fetched = await fetchPackage(item, scratch, env, warnings);
      const name = await packageName(fetched.dir, describe(item.spec));
      const existing = placed.get(name);
      if (existing) {
        await reconcile(existing, fetched, item, name, staging, scratch, env);
        continue;
      }
      const target = path.join(staging, name);
      await place(fetched.dir, target, item.spec.kind === 'local' && !item.inClone);
      const entry: Placed = {
        name,
        kind: item.spec.kind,
        resolved: fetched.resolved,
        path: path.posix.join(installRel, name),
        requiredBy: item.requiredBy,
        lockEntry: { ...fetched.lockEntry, name },
        hub: item.spec.kind === 'hub' ? { pkg: item.spec.package, asks: [{ by: item.requiredBy, ranges: item.spec.version }] } : undefined,
        identity: fetched.identity,
      };
      placed.set(name, entry);
      const own = await readPackagesFile(target, entry.path, env);
      // A package's own local: paths are relative to where it really is (its folder, or its clone), not to
      // the install folder; below a cloned package they are copied, since the clone is deleted.
      for (const spec of own?.specs ?? []) queue.push({ spec, baseDir: fetched.dir, requiredBy: own!.file, inClone: item.inClone || item.spec.kind !== 'local' });
    }
    await rm(installDir, { recursive: true, force: true });
    await rename(staging, installDir);
  } finally {
    await rm(scratch, { recursive: true, force: true });
    await rm(staging, { recursive: true, force: true });
  }
  const packages = [...placed.values()];
  const lock = { packages: packages.map((p) => p.lockEntry), sha1_hash: hash };
  // dbt's layout: list items not indented under `packages:`.
  await writeFile(path.join(root, LOCK_FILE), yamlLib().stringify(lock, { indentSeq: false }), 'utf8');
  return { packages: packages.map(({ lockEntry: _l, hub: _h, identity: _i, ...p }) => p), lockFile: LOCK_FILE, warnings };
}

/** `packages-install-path` of the project file (xform_project.yml, else dbt_project.yml); default dbt_packages. */
export async function installPathOf(root: string): Promise<string> {
  for (const file of [PROJECT_FILE, DBT_PROJECT_FILE]) {
    let text: string;
    try {
      text = await readFile(path.join(root, file), 'utf8');
    } catch {
      continue;
    }
    const src = parseYaml(text, file, new DiagnosticBag());
    const value = src && isPlainObject(src.value) ? src.value['packages-install-path'] : undefined;
    return typeof value === 'string' && value !== '' ? value.replace(/^(\.\/)+/, '') : 'dbt_packages';
  }
  throw new XformError('XFORM_PROJECT_NOT_FOUND', `no ${PROJECT_FILE} (or ${DBT_PROJECT_FILE}) in ${root}`, {
    location: { file: root },
    hint: `run xform deps in a project folder or a folder inside one (or pass --project-dir)`,
  });
}


function describe(spec: PackageSpec): string {
  return spec.kind === 'local' ? `local: ${spec.local}` : spec.kind === 'git' ? `git: ${redactUrl(spec.written)}` : `package: ${spec.package}`;
}

interface Fetched {
  dir: string;
  resolved: string;
  lockEntry: Record<string, unknown>;
  /** What makes two requests the same package (folder, repository + commit, hub id). */
  identity: string;
}

async function fetchPackage(item: Pending, scratch: string, env: Record<string, string | undefined>, warnings: string[]): Promise<Fetched> {
  const { spec } = item;
  if (spec.kind === 'local') {
    const dir = path.resolve(item.baseDir, spec.local);
    if (!(await stat(dir).then((s) => s.isDirectory(), () => false))) {
      throw new XformError('XFORM_PACKAGE_NOT_FOUND', `local package '${spec.local}' (in ${item.requiredBy}) is not a folder: ${dir}`, {
        location: { file: item.requiredBy },
        hint: 'local: paths are relative to the folder of the packages.yml that lists them',
      });
    }
    return { dir, resolved: spec.local, lockEntry: { local: spec.local }, identity: `local:${dir}` };
  }
  if (spec.kind === 'git') {
    if (spec.revision === undefined && spec.warnUnpinned) {
      warnings.push(`${describe(spec)} (in ${item.requiredBy}) has no revision: the default branch is installed; pin a tag or commit with revision:`);
    }
    const clone = await mkdtemp(path.join(scratch, 'git-'));
    const commit = await cloneAt(spec.git, path.join(clone, 'repo'), spec.revision, spec.written);
    const dir = await subdirectory(path.join(clone, 'repo'), spec.subdirectory, spec.written);
    const lockEntry: Record<string, unknown> = { git: spec.written, revision: commit };
    if (spec.subdirectory) lockEntry.subdirectory = spec.subdirectory;
    return { dir, resolved: commit, lockEntry, identity: `git:${spec.written}#${spec.subdirectory ?? ''}@${commit}` };
  }
  const hub = await resolveHubPackage(spec.package, spec.version, env);
  const clone = await mkdtemp(path.join(scratch, 'hub-'));
  await cloneAt(hub.url, path.join(clone, 'repo'), hub.tag);
  return { dir: path.join(clone, 'repo'), resolved: hub.version, lockEntry: { package: spec.package, version: hub.version }, identity: `hub:${spec.package}` };
}

async function subdirectory(repo: string, sub: string | undefined, url: string): Promise<string> {
  if (!sub) return repo;
  const dir = path.resolve(repo, sub);
  if (path.relative(repo, dir).startsWith('..')) {
    throw new XformError('XFORM_PACKAGES_INVALID', `subdirectory '${sub}' of ${redactUrl(url)} leaves the repository`, {});
  }
  return dir;
}

/** The package's name, from its dbt_project.yml (or xform_project.yml); installs go under that name. */
async function packageName(dir: string, what: string): Promise<string> {
  for (const file of [PROJECT_FILE, DBT_PROJECT_FILE]) {
    let text: string;
    try {
      text = await readFile(path.join(dir, file), 'utf8');
    } catch {
      continue;
    }
    const src = parseYaml(text, file, new DiagnosticBag());
    const name = src && isPlainObject(src.value) ? src.value.name : undefined;
    if (typeof name === 'string' && name !== '') return name;
    throw new XformError('XFORM_PACKAGE_INVALID', `the package at ${what} has a ${file} without a name`, { location: { file: path.join(dir, file) } });
  }
  throw new XformError('XFORM_PACKAGE_INVALID', `${what} is not a dbt or xform project: no ${DBT_PROJECT_FILE} or ${PROJECT_FILE} in ${dir}`, {
    hint: 'point the entry at the folder holding the package project file (git packages: subdirectory:)',
  });
}

async function place(from: string, to: string, link: boolean): Promise<void> {
  if (link) {
    try {
      await symlink(path.relative(path.dirname(to), from), to, 'dir');
      return;
    } catch {
      // No symlinks (some Windows set-ups): a copy, without the folders a link would have hidden.
    }
  }
  const skip = new Set(['.git', 'dbt_packages', 'target', 'logs', 'node_modules']);
  await cp(from, to, { recursive: true, filter: (src) => src === from || !skip.has(path.basename(src)) });
}

/** The same package asked for twice: fine when both agree; a hub range is narrowed; otherwise a conflict. */
async function reconcile(existing: Placed, fetched: Fetched, item: Pending, name: string, installDir: string, scratch: string, env: Record<string, string | undefined>): Promise<void> {
  const conflict = (detail: string) =>
    new XformError('XFORM_PACKAGE_VERSION_CONFLICT', `package '${name}' is required twice with different versions: ${detail}`, {
      location: { file: item.requiredBy },
      hint: 'make the requirements agree (one version, or ranges that overlap)',
    });
  const { spec } = item;
  if (spec.kind === 'hub' && existing.hub) {
    existing.hub.asks.push({ by: item.requiredBy, ranges: spec.version });
    if (spec.version.every((r) => satisfiesVersion(existing.resolved, r) === true)) return;
    const ranges = existing.hub.asks.flatMap((a) => a.ranges);
    const hub = await resolveHubPackage(spec.package, spec.version, env);
    const picked = pickVersion(await listRemoteTags(hub.url), ranges);
    if (!picked) throw conflict(`${existing.hub.asks.map((a) => `${a.by} asks for ${a.ranges.join(', ')}`).join('; ')} — no version satisfies all`);
    const clone = await mkdtemp(path.join(scratch, 'hub-'));
    await cloneAt(hub.url, path.join(clone, 'repo'), picked.tag);
    await rm(path.join(installDir, name), { recursive: true, force: true });
    await place(path.join(clone, 'repo'), path.join(installDir, name), false);
    existing.resolved = picked.version;
    existing.lockEntry = { package: spec.package, version: picked.version, name };
    return;
  }
  if (existing.identity === fetched.identity) return;
  throw conflict(`${existing.requiredBy} installs ${existing.kind} ${existing.resolved}, ${item.requiredBy} asks for ${describe(spec)} (${fetched.resolved})`);
}
