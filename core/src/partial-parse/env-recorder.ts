/**
 * An environment that remembers which variables were read. The partial-parse cache keys on the values of
 * exactly those variables (env_var() in templates and profiles.yml, XFORM_PROFILES_DIR), so an unrelated
 * variable changing never forces a full compile, and a read one always does.
 */
export interface RecordingEnv {
  env: Record<string, string | undefined>;
  /** Names read so far, with the value each had (undefined: not set). */
  reads: Map<string, string | undefined>;
}

export function recordingEnv(source: Record<string, string | undefined>): RecordingEnv {
  const reads = new Map<string, string | undefined>();
  const env = new Proxy(source, {
    get(target, name, receiver) {
      const value = Reflect.get(target, name, receiver) as string | undefined;
      if (typeof name === 'string') reads.set(name, value);
      return value;
    },
    has(target, name) {
      if (typeof name === 'string') reads.set(name, Reflect.get(target, name) as string | undefined);
      return Reflect.has(target, name);
    },
  });
  return { env, reads };
}
