// Runs before each test file. Files share workers and modules (vitest.config.ts: isolate false), so what a file leaves
// in the process ends with it here: its process.env, fake timers and spies; and the helpers' per-file clean-ups run
// from here, since a hook registered when a helper module loads would run for the first file that imported it only.
// The helpers are imported when the hooks run, not before the file: a file that patches node:http (nock) must load
// first in its fresh worker.
import {afterAll, afterEach, vi} from 'vitest'

const envAtStart = {...process.env}

afterEach(async () => {
  const {forgetConfigTestState} = await import('./config/helpers.js')
  await forgetConfigTestState()
})

afterAll(async () => {
  for (const name of Object.keys(process.env)) if (!(name in envAtStart)) delete process.env[name]
  Object.assign(process.env, envAtStart)
  vi.useRealTimers()
  vi.restoreAllMocks()
  const [{removeTempDirs}, {removeTestKeys}] = await Promise.all([import('./throttle/helpers.js'), import('./store/redis-server.js')])
  removeTempDirs()
  await removeTestKeys()
})
