// `bots update` and the OS keychain (an in-memory keyring): a rename moves the bot's own entry, a new literal token
// replaces it, and the entry left behind is deleted.
import {readFile} from 'node:fs/promises'
import {afterEach, describe, expect, it} from 'vitest'

import {updateRegistryBot} from '../../src/bots/update-bot.js'
import {forgetLoadedRegistries, setKeyringLoader} from '../../src/config/index.js'
import {isolatedEnv, writeConfig} from '../config/helpers.js'
import {memoryKeyring} from '../helpers/memory-keyring.js'

afterEach(() => {
  setKeyringLoader()
  forgetLoadedRegistries()
})

const TOKEN = '7012345678:AAF-q_Zk3xLm9Rt2Vb8Nc4Hd6Jp0Ws5Ye1U'
const NEW_TOKEN = '5123987654:AAE7c_Xw2Qm-9Lk4Jh8Gf3Ds6Az1Px5Vn0R'

describe('bots update and the keychain', () => {
  it('--rename moves keychain:<old name> to the new name, so a later bot of the old name cannot overwrite it', async () => {
    const store = new Map([['fastpay-tg/deploy', TOKEN]])
    setKeyringLoader(async () => memoryKeyring(store))
    const path = await writeConfig('bots:\n  - name: deploy # releases\n    token: keychain:deploy\n')
    const updated = await updateRegistryBot({selector: 'deploy', rename: 'releases', configPath: path}, await isolatedEnv())
    expect(updated.changes).toEqual(['renamed from deploy', 'token in OS keychain (fastpay-tg/releases)'])
    expect(await readFile(path, 'utf8')).toBe('bots:\n  - name: releases # releases\n    token: keychain:releases\n')
    expect([...store]).toEqual([['fastpay-tg/releases', TOKEN]])
  })

  it('a new literal token goes to the keychain under the bot’s name; a reference to another entry is dropped with it', async () => {
    const store = new Map([['fastpay-tg/shared', TOKEN]])
    setKeyringLoader(async () => memoryKeyring(store))
    const path = await writeConfig('bots:\n  - name: alerts\n    token: keychain:shared\n')
    const updated = await updateRegistryBot({selector: 'alerts', token: NEW_TOKEN, noValidate: true, configPath: path}, await isolatedEnv())
    expect(updated.tokenStorage).toBe('OS keychain (fastpay-tg/alerts)')
    expect(await readFile(path, 'utf8')).toBe('bots:\n  - name: alerts\n    token: keychain:alerts\n')
    expect([...store]).toEqual([['fastpay-tg/alerts', NEW_TOKEN]])
  })
})
