import {describe, expect, it} from 'vitest'
import {listBots} from '../../src/config/index.js'
import {isolatedEnv, TOKEN_A, TOKEN_B, TOKEN_C, TOKEN_D, writeConfig} from './helpers.js'

describe('listBots', () => {
  it('lists every layer with masked tokens, sources, the default and shadowed names', async () => {
    const configPath = await writeConfig(`bots:
  - name: old
    id: 1
    token: ${TOKEN_A}
    active: false
  - name: alerts
    id: 2
    token: \${ALERTS_TOKEN}
    chat_ids: [-100123]
    message_thread_id: 4
    info: {username: alerts_bot}
  - name: ci
    id: 3
    token: \${CI_TOKEN}
`)
    const env = await isolatedEnv({
      ALERTS_TOKEN: TOKEN_B,
      TELEGRAM_BOT_CONFIGS: JSON.stringify([{name: 'ALERTS', token: TOKEN_C, chat_ids: ['@channelname']}]),
      TELEGRAM_BOT_TOKEN: TOKEN_D,
      TELEGRAM_CHAT_IDS: '42',
    })
    const registry = (index: number, name: string) => `registry ${configPath} bots[${index}] (${name})`
    expect(await listBots(configPath, env)).toEqual({
      registry: {path: configPath, display: configPath, explicit: true},
      registryExists: true,
      warnings: [],
      bots: [
        {
          layer: 'registry', name: 'old', registryId: 1, active: false, token: '111111:AA…AA',
          tokenSource: registry(0, 'old'), chatIds: [], chatsSource: registry(0, 'old'), isDefault: false,
          threadId: undefined, chatType: undefined, info: undefined,
        },
        {
          layer: 'registry', name: 'alerts', registryId: 2, active: true, token: '222222:BB…BB',
          tokenSource: 'env ${ALERTS_TOKEN}', chatIds: [-100123], chatsSource: registry(1, 'alerts'), isDefault: true,
          threadId: 4, chatType: undefined, info: {username: 'alerts_bot'},
        },
        {
          layer: 'registry', name: 'ci', registryId: 3, active: true, token: '(CI_TOKEN is not set)',
          problem: 'takes its token from ${CI_TOKEN}, which is not set',
          tokenSource: 'env ${CI_TOKEN}', chatIds: [], chatsSource: registry(2, 'ci'), isDefault: false,
          threadId: undefined, chatType: undefined, info: undefined,
        },
        {
          layer: 'env-configs', name: 'ALERTS', active: true, token: '333333:CC…CC',
          tokenSource: 'env TELEGRAM_BOT_CONFIGS[0] (ALERTS)', chatIds: ['@channelname'],
          chatsSource: 'env TELEGRAM_BOT_CONFIGS[0] (ALERTS)', isDefault: false, shadowedBy: registry(1, 'alerts'),
        },
        {
          layer: 'env-token', active: true, token: '444444:DD…DD', tokenSource: 'env TELEGRAM_BOT_TOKEN',
          chatIds: [42], chatsSource: 'env TELEGRAM_CHAT_IDS', isDefault: false,
        },
      ],
    })
  })

  it('lists nothing, without error, when no layer has a bot', async () => {
    const env = await isolatedEnv()
    expect(await listBots(undefined, env)).toEqual({
      registry: {path: `${env.HOME}/.config/fastpay-tg/config.yml`, display: '~/.config/fastpay-tg/config.yml', explicit: false},
      registryExists: false,
      bots: [],
      warnings: [],
    })
  })
})
