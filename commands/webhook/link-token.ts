import {Flags} from '@oclif/core'

import {BaseCommand} from '../base-command.js'

export interface LinkTokenResult {
  token: string
  bot?: string
  channels: string[]
  expiresAt: string
  command: string
  deepLink?: string
}

export default class WebhookLinkToken extends BaseCommand<typeof WebhookLinkToken, LinkTokenResult> {
  static override summary = 'Create a one-time token that links a chat to channels: the chat sends /link TOKEN to the bot.'
  static override description = `webhook serve handles /link: the chat then receives the channels named here (alert, digest and monitor alerts add it). Only the token's sha256 is stored, in the state store (the state dir, or Redis when FASTPAY_TG_STORE or the registry names it); a token works once, until --ttl runs out. /stop in the chat unlinks it.`

  static override examples = [
    '<%= config.bin %> webhook link-token --bot alerts --channels alerts,digest',
    '<%= config.bin %> webhook link-token --bot alerts --channels alerts --ttl 30m',
  ]

  static override flags = {
    channels: Flags.string({description: 'Channels the chat will receive, comma-separated (e.g. alerts,digest).', required: true}),
    ttl: Flags.string({description: 'How long the token stays valid: 30m, 24h, 7d (1m-30d).', default: '24h'}),
    'state-dir': Flags.string({description: 'The file store (when no Redis is configured).', env: 'FASTPAY_TG_STATE_DIR'}),
  }

  public async run(): Promise<LinkTokenResult> {
    const {flags} = this
    const [{parseChannels, parseTtlSeconds, createLinkToken}, {withLinkStore}, {resolveBot, loadRegistry, locateRegistry, findRegistryBot}, {utcDateTime}] = await Promise.all([
      import('../../src/webhook/link-tokens.js'),
      import('../../src/webhook/manage-links.js'),
      import('../../src/config/index.js'),
      import('../../src/webhook/describe-webhook-info.js'),
    ])
    const channels = parseChannels(flags.channels)
    const ttlSeconds = parseTtlSeconds(flags.ttl)
    const resolved = await resolveBot({bot: flags.bot, token: flags.token, configPath: flags.config})
    this.warnConfig(resolved.warnings)
    const location = locateRegistry(flags.config)
    const request = {stateDir: flags['state-dir'], configPath: flags.config, onWarning: (line: string) => this.warnLine(line)}
    const {where, token, entry} = await withLinkStore(request, async (links) => ({where: links.target, ...(await createLinkToken(links, {bot: resolved.name, channels, ttlSeconds}))}))
    const registryBot = resolved.name === undefined ? undefined : findRegistryBot((await loadRegistry(location)).bots, resolved.name)
    const username = registryBot?.info?.username
    const deepLink = username === undefined ? undefined : `https://t.me/${username}?start=${token}`
    const command = `/link ${token}`
    const forBot = resolved.name === undefined ? 'any bot' : `bot ${resolved.name}`
    this.log(`Link token for ${forBot}: channels ${channels.join(', ')}; works once, until ${utcDateTime(Date.parse(entry.expires_at) / 1000)}.`)
    this.log('In the chat that should receive them, send the bot:')
    this.log(`  ${command}`)
    if (deepLink !== undefined) this.log(`or open ${deepLink}`)
    this.log(`Only its sha256 is kept, in the state store (${where}).`)
    return {token, bot: resolved.name, channels, expiresAt: entry.expires_at, command, ...(deepLink === undefined ? {} : {deepLink})}
  }
}
