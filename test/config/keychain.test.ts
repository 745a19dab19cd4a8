import {randomBytes} from 'node:crypto'
import {join} from 'node:path'
import {afterEach, describe, expect, it} from 'vitest'
import {
  addBot,
  deleteToken,
  keychainAvailable,
  keychainProblem,
  type KeyringModule,
  listBots,
  readToken,
  resolveBot,
  resolveBotShowingUnreadable,
  saveToken,
  setKeyringLoader,
  storeToken,
} from '../../src/config/index.js'
import {buildConfigReport} from '../../src/report/config-report.js'
import {runFixture} from './fixtures/run-ts.js'
import {isolatedEnv, tempDir, TOKEN_A, writeConfig} from './helpers.js'
import {memoryKeyring} from '../helpers/memory-keyring.js'

afterEach(() => setKeyringLoader())

const NO_SECRET_SERVICE =
  'Platform failure: DBus error: The name org.freedesktop.secrets was not provided by any .service files'

/** A keyring module whose every call fails the way keyring-rs does when no Secret Service runs. */
function failingKeyring(message: string): KeyringModule {
  class AsyncEntry {
    async getPassword(): Promise<string | null> {
      throw new Error(message)
    }
    async setPassword(): Promise<void> {
      throw new Error(message)
    }
    async deletePassword(): Promise<boolean> {
      throw new Error(message)
    }
  }
  return {AsyncEntry} as unknown as KeyringModule
}

describe('without a Secret Service', () => {
  it.skipIf(process.platform !== 'linux')('reports one line from the real module (child process with no session bus)', async () => {
    const bus = join(await tempDir(), 'no-bus')
    const stdout = await runFixture('keychain-problem.ts', [], {
      PATH: process.env.PATH,
      HOME: await tempDir(),
      DBUS_SESSION_BUS_ADDRESS: `unix:path=${bus}`,
    })
    const reason = 'keychain unavailable: the D-Bus session bus is not running (nothing listens at DBUS_SESSION_BUS_ADDRESS)'
    expect(JSON.parse(stdout)).toEqual({
      problem: reason,
      saved: {token: 'odd-shaped-secret-token', warning: `${reason}; the token is stored in the registry file instead`},
    })
  })

  it('tells each known failure apart from a working keychain', async () => {
    // What keyring-rs says, and the line the user reads.
    for (const [message, reason] of [
      [NO_SECRET_SERVICE, 'no Secret Service on the session bus (gnome-keyring, KeePassXC or the like is not running)'],
      [
        'Platform failure: DBus error: Using X11 for dbus-daemon autolaunch was disabled at compile time, set your DBUS_SESSION_BUS_ADDRESS instead',
        'no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is not set)',
      ],
      ["Couldn't access platform storage: AccessDenied", "Couldn't access platform storage: AccessDenied"],
      ['Platform failure: unlock prompt was dismissed', 'the keyring is locked and its unlock prompt was dismissed'],
    ]) {
      setKeyringLoader(async () => failingKeyring(message!))
      expect([message, await keychainAvailable()]).toEqual([message, false])
      expect([message, await keychainProblem()]).toEqual([message, `keychain unavailable: ${reason}`])
    }
    setKeyringLoader(async () => memoryKeyring(new Map(), []))
    expect([await keychainAvailable(), await keychainProblem()]).toEqual([true, undefined])
  })

  it('treats a module that fails to load as no keychain', async () => {
    setKeyringLoader(async () => {
      throw new Error("Cannot find module '@napi-rs/keyring-linux-x64-gnu'")
    })
    expect(await keychainProblem()).toBe(
      "keychain unavailable: the keyring module did not load (Cannot find module '@napi-rs/keyring-linux-x64-gnu')",
    )
  })

  it('lets saveToken fall back to a literal token with a warning', async () => {
    setKeyringLoader(async () => failingKeyring(NO_SECRET_SERVICE))
    expect(await saveToken('alerts', TOKEN_A)).toEqual({
      token: TOKEN_A,
      warning:
        'keychain unavailable: no Secret Service on the session bus (gnome-keyring, KeePassXC or the like is not running); the token is stored in the registry file instead',
    })
  })

  it('fails resolution of a keychain token with the bot, the file and the reason', async () => {
    setKeyringLoader(async () => failingKeyring(NO_SECRET_SERVICE))
    const configPath = await writeConfig('bots:\n  - name: alerts\n    token: keychain:alerts\n')
    await expect(resolveBot({configPath}, await isolatedEnv())).rejects.toThrow(
      `bot "alerts" in ${configPath}: keychain unavailable: no Secret Service on the session bus (gnome-keyring, KeePassXC or the like is not running)`,
    )
  })

  it('passes other keyring errors on, naming the entry', async () => {
    setKeyringLoader(async () => failingKeyring('Entry is matched by 2 credentials: [a, b]'))
    await expect(readToken('alerts')).rejects.toThrow('keychain fastpay-tg/alerts: Entry is matched by 2 credentials: [a, b]')
  })
})

