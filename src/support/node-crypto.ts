import type * as Crypto from 'node:crypto'

/**
 * node:crypto, loaded on the first call rather than with the module that uses it (process.getBuiltinModule gives the
 * object `import` would): loading it cost every start of the CLI about 8 M instructions, a tenth of `node -e 0`,
 * while most runs (config show, bots list, send) never hash nor draw a random number.
 */
export const nodeCrypto = (): typeof Crypto => process.getBuiltinModule('node:crypto')
