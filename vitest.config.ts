import {readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {configDefaults, defineConfig} from 'vitest/config'

const INCLUDE = ['test/**/*.test.ts']
/**
 * Most test files share long-lived workers (isolate: false): a fresh Node process and module graph per file cost
 * about a CPU-second each, a fifth of the suite's CPU on a 2-core machine. A file that replaces a module (vi.mock) or
 * patches Node's http (nock) cannot share: its mock would stay registered for the files after it, and the modules
 * that earlier files loaded keep the unpatched functions (nock then sees no request: "host not found"). Those files
 * are found here, by reading them, and each runs in a fresh worker of its own.
 */
const PATCHES_MODULES = readdirSync('test', {recursive: true, encoding: 'utf8'})
  .filter((path) => path.endsWith('.test.ts'))
  .map((path) => join('test', path))
  .filter((path) => /\bvi\.(mock|doMock)\(|from 'nock'/.test(readFileSync(path, 'utf8')))
/**
 * Most of a test's time is spent waiting for the processes it starts (the built CLI, the Action, redis-server) and
 * for sockets, not in its worker: vitest's default (cores - 1, so one worker on 2 cores) leaves the machine idle.
 * Two, not three: the processes of two files keep both cores busy (1.8 on average), and a third file's only added
 * contention: on this machine the suite took 189–195 s with two workers against 198–216 s with three.
 */
const WORKERS = 2

export default defineConfig({
  test: {
    // A test that runs CLI processes one after another (a fleet, a Redis that stops and comes back) sets 120 s of its
    // own: some took 20-25 s of these 30 on a loaded 2-core machine.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    maxWorkers: WORKERS,
    // As many at the start as at most: tinypool ending an idle shared worker while a file is handed to it fails the
    // run ("Terminating worker thread").
    minWorkers: WORKERS,
    poolOptions: {forks: {isolate: false}, threads: {minThreads: 1, maxThreads: 1}},
    // What one file changes in process.env, vi.stubEnv, fake timers or spies ends with the file (test/setup-file.ts).
    setupFiles: ['test/setup-file.ts'],
    unstubEnvs: true,
    // .ci/run counts results from the JSON report, not from the console summary.
    reporters: ['default', 'json'],
    outputFile: {json: '.tmp/vitest-report.json'},
    // Each project names its files (with extends: true an include at the top would be added to both lists).
    projects: [
      {
        extends: true,
        test: {name: 'shared', include: INCLUDE, exclude: [...configDefaults.exclude, ...PATCHES_MODULES]},
      },
      // Threads: the forks pool's isolate setting is one for every project; the threads pool isolates each file.
      ...(PATCHES_MODULES.length
        ? [{extends: true, test: {name: 'own-worker', include: PATCHES_MODULES, pool: 'threads' as const}}]
        : []),
    ],
  },
})
