/**
 * pre_hook / post_hook: SQL templates from a node's config, rendered per node and run on the node's
 * connection. Pre-hooks run before the build; post-hooks run inside the publishing transaction where DDL is
 * transactional (dbt's default), so a failing post-hook leaves the previous relation in place.
 */
import { isXformError, XformError } from '../errors.js';
import type { ExecutableNode } from '../graph/types.js';
import { exec, type StepEnv } from './relations.js';

export type HookKind = 'pre_hook' | 'post_hook';

/**
 * The hook SQL strings of a node. Config may hold a string, a list, or dbt's `{sql: ...}` objects (folder
 * config merges can produce any of these), so all are accepted.
 */
export function hookTemplates(node: ExecutableNode, kind: HookKind): string[] {
  const raw: unknown = node.config[kind] ?? node.config[kind.replace('_', '-')];
  const items: unknown[] = raw === undefined || raw === null ? [] : Array.isArray(raw) ? raw : [raw];
  const out: string[] = [];
  for (const item of items) {
    if (typeof item === 'string') out.push(item);
    else if (item !== null && typeof item === 'object' && typeof (item as { sql?: unknown }).sql === 'string') {
      out.push((item as { sql: string }).sql);
    } else {
      throw new XformError('XFORM_CONFIG_INVALID', `${node.name}: ${kind} entries must be SQL strings, got ${JSON.stringify(item)}`, {
        location: { file: node.original_file_path },
      });
    }
  }
  return out;
}

export interface HookEnv extends StepEnv {
  renderHook(sql: string): string;
}

/** Renders and runs the node's hooks of one kind, in order. Empty renders (e.g. an `{% if %}` off) are skipped. */
export async function runHooks(env: HookEnv, kind: HookKind): Promise<void> {
  const templates = hookTemplates(env.node, kind);
  for (let i = 0; i < templates.length; i++) {
    let sql: string;
    try {
      sql = env.renderHook(templates[i]!).trim();
      if (sql === '') continue;
      await exec(env, sql);
    } catch (err) {
      const detail = err instanceof Error ? err.message : String(err);
      const location = isXformError(err) && err.location ? err.location : { file: env.node.original_file_path };
      throw new XformError('XFORM_HOOK_FAILED', `${env.node.name}: ${kind} #${i + 1} failed: ${detail}`, { location, cause: err });
    }
  }
}
