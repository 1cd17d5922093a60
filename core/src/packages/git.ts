/**
 * The few git operations `xform deps` needs, through the `git` binary (the user's credentials, proxies and
 * URL rewrites apply as they do for git itself). Failures are XformErrors naming the repository.
 */
import { execFile } from 'node:child_process';
import { XformError } from '../errors.js';

function git(args: string[], cwd?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    // GIT_TERMINAL_PROMPT=0: a missing repository on a forge must fail, not wait for a password.
    execFile('git', args, { cwd, env: { ...process.env, GIT_TERMINAL_PROMPT: '0' }, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(Object.assign(err, { stderr: String(stderr) }));
      else resolve(String(stdout));
    });
  });
}

/** Why a git command failed, in words a user can act on; `url` never carries credentials in messages. */
function gitFailure(err: unknown, url: string, what: string, written: string): XformError {
  const e = err as NodeJS.ErrnoException & { stderr?: string };
  const shown = redactUrl(written);
  if (e.code === 'ENOENT') {
    return new XformError('XFORM_GIT_NOT_FOUND', `cannot ${what}: the git program is not installed`, { hint: 'install git, or use local: packages' });
  }
  const stderr = (e.stderr ?? '').split(url).join(shown).trim();
  if (/could not resolve host|network is unreachable|connection timed out|failed to connect|could not connect/i.test(stderr)) {
    return new XformError('XFORM_PACKAGE_OFFLINE', `cannot ${what}: ${shown} is not reachable (offline?)`, {
      hint: 'check the network connection, or install the package from a local folder with local:',
    });
  }
  if (/not found|does not exist|does not appear to be a git repository|could not read username|terminal prompts disabled/i.test(stderr)) {
    return new XformError('XFORM_PACKAGE_NOT_FOUND', `cannot ${what}: no git repository at ${shown}`, { hint: 'check the URL or package name' });
  }
  const last = stderr.split('\n').filter(Boolean).pop() ?? e.message;
  return new XformError('XFORM_PACKAGE_GIT_FAILED', `cannot ${what} (${shown}): ${redactUrl(last)}`, {});
}

/** `https://user:token@host/x` -> `https://***@host/x`. */
export function redactUrl(text: string): string {
  return text.replace(/(\w+:\/\/)[^/@\s]+@/g, '$1***@');
}

/** Tag names of a remote repository. */
export async function listRemoteTags(url: string, written = url): Promise<string[]> {
  let out: string;
  try {
    out = await git(['ls-remote', '--tags', '--refs', url]);
  } catch (err) {
    throw gitFailure(err, url, 'list the versions', written);
  }
  return out
    .split('\n')
    .map((line) => line.split('\t')[1] ?? '')
    .filter((ref) => ref.startsWith('refs/tags/'))
    .map((ref) => ref.slice('refs/tags/'.length));
}

/**
 * Clones `url` into `dir` and checks out `revision` (branch, tag or commit; default the remote HEAD).
 * Returns the commit. Messages show `written` (the URL before env_var() put credentials in it).
 */
export async function cloneAt(url: string, dir: string, revision: string | undefined, written = url): Promise<string> {
  try {
    await git(['clone', '--quiet', url, dir]);
  } catch (err) {
    throw gitFailure(err, url, 'clone', written);
  }
  if (revision !== undefined) {
    try {
      await git(['checkout', '--quiet', revision], dir);
    } catch {
      throw new XformError('XFORM_PACKAGE_REVISION_NOT_FOUND', `revision '${revision}' not found in ${redactUrl(written)}`, {
        hint: 'give a tag, a branch or a commit that exists in the repository',
      });
    }
  }
  return (await git(['rev-parse', 'HEAD'], dir)).trim();
}