describe('a keychain that answers with an error of its own (two entries match, a secret that is not text)', () => {
  const AMBIGUOUS = 'Entry is matched by 2 credentials: [a, b]'
  const problem = `keychain fastpay-tg/alerts: ${AMBIGUOUS}`

  it('the bot alone cannot be read, as with no keychain: config show keeps its rows, exit 2; bots list lists it', async () => {
    setKeyringLoader(async () => failingKeyring(AMBIGUOUS))
    const configPath = await writeConfig('bots:\n  - name: alerts\n    token: keychain:alerts\n    chat_ids: [42]\n')
    const env = await isolatedEnv()
    const resolved = await resolveBotShowingUnreadable({configPath}, env)
    expect(resolved.token).toMatchObject({source: 'keychain fastpay-tg/alerts', unreadable: {problem}})
    const report = await buildConfigReport({configPath}, env)
    expect(report.token).toEqual({value: null, source: 'keychain fastpay-tg/alerts', problem})
    expect(report.chats.value).toEqual([42])
    expect(report.error).toEqual({code: 'usage', message: `bot "alerts" in ${configPath}: ${problem}`, exitCode: 2})
    await expect(resolveBot({configPath}, env)).rejects.toThrow(`bot "alerts" in ${configPath}: ${problem}`)
    const listed = (await listBots(configPath, env)).bots[0]
    expect(listed).toMatchObject({name: 'alerts', token: '(keychain error)', problem})
  })
})

describe('with a keychain', () => {
  it('stores under fastpay-tg/<account> in the Secret Service, and resolution reads it', async () => {
    const store = new Map<string, string>()
    const calls: string[] = []
    setKeyringLoader(async () => memoryKeyring(store, calls))
    expect(await saveToken('alerts', TOKEN_A)).toEqual({token: 'keychain:alerts'})
    expect(calls).toEqual(['fastpay-tg/alerts {"linux":{"store":"secret-service"}}'])
    const configPath = join(await tempDir(), 'config.yml')
    await addBot(configPath, {name: 'alerts', token: 'keychain:alerts', chat_ids: [1]})
    const resolved = await resolveBot({configPath}, await isolatedEnv())
    expect(resolved.token).toEqual({value: TOKEN_A, source: 'keychain fastpay-tg/alerts'})
    expect(await deleteToken('alerts')).toBe(true)
    await expect(resolveBot({configPath, bot: 'alerts'}, await isolatedEnv())).rejects.toThrow(
      `bot "alerts" in ${configPath}: no token stored in the keychain under fastpay-tg/alerts`,
    )
  })
})

const REAL_KEYCHAIN = process.env.FASTPAY_TG_KEYCHAIN_TESTS === '1'

describe('the real OS keychain', () => {
  it.skipIf(!REAL_KEYCHAIN)(
    'stores, reads and deletes a token (skipped unless FASTPAY_TG_KEYCHAIN_TESTS=1 with a Secret Service running)',
    async () => {
      const account = `test-${process.pid}-${randomBytes(4).toString('hex')}`
      expect(await keychainProblem()).toBeUndefined()
      expect(await readToken(account)).toBeUndefined()
      await storeToken(account, TOKEN_A)
      try {
        expect(await readToken(account)).toBe(TOKEN_A)
        const configPath = await writeConfig(`bots:\n  - name: alerts\n    token: keychain:${account}\n`)
        expect((await resolveBot({configPath}, await isolatedEnv())).token).toEqual({
          value: TOKEN_A,
          source: `keychain fastpay-tg/${account}`,
        })
      } finally {
        expect(await deleteToken(account)).toBe(true)
      }
      expect([await readToken(account), await deleteToken(account)]).toEqual([undefined, false])
    },
  )
})
