import {writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {redact} from '../../src/redact.js'
import {readStoreSetting} from '../../src/store/index.js'
import {rejectionOf} from '../api/fixture.js'
import {tempDir} from '../throttle/helpers.js'

function registry(text: string): string {
  const path = join(tempDir('fastpay-tg-store-config-'), 'config.yml')
  writeFileSync(path, text, {mode: 0o600})
  return path
}

const BOTS = 'bots:\n  - name: alerts\n    token: ${ALERTS_TOKEN}\n'

describe('readStoreSetting', () => {
  it('is the file store when nothing chooses another', async () => {
    expect(await readStoreSetting({configPath: join(tempDir(), 'missing.yml'), env: {}})).toEqual({kind: 'file', source: 'default'})
    expect(await readStoreSetting({configPath: registry(BOTS), env: {}})).toEqual({kind: 'file', source: 'default'})
  })

  it('takes FASTPAY_TG_STORE over the registry, and masks a password everywhere once read', async () => {
    const configPath = registry(`store: redis://10.0.0.5:6379\n${BOTS}`)
    expect(await readStoreSetting({configPath, env: {FASTPAY_TG_STORE: 'file'}})).toEqual({kind: 'file', source: 'env FASTPAY_TG_STORE'})
    const url = 'redis://:s3cret-Passw0rd@127.0.0.1:6390/2'
    expect(await readStoreSetting({configPath, env: {FASTPAY_TG_STORE: url}})).toEqual({
      kind: 'redis',
      url,
      display: 'redis://:***@127.0.0.1:6390/2',
      source: 'env FASTPAY_TG_STORE',
    })
    expect(redact(`ERR connecting to ${url}`)).toBe('ERR connecting to redis://:***@127.0.0.1:6390/2')
  })

  it("reads the registry's top-level store, directly or from an environment variable", async () => {
    const direct = registry(`${BOTS}store: rediss://ops@redis.internal:6380\n`)
    expect(await readStoreSetting({configPath: direct, env: {}})).toEqual({
      kind: 'redis',
      url: 'rediss://ops@redis.internal:6380',
      display: 'rediss://ops@redis.internal:6380',
      source: `registry ${direct} store`,
    })
    const indirect = registry(`store: \${REDIS_URL}\n${BOTS}`)
    expect(await readStoreSetting({configPath: indirect, env: {REDIS_URL: 'redis://:other-Secret9@10.0.0.7'}})).toEqual({
      kind: 'redis',
      url: 'redis://:other-Secret9@10.0.0.7',
      display: 'redis://:***@10.0.0.7',
      source: `env \${REDIS_URL} (registry ${indirect} store)`,
    })
    expect((await rejectionOf(readStoreSetting({configPath: indirect, env: {}}))).message).toBe(
      `${indirect}: store: takes its value from \${REDIS_URL}, which is not set`,
    )
  })

  it.each([
    ['store: memcached://10.0.0.5\n', 'store: expected "file" or a redis:// URL such as redis://:password@10.0.0.5:6379/0 (got a memcached: value)'],
    ['store: 6379\n', 'store: expected "file" or a redis:// URL such as redis://:password@10.0.0.5:6379/0'],
    ['store: redis://\n', 'store: expected "file" or a redis:// URL such as redis://:password@10.0.0.5:6379/0 (got a redis: value)'],
    ['store: redis://10.0.0.5:6379/db1\n', 'store: the database after the port is a number, such as redis://10.0.0.5:6379/0'],
  ])('refuses %j with one line naming the file and the key', async (line, message) => {
    const configPath = registry(`${line}${BOTS}`)
    const error = await rejectionOf(readStoreSetting({configPath, env: {}}))
    expect(error.name).toBe('UserError')
    expect(error.message).toBe(`${configPath}: ${message}`)
  })

  it('never repeats a value that may hold a password when refusing it', async () => {
    const error = await rejectionOf(readStoreSetting({env: {FASTPAY_TG_STORE: 'http://admin:hunter2-secret@10.0.0.5'}}))
    expect(error.message).toBe('env FASTPAY_TG_STORE: expected "file" or a redis:// URL such as redis://:password@10.0.0.5:6379/0 (got a http: value)')
  })
})
