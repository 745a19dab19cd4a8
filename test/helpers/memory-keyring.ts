// An in-memory stand-in for @napi-rs/keyring (through setKeyringLoader): entries keyed `service/account`.
import type {KeyringModule} from '../../src/config/index.js'

/** Keeps passwords in `store`; each entry made is recorded in `calls` as `service/account {options}`. */
export function memoryKeyring(store: Map<string, string>, calls: string[] = []): KeyringModule {
  class AsyncEntry {
    private readonly key: string
    constructor(service: string, account: string, options: unknown) {
      this.key = `${service}/${account}`
      calls.push(`${this.key} ${JSON.stringify(options)}`)
    }
    async getPassword(): Promise<string | null> {
      return store.get(this.key) ?? null
    }
    async setPassword(password: string): Promise<void> {
      store.set(this.key, password)
    }
    async deletePassword(): Promise<boolean> {
      return store.delete(this.key)
    }
  }
  return {AsyncEntry} as unknown as KeyringModule
}
