/**
 * Compile speed: `xform compile` on generated projects (test/src/fixtures/generate-project.ts: refs to 1-3
 * earlier models, folder and in-file configs, macros, loops, vars, schema YAML with tests).
 * - cold: no target/ folder at all (a fresh clone): wall time and peak RSS; for 10,000 models also with one
 *   render helper thread (XFORM_RENDER_HELPERS=1), which a 2-core machine does not start by default. The
 *   last run's target/ is moved aside, not deleted, right before: on a file system without a journal (ext4
 *   as this machine has it), creating files seconds after deleting tens of thousands makes every new inode
 *   scan past the ones just freed (measured here: 4.8 s of kernel time instead of 1.3 s for the 25,000
 *   compiled files), which a fresh clone never pays. bench/run.mjs deletes what was moved aside once every
 *   suite has run;
 * - warm: the same project compiled again with nothing changed (partial-parse cache hit);
 * - one model changed: a different model edited before each compile.
 */
import { appendFile, mkdir, rename } from 'node:fs/promises';
import path from 'node:path';
import { writeTree, duckdbProfile } from '../lib/files.mjs';
import { CACHE_DIR, TRASH_DIR, importTs } from '../lib/load-ts.mjs';
import { timeXform } from '../lib/measure.mjs';

/** Projects at least this large are also compiled cold with a render helper thread. */
const HELPER_MODELS = 10000;

const TARGETS = {
  10000: { cold: 1.0, coldRss: 300, warm: 0.15, oneChanged: 0.5 },
};

function checkOutput(result, models) {
  if (!result.stdout.includes(`Compiled ${models} models`)) {
    throw new Error(`xform compile did not report ${models} models:\n${result.stdout}\n${result.stderr}`);
  }
}

export async function compileSuite({ sizes, runs, record }) {
  const { generateProject } = await importTs('test/src/fixtures/generate-project.ts');
  for (const models of sizes) {
    const dir = path.join(CACHE_DIR, `compile-${models}`);
    const { files } = generateProject({ models });
    await writeTree(dir, { ...files, 'profiles.yml': duckdbProfile('gen', { dbFile: ':memory:' }) });
    const targets = TARGETS[models] ?? {};
    const label = `${models.toLocaleString('en-US')} models`;

    const cold = [];
    const rss = [];
    const helped = [];
    const helpedRss = [];
    await mkdir(TRASH_DIR, { recursive: true });
    const moveTargetAside = (i) =>
      rename(path.join(dir, 'target'), path.join(TRASH_DIR, `compile-${models}-${Date.now()}-${i}`)).catch((err) => {
        if (err.code !== 'ENOENT') throw err;
      });
    const coldCompile = async (i, env) => {
      await moveTargetAside(i);
      const result = await timeXform(['compile'], { cwd: dir, env });
      checkOutput(result, models);
      return result;
    };
    for (let i = 0; i < runs; i++) {
      const result = await coldCompile(i, {});
      cold.push(result.ms / 1000);
      rss.push(result.rssMb);
      // The same with one render helper thread (cli/src/render-helpers.ts), which this machine's core count
      // may not start by default: alternated with the runs above, so that both see the same machine.
      if (models >= HELPER_MODELS) {
        const withHelper = await coldCompile(`${i}h`, { XFORM_RENDER_HELPERS: '1' });
        helped.push(withHelper.ms / 1000);
        helpedRss.push(withHelper.rssMb);
      }
    }
    // One profiled cold compile serves both figures (bench/run.mjs --profile).
    const coldProfile = {
      name: `compile.cold.${models}`,
      prepare: async () => {
        await moveTargetAside('profiled');
        return { args: ['compile'], cwd: dir };
      },
    };
    record({ id: `compile.cold.${models}`, label: `compile, cold, ${label}`, unit: 's', samples: cold, target: targets.cold, profile: coldProfile });
    record({ id: `compile.cold_rss.${models}`, label: `compile, cold, ${label}: peak RSS`, unit: 'MB', samples: rss, target: targets.coldRss, digits: 0, profile: coldProfile });
    if (helped.length > 0) {
      record({ id: `compile.cold_helper.${models}`, label: `compile, cold, ${label}, 1 render helper thread`, unit: 's', samples: helped });
      record({ id: `compile.cold_helper_rss.${models}`, label: `compile, cold, ${label}, 1 render helper thread: peak RSS`, unit: 'MB', samples: helpedRss, digits: 0 });
    }

    const warm = [];
    for (let i = 0; i < runs; i++) {
      const result = await timeXform(['compile'], { cwd: dir });
      checkOutput(result, models);
      warm.push(result.ms / 1000);
    }
    // Profiled after every suite: a compile first makes sure that nothing changed since the last one.
    const warmProfile = {
      name: `compile.warm.${models}`,
      prepare: async () => {
        checkOutput(await timeXform(['compile'], { cwd: dir }), models);
        return { args: ['compile'], cwd: dir };
      },
    };
    record({ id: `compile.warm.${models}`, label: `compile, nothing changed, ${label}`, unit: 's', samples: warm, target: targets.warm, profile: warmProfile });

    const changed = [];
    const modelFiles = Object.keys(files).filter((f) => f.endsWith('.sql') && f.startsWith('models/'));
    for (let i = 0; i < runs; i++) {
      const file = modelFiles[Math.floor(((i + 1) * modelFiles.length) / (runs + 1))];
      await appendFile(path.join(dir, file), `\n-- edited by the benchmark, run ${i}\n`);
      const result = await timeXform(['compile'], { cwd: dir });
      checkOutput(result, models);
      changed.push(result.ms / 1000);
    }
    const changedProfile = {
      name: `compile.one_changed.${models}`,
      prepare: async () => {
        checkOutput(await timeXform(['compile'], { cwd: dir }), models);
        await appendFile(path.join(dir, modelFiles[0]), '\n-- edited by the benchmark, profiled run\n');
        return { args: ['compile'], cwd: dir };
      },
    };
    record({ id: `compile.one_changed.${models}`, label: `compile, one model changed, ${label}`, unit: 's', samples: changed, target: targets.oneChanged, profile: changedProfile });
  }
}
