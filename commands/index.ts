// The CLI's single entry: every command class, for oclif's explicit command discovery, and the runner bin/ calls.
// Command classes are thin; whatever they need from src/ is imported lazily inside run().
import {execute} from '@oclif/core'

import BotsAdd from './bots/add.js'
import BotsDisable from './bots/disable.js'
import BotsEnable from './bots/enable.js'
import BotsList from './bots/list.js'
import BotsRemove from './bots/remove.js'
import BotsSyncInfo from './bots/sync-info.js'
import BotsTest from './bots/test.js'
import BotsValidate from './bots/validate.js'
import ConfigShow from './config/show.js'
import Discover from './discover.js'
import Send from './send.js'

export const COMMANDS = {
  'bots:add': BotsAdd,
  'bots:disable': BotsDisable,
  'bots:enable': BotsEnable,
  'bots:list': BotsList,
  'bots:remove': BotsRemove,
  'bots:sync-info': BotsSyncInfo,
  'bots:test': BotsTest,
  'bots:validate': BotsValidate,
  'config:show': ConfigShow,
  discover: Discover,
  send: Send,
}

export async function run(argv: string[], binUrl: string): Promise<void> {
  await execute({args: argv, dir: binUrl})
}
