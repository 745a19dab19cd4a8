import {isDeepStrictEqual} from 'node:util'
import type {Document} from 'yaml'
import {realTarget, writeFileAtomic} from '../support/atomic-write.js'
import {UserError} from '../user-error.js'
import {type LockOptions, withFileLock} from './file-lock.js'
import {keepUntouchedLines} from './keep-layout.js'
import {type RegistryLocation, toLocation} from './paths.js'
import {holdsLegacyLinks, isLiteralToken, missingRegistryError, parseRegistryText, type RegistryBot, readRegistryText, rememberRegistry} from './registry-file.js'

export interface EditOptions {
  lock?: LockOptions
}

export interface EditRegistryOptions extends EditOptions {
  /** Only adding a bot may create a named file (and its directories); other edits of a missing one are refused. */
  create?: boolean
  /**
   * Writes a read-only file (its mode kept) instead of refusing it: for the one-time move of the link sections, which
   * runs inside `alert` and `serve` and must not fail them.
   * @default false
   */
  writeReadOnly?: boolean
}

const PRINT_OPTIONS = {flowCollectionPadding: false, lineWidth: 0}

const NEW_FILE = '# fastpay-tg bots registry. A token is a literal, ${ENV_VAR} or keychain:<account>.\nbots:\n'

// `yaml` is only ever imported lazily: resolution must not pay for it.
export type YamlModule = typeof import('./yaml-lib.js')

export interface Edit<T> {
  result: T
  changed: boolean
}

export interface EditContext {
  doc: Document
  bots: RegistryBot[]
  location: RegistryLocation
  yaml: YamlModule
  /** Validates the edited document: throws a one-line UserError, or returns its bots. */
  revalidate: () => RegistryBot[]
}

/**
 * The one way the registry file is changed (bots add/remove/update, chat upgrades written back, the link sections
 * moved to the store): re-reads the file under its lock, applies `edit` to its YAML document (so comments and
 * layout survive), validates the outcome and writes it atomically with mode 0600. `edit` may be async (it may
 * store what it takes out of the file before the file is written); two runs editing at once take turns.
 */
export async function editRegistry<T>(
  file: RegistryLocation | string,
  edit: (context: EditContext) => Edit<T> | Promise<Edit<T>>,
  options: EditRegistryOptions,
): Promise<T> {
  const location = toLocation(file)
  const target = await realTarget(location.path)
  return lockAndEdit(location, target, edit, options).catch((error: unknown) => {
    // A read-only or full disk, a directory we may not enter: one line naming the file, not a stack trace.
    const code = (error as NodeJS.ErrnoException | undefined)?.code
    if (error instanceof UserError || typeof code !== 'string') throw error
    throw new UserError(`${location.display}: cannot write (${code})`)
  })
}

function lockAndEdit<T>(
  location: RegistryLocation,
  target: string,
  edit: (context: EditContext) => Edit<T> | Promise<Edit<T>>,
  options: EditRegistryOptions,
): Promise<T> {
  return withFileLock(
    `${target}.lock`,
    location.display,
    async () => {
      const current = await readRegistryText({...location, path: target})
      if (!current && location.explicit && !options.create) throw missingRegistryError(location)
      // An operator who took the write bit away (config management, a frozen host) meant it: the rename below would
      // replace the file all the same. Checked before `edit`, which may already store a token in the keychain.
      if (current && (current.mode & 0o200) === 0 && !options.writeReadOnly) {
        throw new UserError(`${location.display}: cannot write (read-only, mode ${(current.mode & 0o777).toString(8).padStart(4, '0')})`)
      }
      const text = current?.text ?? NEW_FILE
      const {doc, bots, revalidate} = await parseRegistryText(text, location)
      const printedBefore = doc.toString(PRINT_OPTIONS)
      const yaml = await import('./yaml-lib.js')
      const {result, changed} = await edit({doc, bots, location, yaml, revalidate})
      if (!changed) return result
      const edited = revalidate()
      const printed = doc.toString(PRINT_OPTIONS)
      const patched = keepUntouchedLines(text, printedBefore, printed)
      // The patch is only taken when it reads back as the edited document; else the printed document is written.
      // As Maps: a patch that misread (a sequence as a key) must not make yaml print a warning quoting the file.
      const same = patched !== printed && isDeepStrictEqual(yaml.parseDocument(patched).toJS({mapAsMap: true}), doc.toJS({mapAsMap: true}))
      // The file's mode and owner stay (a service's group reading a 0640 file keeps reading it), less any bits for
      // others, and the group's too once it holds a literal token (what permissionsWarning asks for). A new file is 0600.
      const literal = edited.some((bot) => isLiteralToken(bot.token))
      const kept = current && {mode: current.mode & (literal ? 0o700 : 0o770), owner: {uid: current.uid, gid: current.gid}}
      await writeFileAtomic(target, same ? patched : printed, kept?.mode, kept?.owner)
      rememberRegistry({location, exists: true, bots: edited, warnings: [], ...(holdsLegacyLinks(doc) ? {legacyLinks: true} : {})})
      return result
    },
    options.lock,
  )
}

