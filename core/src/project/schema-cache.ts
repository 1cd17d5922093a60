/**
 * Parsed schema YAML kept between compiles (`target/partial_parse_yaml.bin`), by file path and sha256 of
 * the text: parsing a large schema file with positions is the slowest part of loading a project, and
 * most compiles change none. Only files that parsed without any diagnostic are kept, so warnings are
 * reported again on every compile. Values are stored with v8.serialize (exact: undefined, dates).
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '../fs-write.js';
import { deserialize, serialize } from 'node:v8';
import { buildStamp } from '../partial-parse/snapshot-file.js';
import type { SchemaFile } from './types.js';

export const SCHEMA_CACHE_FILE = 'partial_parse_yaml.bin';

export class SchemaFileCache {
  private readonly next = new Map<string, Buffer>();
  /** Files served from the cache / parsed and kept, in the load that used it. */
  reused = 0;
  parsed = 0;

  private constructor(private readonly previous: Map<string, Buffer>) {}

  static empty(): SchemaFileCache {
    return new SchemaFileCache(new Map());
  }

  /** The cache in `file`; empty when it is missing, unreadable or from another xform build. */
  static async load(file: string): Promise<SchemaFileCache> {
    try {
      const data = deserialize(await readFile(file)) as { build: string; entries: Map<string, Buffer> };
      if (data.build !== buildStamp()) return SchemaFileCache.empty();
      return new SchemaFileCache(data.entries);
    } catch {
      return SchemaFileCache.empty();
    }
  }

  async save(file: string): Promise<void> {
    // Every file served from the cache and none dropped: the file on disk already holds this.
    if (this.parsed === 0 && this.next.size === this.previous.size && this.previous.size > 0 && existsSync(file)) return;
    await writeFileAtomic(file, serialize({ build: buildStamp(), entries: this.next }), 'the partial-parse cache');
  }

  /** The parsed file for this path and text, if an earlier compile parsed it cleanly. A fresh copy each time. */
  get(path: string, checksum: string): SchemaFile | undefined {
    const key = `${path}\u0000${checksum}`;
    const bytes = this.previous.get(key);
    if (bytes === undefined) return undefined;
    this.next.set(key, bytes);
    this.reused++;
    return deserialize(bytes) as SchemaFile;
  }

  /** Keeps a clean parse (copied now: later phases may change the objects they are given). */
  set(path: string, checksum: string, parsed: SchemaFile): void {
    this.next.set(`${path}\u0000${checksum}`, serialize(parsed));
    this.parsed++;
  }
}
