// Every command class by its id: oclif's explicit command discovery reads it from the CLI bundle (index.ts), and the
// fast path (fast.ts) runs plain lines from it. Command classes are thin; whatever they need from src/ is imported
// lazily inside run().
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
import MonitorForget from './monitor/forget.js'
import MonitorRun from './monitor/run.js'
import MonitorStatus from './monitor/status.js'
import MonitorWatch from './monitor/watch.js'
import Version from './version.js'

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
  'monitor:forget': MonitorForget,
  'monitor:run': MonitorRun,
  'monitor:status': MonitorStatus,
  'monitor:watch': MonitorWatch,
  version: Version,
}
