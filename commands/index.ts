// The CLI's single entry: every command class, for oclif's explicit command discovery, and the runner bin/ calls.
// Command classes are thin; whatever they need from src/ is imported lazily inside run().
import {flush, handle, type Hook, type Interfaces, run as runOclif} from '@oclif/core'

import {redact} from '../src/redact.js'

import Alert from './alert.js'
import AlertFlush from './alert/flush.js'
import AlertOutbox from './alert/outbox.js'
import BotsAdd from './bots/add.js'
import BotsDisable from './bots/disable.js'
import BotsEnable from './bots/enable.js'
import BotsList from './bots/list.js'
import BotsRemove from './bots/remove.js'
import BotsSyncInfo from './bots/sync-info.js'
import BotsStats from './bots/stats.js'
import BotsTest from './bots/test.js'
import BotsUpdate from './bots/update.js'
import BotsValidate from './bots/validate.js'
import Completion from './completion.js'
import ConfigShow from './config/show.js'
import Discover from './discover.js'
import Send from './send.js'
import Deploy from './deploy.js'
import WebhookDelete from './webhook/delete.js'
import WebhookInfo from './webhook/info.js'
import WebhookLinkToken from './webhook/link-token.js'
import WebhookLinks from './webhook/links.js'
import WebhookRegister from './webhook/register.js'
import WebhookServe from './webhook/serve.js'
import WebhookUnlink from './webhook/unlink.js'
import Digest from './digest.js'
import Health from './health.js'
import Help from './help.js'
import MonitorExec from './monitor/exec.js'
import MonitorRun from './monitor/run.js'
import MonitorStatus from './monitor/status.js'
import MonitorWatch from './monitor/watch.js'
import Version from './version.js'

export {FastpayHelp} from './support/fastpay-help.js'

export const COMMANDS = {
  alert: Alert,
  'alert:flush': AlertFlush,
  'alert:outbox': AlertOutbox,
  'bots:add': BotsAdd,
  'bots:disable': BotsDisable,
  'bots:enable': BotsEnable,
  'bots:list': BotsList,
  'bots:remove': BotsRemove,
  'bots:sync-info': BotsSyncInfo,
  'bots:stats': BotsStats,
  'bots:test': BotsTest,
  'bots:update': BotsUpdate,
  'bots:validate': BotsValidate,
  completion: Completion,
  'config:show': ConfigShow,
  discover: Discover,
  send: Send,
  'webhook:delete': WebhookDelete,
  'webhook:info': WebhookInfo,
  'webhook:link-token': WebhookLinkToken,
  'webhook:links': WebhookLinks,
  'webhook:register': WebhookRegister,
  'webhook:serve': WebhookServe,
  'webhook:unlink': WebhookUnlink,
  deploy: Deploy,
  digest: Digest,
  health: Health,
  help: Help,
  'monitor:exec': MonitorExec,
  'monitor:run': MonitorRun,
  'monitor:status': MonitorStatus,
  'monitor:watch': MonitorWatch,
  version: Version,
}

/**
 * oclif's `command_not_found` hook (named in package.json): a typo gets the likely commands, written as typed
 * (`bots list`), and exit code 2. Loaded only when a command is not found.
 */
export const commandNotFound: Hook<'command_not_found'> = async ({id, argv, config}) => {
  const {reportUnknownCommand} = await import('./support/unknown-command.js')
  reportUnknownCommand(id, argv ?? [], config)
}

/**
 * oclif logs through the `debug` package at every start, which prints only what DEBUG names; loading it costs a
 * start about as much as oclif's own config. Without DEBUG nothing oclif logs is printed: this logger prints
 * nothing too, and loads nothing. With DEBUG set (to anything), oclif's own logger as always.
 */
const QUIET_LOGGER: Interfaces.Logger = {
  debug: () => {},
  error: () => {},
  info: () => {},
  trace: () => {},
  warn: () => {},
  child: () => QUIET_LOGGER,
  namespace: 'oclif',
}

/** Runs a command line through oclif; `root` is the package's folder (bin/run.js's parent). */
export async function run(argv: string[], root: string): Promise<void> {
  try {
    await runOclif(argv, process.env.DEBUG ? root : {root, logger: QUIET_LOGGER})
    await flush()
  } catch (error) {
    // What fails outside a command (`config show <stray argument>` becomes "command config:show:<argument> not
    // found") is printed by oclif itself, quoting the arguments: one of them may be a token.
    await handle(scrubbed(error))
  }
}

function scrubbed(error: unknown): Error {
  if (!(error instanceof Error)) return new Error(redact(String(error)))
  error.message = redact(error.message)
  if (error.stack) error.stack = redact(error.stack)
  return error
}
