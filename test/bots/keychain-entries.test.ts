// A keychain entry is deleted only when no bot of the registry names it any more. A registry moved from the Django
// backend often gives one Telegram bot to several channels (alerts and deploy both `keychain:alerts`): removing,
// renaming or re-tokening one of them must leave the others their token. A keychain that cannot be reached leaves
// the entry behind, and says so.
import {readFile} from 'node:fs/promises'
import {afterEach, describe, expect, it} from 'vitest'

import {addRegistryBot, removeRegistryBot} from '../../src/bots/manage.js'
import {updateRegistryBot} from '../../src/bots/update-bot.js'
import {forgetLoadedRegistries, type KeyringModule, resolveBot, setKeyringLoader} from '../../src/config/index.js'
import {isolatedEnv, writeConfig} from '../config/helpers.js'
import {memoryKeyring} from '../helpers/memory-keyring.js'

afterEach(() => {
  setKeyringLoader()
  forgetLoadedRegistries()
})

const TOKEN = '7012345678:AAF-q_Zk3xLm9Rt2Vb8Nc4Hd6Jp0Ws5Ye1U'
const NEW_TOKEN = '5123987654:AAE7c_Xw2Qm-9Lk4Jh8Gf3Ds6Az1Px5Vn0R'
const OTHER_TOKEN = '6098765432:AAGm4Tq8Wz1Xc5Vb9Nr3Ke7Lp2Hs6Dj0Fy8'
const SHARED = 'bots:\n  - name: alerts\n    token: keychain:alerts\n    chat_ids: [1]\n  - name: deploy\n    token: keychain:alerts\n    chat_ids: [2]\n'

async function tokenOf(name: string, configPath: string): Promise<string> {
  forgetLoadedRegistries()
  return (await resolveBot({bot: name, configPath}, await isolatedEnv())).token.value
}

describe('a keychain entry two bots share', () => {
  it('bots remove of one keeps it for the other; removing the last one deletes it', async () => {
    const store = new Map([['fastpay-tg/alerts', TOKEN]])
    setKeyringLoader(async () => memoryKeyring(store))
    const path = await writeConfig(SHARED)
    const first = await removeRegistryBot('alerts', path, await isolatedEnv())
    expect(first.warnings).toEqual([])
    expect([...store]).toEqual([['fastpay-tg/alerts', TOKEN]])
    expect(await tokenOf('deploy', path)).toBe(TOKEN)
    await removeRegistryBot('deploy', path, await isolatedEnv())
    expect([...store]).toEqual([])
  })

  it('bots update --token of one: the new token under its own name, the shared entry stays for the other', async () => {
    const store = new Map([['fastpay-tg/alerts', TOKEN]])
    setKeyringLoader(async () => memoryKeyring(store))
    const path = await writeConfig(SHARED)
    await updateRegistryBot({selector: 'deploy', token: NEW_TOKEN, noValidate: true, configPath: path}, await isolatedEnv())
    expect(await readFile(path, 'utf8')).toBe(SHARED.replace('deploy\n    token: keychain:alerts', 'deploy\n    token: keychain:deploy'))
    expect(Object.fromEntries(store)).toEqual({'fastpay-tg/alerts': TOKEN, 'fastpay-tg/deploy': NEW_TOKEN})
    expect(await tokenOf('alerts', path)).toBe(TOKEN)
  })

  it('bots update --rename of the entry’s namesake: it moves to the new name, and stays for the other', async () => {
    const store = new Map([['fastpay-tg/alerts', TOKEN]])
    setKeyringLoader(async () => memoryKeyring(store))
    const path = await writeConfig(SHARED)
    await updateRegistryBot({selector: 'alerts', rename: 'pager', configPath: path}, await isolatedEnv())
    expect(Object.fromEntries(store)).toEqual({'fastpay-tg/alerts': TOKEN, 'fastpay-tg/pager': TOKEN})
    expect([await tokenOf('pager', path), await tokenOf('deploy', path)]).toEqual([TOKEN, TOKEN])
  })
})

