/**
 * Secret environment variables, dbt's way: a variable whose name starts with `XFORM_ENV_SECRET_` (or dbt's
 * `DBT_ENV_SECRET_`) may be read by env_var() in profiles.yml only — anywhere else its value would end up in
 * compiled SQL, manifest.json and the warehouse's query history — and its value is replaced by `*****`
 * wherever xform prints or writes text.
 */
export const SECRET_ENV_PREFIXES: readonly string[] = ['XFORM_ENV_SECRET_', 'DBT_ENV_SECRET_'];
export const SCRUBBED = '*****';
/** Shorter values are not scrubbed: replacing one or two characters everywhere would garble all output. */
const MIN_SCRUBBED_LENGTH = 4;

export function isSecretEnvName(name: string): boolean {
  return SECRET_ENV_PREFIXES.some((prefix) => name.startsWith(prefix));
}

let cached: { env: object; needles: string[] } | undefined;

/** The texts to scrub for `env`: each secret value as written and as it appears inside a JSON string. */
function needlesOf(env: Record<string, string | undefined>): string[] {
  // Reading every variable of process.env is slow; it does not change its secrets during one invocation.
  if (cached?.env === env) return cached.needles;
  const needles = new Set<string>();
  for (const [name, value] of Object.entries(env)) {
    if (!isSecretEnvName(name) || value === undefined || value.length < MIN_SCRUBBED_LENGTH) continue;
    needles.add(value);
    needles.add(JSON.stringify(value).slice(1, -1));
  }
  // Longest first, so a secret containing another is replaced whole.
  const sorted = [...needles].sort((a, b) => b.length - a.length);
  cached = { env, needles: sorted };
  return sorted;
}

/** `text` with the value of every secret environment variable replaced by `*****`. */
export function scrubSecrets(text: string, env: Record<string, string | undefined> = process.env): string {
  const needles = needlesOf(env);
  if (needles.length === 0) return text;
  let out = text;
  for (const needle of needles) if (out.includes(needle)) out = out.split(needle).join(SCRUBBED);
  return out;
}
