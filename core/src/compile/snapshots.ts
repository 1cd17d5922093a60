/** Snapshot files hold one `{% snapshot name %} ... {% endsnapshot %}` block; its body is the node's SQL. */
import { XformError } from '../errors.js';
import type { ProjectFile } from '../project/types.js';
import { positionAt } from './source-lines.js';

const OPEN = /\{%-?\s*snapshot\s+([A-Za-z_][A-Za-z0-9_]*)\s*-?%\}/;
const CLOSE = /\{%-?\s*endsnapshot\s*-?%\}/;

export function findSnapshotBlock(file: ProjectFile): { name: string; body: string; line: number } | XformError {
  const open = OPEN.exec(file.contents);
  if (!open) {
    return new XformError('XFORM_SNAPSHOT_BLOCK', `no {% snapshot <name> %} block in ${file.path}`, {
      location: { file: file.path, line: 1 },
      hint: 'a snapshot file looks like: {% snapshot orders_snapshot %} select ... {% endsnapshot %}',
    });
  }
  const start = open.index + open[0].length;
  const rest = file.contents.slice(start);
  const close = CLOSE.exec(rest);
  if (!close) {
    return new XformError('XFORM_SNAPSHOT_BLOCK', `snapshot '${open[1]}' is not closed with {% endsnapshot %}`, {
      location: { file: file.path, ...positionAt(file.contents, open.index) },
    });
  }
  const line = positionAt(file.contents, start).line;
  // Pad with the lines before the block so that template errors report the file's own line numbers.
  return { name: open[1]!, body: '\n'.repeat(line - 1) + rest.slice(0, close.index), line };
}
