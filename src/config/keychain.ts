import {redact} from '../redact.js'
import {UserError} from '../user-error.js'
import {errorMessage} from '../support/error-message.js'

/** The service every token is stored under: `fastpay-tg/<account>`. */
export const KEYCHAIN_SERVICE = 'fastpay-tg'

/** The part of `@napi-rs/keyring` we use; tests may swap it with `setKeyringLoader`. */
export interface KeyringModule {
  AsyncEntry: typeof import('@napi-rs/keyring').AsyncEntry
}

// Native module: loaded only when a token really lives in the keychain.
const loadNativeKeyring = (): Promise<KeyringModule> => import('@napi-rs/keyring')
let loadKeyring = loadNativeKeyring

/** Replaces the keyring module (tests); call without argument to restore the native one. */
export function setKeyringLoader(load?: () => Promise<KeyringModule>): void {
  loadKeyring = load ?? loadNativeKeyring
}

/** No usable OS keychain: callers may fall back (e.g. store the token literally) and print the message. */
export class KeychainUnavailableError extends UserError {
  constructor(detail: string) {
    super(`keychain unavailable: ${detail}`)
  }
}

export function isKeychainUnavailable(error: unknown): error is KeychainUnavailableError {
  return error instanceof KeychainUnavailableError
}

// What keyring-rs says when there is no Secret Service, no session bus, or a locked keyring nobody can unlock.
const UNAVAILABLE = new RegExp(
  [
    'Platform failure',
    'platform storage',
    'DBus error',
    'DBUS_SESSION_BUS_ADDRESS',
    'org\\.freedesktop\\.secrets',
    'unlock prompt was dismissed',
  ].join('|'),
  'i',
)

function firstLine(error: unknown): string {
  const message = errorMessage(error)
  return redact(message.split('\n')[0]!.replace(/^Platform failure: /, '').trim())
}

/**
 * keyring-rs passes D-Bus's own words on ("Using X11 for dbus-daemon autolaunch was disabled at compile time, set
 * your DBUS_SESSION_BUS_ADDRESS instead"): the common causes are said in the user's terms, anything else as it came.
 */
const PLAIN_REASONS: Array<[RegExp, string]> = [
  [/autolaunch|DBUS_SESSION_BUS_ADDRESS/, 'no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is not set)'],
  [/Failed to connect to socket/, 'the D-Bus session bus is not running (nothing listens at DBUS_SESSION_BUS_ADDRESS)'],
  [/org\.freedesktop\.secrets/, 'no Secret Service on the session bus (gnome-keyring, KeePassXC or the like is not running)'],
  [/unlock prompt was dismissed/i, 'the keyring is locked and its unlock prompt was dismissed'],
]

function unavailableReason(error: unknown): string {
  const message = errorMessage(error)
  return PLAIN_REASONS.find(([pattern]) => pattern.test(message))?.[1] ?? firstLine(error)
}

function translate(error: unknown, account: string): Error {
  if (UNAVAILABLE.test(errorMessage(error))) {
    return new KeychainUnavailableError(unavailableReason(error))
  }
  return new Error(`keychain ${KEYCHAIN_SERVICE}/${account}: ${firstLine(error)}`)
}

type Entry = InstanceType<KeyringModule['AsyncEntry']>

async function withEntry<T>(account: string, use: (entry: Entry) => Promise<T>): Promise<T> {
  let keyring: KeyringModule
  try {
    keyring = await loadKeyring()
  } catch (error) {
    throw new KeychainUnavailableError(`the keyring module did not load (${firstLine(error)})`)
  }
  try {
    // Pinned to the Secret Service on Linux: the kernel keyring fallback forgets everything at logout.
    const entry = new keyring.AsyncEntry(KEYCHAIN_SERVICE, account, {linux: {store: 'secret-service'}})
    return await use(entry)
  } catch (error) {
    throw translate(error, account)
  }
}

/** Stores `token` under `fastpay-tg/<account>`. Throws KeychainUnavailableError when there is no keychain. */
export async function storeToken(account: string, token: string): Promise<void> {
  await withEntry(account, (entry) => entry.setPassword(token))
}

/** The token stored under `fastpay-tg/<account>`, or undefined when there is none. */
export async function readToken(account: string): Promise<string | undefined> {
  return (await withEntry(account, (entry) => entry.getPassword())) ?? undefined
}

/** Deletes the stored token; false when there was none. */
export async function deleteToken(account: string): Promise<boolean> {
  return withEntry(account, (entry) => entry.deletePassword())
}

const PROBE_ACCOUNT = '__fastpay-tg-probe__'

/**
 * Asks the keychain for a token that does not exist: undefined when that works, else the one-line reason.
 * A locked keyring may still refuse a write later; `storeToken` reports that the same way.
 */
export async function keychainProblem(): Promise<string | undefined> {
  try {
    await readToken(PROBE_ACCOUNT)
    return undefined
  } catch (error) {
    if (isKeychainUnavailable(error)) return error.message
    throw error
  }
}

/** True when the OS keychain answers (see `keychainProblem` for why it does not). */
export async function keychainAvailable(): Promise<boolean> {
  return (await keychainProblem()) === undefined
}