describe('an entry another bot still names', () => {
  it('bots add of its namesake stores the new token beside it (alerts-2), never over it', async () => {
    const store = new Map([['fastpay-tg/alerts', TOKEN]])
    setKeyringLoader(async () => memoryKeyring(store))
    const path = await writeConfig('bots:\n  - name: deploy\n    token: keychain:alerts\n    chat_ids: [2]\n')
    const added = await addRegistryBot({name: 'alerts', token: NEW_TOKEN, chats: ['1'], noValidate: true, configPath: path}, await isolatedEnv())
    expect(added.tokenStorage).toBe('OS keychain (fastpay-tg/alerts-2)')
    expect(Object.fromEntries(store)).toEqual({'fastpay-tg/alerts': TOKEN, 'fastpay-tg/alerts-2': NEW_TOKEN})
    expect([await tokenOf('deploy', path), await tokenOf('alerts', path)]).toEqual([TOKEN, NEW_TOKEN])
  })

  it('bots update --rename onto it: the bot’s own entry moves beside it', async () => {
    const store = new Map([['fastpay-tg/alerts', TOKEN], ['fastpay-tg/pager', NEW_TOKEN]])
    setKeyringLoader(async () => memoryKeyring(store))
    const path = await writeConfig('bots:\n  - name: alerts\n    token: keychain:alerts\n    chat_ids: [1]\n  - name: deploy\n    token: keychain:pager\n    chat_ids: [2]\n')
    await updateRegistryBot({selector: 'alerts', rename: 'pager', configPath: path}, await isolatedEnv())
    expect(Object.fromEntries(store)).toEqual({'fastpay-tg/pager': NEW_TOKEN, 'fastpay-tg/pager-2': TOKEN})
    expect([await tokenOf('pager', path), await tokenOf('deploy', path)]).toEqual([TOKEN, NEW_TOKEN])
  })
})

describe('two registry files (--config a.yml, --config b.yml), each with a bot alerts', () => {
  it('the second add gets an entry of its own (alerts-2): each file reads its token; update and remove in one leave the other', async () => {
    const store = new Map<string, string>()
    setKeyringLoader(async () => memoryKeyring(store))
    const [a, b] = [await writeConfig('bots: []\n'), await writeConfig('bots: []\n')]
    const add = async (configPath: string, token: string) => addRegistryBot({name: 'alerts', token, chats: ['1'], noValidate: true, configPath}, await isolatedEnv())
    expect((await add(a, TOKEN)).tokenStorage).toBe('OS keychain (fastpay-tg/alerts)')
    expect((await add(b, NEW_TOKEN)).tokenStorage).toBe('OS keychain (fastpay-tg/alerts-2)')
    expect(await readFile(b, 'utf8')).toContain('token: keychain:alerts-2\n')
    expect([await tokenOf('alerts', a), await tokenOf('alerts', b)]).toEqual([TOKEN, NEW_TOKEN])
    // Its own entry is the bot's to replace; the other file's stays as it was.
    await updateRegistryBot({selector: 'alerts', token: OTHER_TOKEN, noValidate: true, configPath: a}, await isolatedEnv())
    expect([await tokenOf('alerts', a), await tokenOf('alerts', b)]).toEqual([OTHER_TOKEN, NEW_TOKEN])
    await removeRegistryBot('alerts', a, await isolatedEnv())
    expect(await tokenOf('alerts', b)).toBe(NEW_TOKEN)
    expect(Object.fromEntries(store)).toEqual({'fastpay-tg/alerts-2': NEW_TOKEN})
  })

  it('two files an earlier version left on one entry: the token written in one, then update --token, parts them (README)', async () => {
    const store = new Map([['fastpay-tg/alerts', TOKEN]])
    setKeyringLoader(async () => memoryKeyring(store))
    const a = await writeConfig('bots:\n  - name: alerts\n    token: keychain:alerts\n    chat_ids: [1]\n')
    const b = await writeConfig(`bots:\n  - name: alerts\n    token: ${NEW_TOKEN}\n    chat_ids: [1]\n`)
    await updateRegistryBot({selector: 'alerts', token: NEW_TOKEN, noValidate: true, configPath: b}, await isolatedEnv())
    expect(await readFile(b, 'utf8')).toContain('token: keychain:alerts-2\n')
    expect(Object.fromEntries(store)).toEqual({'fastpay-tg/alerts': TOKEN, 'fastpay-tg/alerts-2': NEW_TOKEN})
    expect([await tokenOf('alerts', a), await tokenOf('alerts', b)]).toEqual([TOKEN, NEW_TOKEN])
  })

  it('bots update --rename onto a name whose entry another file holds: the entry moves beside it', async () => {
    const store = new Map([['fastpay-tg/pager', TOKEN]])
    setKeyringLoader(async () => memoryKeyring(store))
    const b = await writeConfig('bots:\n  - name: alerts\n    token: keychain:alerts\n    chat_ids: [1]\n')
    store.set('fastpay-tg/alerts', NEW_TOKEN)
    await updateRegistryBot({selector: 'alerts', rename: 'pager', configPath: b}, await isolatedEnv())
    expect(await readFile(b, 'utf8')).toContain('token: keychain:pager-2\n')
    expect(Object.fromEntries(store)).toEqual({'fastpay-tg/pager': TOKEN, 'fastpay-tg/pager-2': NEW_TOKEN})
  })
})

