/** Packages: reading packages.yml / dependencies.yml and installing them (`xform deps`). */
export { installPackages, LOCK_FILE, specHash, type InstalledPackage, type InstallOptions, type InstallResult } from './install.js';
export { hubRepositoryCandidates, pickVersion, DEFAULT_HUB_GIT_BASE } from './hub.js';
export { parsePackagesFile, PACKAGE_FILES, type PackageSpec } from './spec.js';
