/**
 * Exposures (`exposures:` in schema YAML) become manifest entries as in dbt: their `depends_on:` list of
 * `ref('orders')` / `source('shop', 'orders')` strings is resolved to the nodes they read, with the same
 * errors (file, line, did-you-mean) as a ref in SQL.
 */
import { XformError, type DiagnosticBag, type SourceLocation } from '../errors.js';
import type { NodeIndex } from '../graph/node-index.js';
import type { ExposureNode } from '../graph/types.js';
import type { ExposureDef, LoadedProject } from '../project/types.js';

const REF = /^\s*ref\(\s*(['"])((?:(?!\1).)*)\1\s*(?:,\s*(['"])((?:(?!\3).)*)\3\s*)?\)\s*$/;
const SOURCE = /^\s*source\(\s*(['"])((?:(?!\1).)*)\1\s*,\s*(['"])((?:(?!\3).)*)\3\s*\)\s*$/;

/** One `depends_on:` entry -> the unique_id it names. */
function resolveDependency(text: string, location: SourceLocation, index: NodeIndex, pkg: string): string {
  const ref = REF.exec(text);
  if (ref) {
    const [name, qualified] = ref[4] === undefined ? [ref[2]!, undefined] : [ref[4], ref[2]];
    return index.resolveRef(name, qualified, location, pkg).unique_id;
  }
  const source = SOURCE.exec(text);
  if (source) return index.resolveSource(source[2]!, source[4]!, location, pkg).unique_id;
  throw new XformError('XFORM_EXPOSURE_INVALID', `an exposure's depends_on entry must be ref('model') or source('source', 'table'), got ${JSON.stringify(text)}`, {
    location,
    hint: "write depends_on: [ref('orders'), source('shop', 'customers')]",
  });
}

export function buildExposures(project: LoadedProject, index: NodeIndex, descriptions: Map<string, string>, bag: DiagnosticBag): Record<string, ExposureNode> {
  const out: Record<string, ExposureNode> = {};
  for (const file of project.schemaFiles) {
    const pkg = file.packageName ?? project.config.name;
    for (const def of file.exposures ?? []) {
      const node = exposureNode(def, pkg, file.path, index, descriptions, bag);
      const existing = out[node.unique_id];
      if (existing) {
        bag.error('XFORM_DUPLICATE_NODE', `two exposures are named '${def.name}' (the other is in ${existing.original_file_path}, line ${existing.line})`, { ...def.location, file: file.path }, 'rename one of them');
        continue;
      }
      out[node.unique_id] = node;
    }
  }
  return out;
}

function exposureNode(def: ExposureDef, pkg: string, file: string, index: NodeIndex, descriptions: Map<string, string>, bag: DiagnosticBag): ExposureNode {
  const nodes: string[] = [];
  for (const dep of def.dependsOn) {
    try {
      const id = resolveDependency(dep.text, { ...dep.location, file }, index, pkg);
      if (!nodes.includes(id)) nodes.push(id);
    } catch (err) {
      bag.addError(err, { ...dep.location, file });
    }
  }
  return {
    unique_id: `exposure.${pkg}.${def.name}`,
    resource_type: 'exposure',
    name: def.name,
    ...(def.label ? { label: def.label } : {}),
    package_name: pkg,
    original_file_path: file,
    ...(def.location.line === undefined ? {} : { line: def.location.line }),
    type: def.type,
    owner: def.owner,
    ...(def.maturity ? { maturity: def.maturity } : {}),
    ...(def.url ? { url: def.url } : {}),
    description: descriptions.get(def.name) ?? def.description,
    tags: def.tags,
    meta: def.meta,
    depends_on: { nodes },
  };
}
