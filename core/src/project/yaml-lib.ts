/**
 * The `yaml` library, loaded the first time a text needs its Document API: a YAML file the fast path
 * (yaml-fast.ts) does not take, a position it cannot place, toyaml/fromyaml in a template, a lock file
 * written. Plain project files need none of it. It loads with require(): the package is CommonJS, and
 * import() of it first reads each of its files for their export names (about twice the time of loading it).
 */
import { createRequire } from 'node:module';

type Yaml = typeof import('yaml');

let yaml: Yaml | undefined;

export function yamlLib(): Yaml {
  return (yaml ??= createRequire(import.meta.url)('yaml') as Yaml);
}