describe('two bots add of one name at once', () => {
  it('one is added with its token in the keychain; the refused one takes nothing out of it', async () => {
    const store = new Map<string, string>()
    setKeyringLoader(async () => memoryKeyring(store))
    const path = await writeConfig('bots: []\n')
    const add = async (token: string) => addRegistryBot({name: 'alerts', token, chats: ['1'], noValidate: true, configPath: path}, await isolatedEnv())
    const outcomes = await Promise.allSettled([add(TOKEN), add(NEW_TOKEN)])
    const added = outcomes.findIndex((outcome) => outcome.status === 'fulfilled')
    expect(outcomes.map((outcome) => outcome.status).sort()).toEqual(['fulfilled', 'rejected'])
    expect(String((outcomes[1 - added] as PromiseRejectedResult).reason)).toContain('bot "alerts" already exists')
    const winner = [TOKEN, NEW_TOKEN][added]!
    expect(Object.fromEntries(store)).toEqual({'fastpay-tg/alerts': winner})
    expect(await tokenOf('alerts', path)).toBe(winner)
  })
})

describe('bots remove while the keychain does not answer', () => {
  it('removes the bot and says, in one line, that its token stays in the keychain', async () => {
    const store = new Map([['fastpay-tg/alerts', TOKEN]])
    const locked = {
      AsyncEntry: class {
        async getPassword(): Promise<string> {
          throw new Error("Couldn't access platform storage: Secret Service: no result found")
        }
        async deletePassword(): Promise<boolean> {
          throw new Error("Couldn't access platform storage: Secret Service: no result found")
        }
      },
    } as unknown as KeyringModule
    setKeyringLoader(async () => locked)
    const path = await writeConfig('bots:\n  - name: alerts\n    token: keychain:alerts\n    chat_ids: [1]\n')
    const {bot, warnings} = await removeRegistryBot('alerts', path, await isolatedEnv())
    expect(bot.name).toBe('alerts')
    expect(await readFile(path, 'utf8')).toBe('bots: []\n')
    expect(warnings).toEqual([
      "the token of alerts stays in the keychain under fastpay-tg/alerts (keychain unavailable: Couldn't access platform storage: Secret Service: no result found): delete it there",
    ])
    expect(store.size).toBe(1)
  })
})
