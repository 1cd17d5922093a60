/**
 * The nunjucks environments that render templates in profiles.yml, packages.yml and project YAML values,
 * made on first use: most files hold no template, and nunjucks otherwise loaded with every command. It loads
 * with require(): the package is CommonJS, and import() of it first reads each of its files for their
 * export names (about twice the time of loading it).
 */
import { createRequire } from 'node:module';
import type { ConfigureOptions, Environment } from 'nunjucks';

type Nunjucks = typeof import('nunjucks');

let nunjucks: Nunjucks | undefined;

/** A getter of one Environment without a loader, made with `options` and then `setup` when first asked for. */
export function lazyEnvironment(options: ConfigureOptions, setup: (env: Environment) => void): () => Environment {
  let env: Environment | undefined;
  return () => {
    if (env === undefined) {
      nunjucks ??= createRequire(import.meta.url)('nunjucks') as Nunjucks;
      env = new nunjucks.Environment(null, options);
      setup(env);
    }
    return env;
  };
}
