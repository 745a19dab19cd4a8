export {type ChatId, CHAT_ID_EXPECTED, distinctChatIds, parseChatId, sameChatId, splitChatList} from './chat-id.js'
export {
  AmbiguousBotNameError,
  BOT_CONFIGS_VAR,
  BOT_TOKEN_VAR,
  CHAT_IDS_VAR,
  type EnvBot,
  parseChatList,
  readEnvBotConfigs,
  readEnvChatIds,
  readEnvToken,
} from './env-layers.js'
export type {LockOptions} from './file-lock.js'
export {
  deleteToken,
  isKeychainUnavailable,
  KEYCHAIN_SERVICE,
  KeychainUnavailableError,
  keychainAvailable,
  keychainProblem,
  type KeyringModule,
  readToken,
  setKeyringLoader,
  storeToken,
} from './keychain.js'
export {type BotListing, botNames, type ListedBot, listBots} from './list-bots.js'
export {asEnvEntry, type BotPick, everyActiveBot, sameBotAsEarlier} from './every-bot.js'
export {
  CONFIG_ENV_VAR,
  defaultConfigPath,
  defaultStateDir,
  displayPath,
  type Env,
  locateRegistry,
  NO_DEFAULT_CONFIG_ENV_VAR,
  type RegistryLocation,
} from './paths.js'
export {
  addBot,
  type BotChange,
  type BotPatch,
  changeBot,
  type BotSelector,
  type EditOptions,
  findRegistryBot,
  forgetLoadedRegistries,
  type LoadedRegistry,
  loadCurrentRegistry,
  loadRegistry,
  type NewBot,
  type RegistryBot,
  removeBot,
  replaceChatId,
  setActive,
  updateBot,
} from './registry.js'
export {isLiteralToken} from './registry-file.js'
export {registrySource, requireChats, resolveBot, resolveBotShowingUnreadable, type UnreadableToken} from './resolve.js'
export {BOT_NAME, BOT_TOKEN_SHAPE, CHAT_TYPES, type ChatType, ENV_REFERENCE, KEYCHAIN_PREFIX} from './constants.js'
export type {BotInfo} from './schema.js'
export {isTokenUnreadable, parseTokenReference, saveToken, type SavedToken, type TokenReference, TokenUnreadableError} from './token.js'
export type {BotRequest, ChatTarget, Layer, ResolvedBot, Sourced} from './types.js'
