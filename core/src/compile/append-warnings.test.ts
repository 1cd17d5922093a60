import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DialectBase } from '../adapter/dialect-base.js';
import type { Diagnostic } from '../errors.js';
import { loadProject } from '../project/index.js';
import { APPEND_DUPLICATES_WARNING } from './append-warnings.js';
import { compileProject } from './compiler.js';

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

async function appendWarnings(files: Record<string, string>): Promise<Diagnostic[]> {
  const root = await mkdtemp(path.join(tmpdir(), 'xform-append-'));
  dirs.push(root);
  for (const [file, text] of Object.entries({ 'xform_project.yml': 'name: shop\nversion: "1"\n', ...files })) {
    await mkdir(path.dirname(path.join(root, file)), { recursive: true });
    await writeFile(path.join(root, file), text);
  }
  const project = await loadProject({ projectDir: root, env: {} });
  const compiled = compileProject(project, { dialect: new DialectBase(), env: {} });
  return compiled.diagnostics.filter((d) => d.code === APPEND_DUPLICATES_WARNING);
}

describe('incremental models that append', () => {
  it("warns about incremental_strategy 'append' at the config line, pointing to microbatch and unique_key", async () => {
    const warnings = await appendWarnings({
      'models/events.sql': "-- raw events\n{{ config(\n  materialized='incremental',\n  incremental_strategy='append'\n) }}\nselect 1 as id",
    });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ severity: 'warning', location: { file: 'models/events.sql', line: 4 } });
    expect(warnings[0]!.message).toBe(
      "model 'events' is incremental with incremental_strategy 'append': every run inserts all rows its incremental query returns, so re-running over the same input duplicates them",
    );
    expect(warnings[0]!.hint).toContain("incremental_strategy='microbatch'");
    expect(warnings[0]!.hint).toContain('unique_key');
  });

  it('warns about an incremental model without unique_key nor strategy', async () => {
    const warnings = await appendWarnings({ 'models/events.sql': "\n{{ config(materialized='incremental') }}\nselect 1 as id" });
    expect(warnings.map((w) => [w.location?.line, w.message])).toEqual([
      [2, "model 'events' is incremental with no unique_key (so it appends): every run inserts all rows its incremental query returns, so re-running over the same input duplicates them"],
    ]);
  });

  it('says nothing about merging, delete+insert, tables and views', async () => {
    const warnings = await appendWarnings({
      'models/merged.sql': "{{ config(materialized='incremental', unique_key='id') }}\nselect 1 as id",
      'models/replaced.sql': "{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key=['id', 'day']) }}\nselect 1 as id, 2 as day",
      'models/plain.sql': "{{ config(materialized='table') }}\nselect 1 as id",
      'models/folder_view.sql': 'select 1 as id',
    });
    expect(warnings).toEqual([]);
  });
});
