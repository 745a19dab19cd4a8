import {createReadStream} from 'node:fs'
import {Readable} from 'node:stream'
import type {FormDataLike} from './transport.js'
import {nodeCrypto} from '../support/node-crypto.js'

type Part =
  | {head: Buffer; content: Buffer}
  | {head: Buffer; file: {path: string; size: number}}
  | {head: Buffer; blob: Blob}

const CRLF = Buffer.from('\r\n')

/**
 * A multipart/form-data body with a known length that streams its files from disk: an upload costs a 64 KiB buffer
 * whatever the file's size, and sending it again (a retry) reads the file again.
 */
export class MultipartForm implements FormDataLike {
  readonly boundary = `----fastpay-tg-${nodeCrypto().randomBytes(16).toString('hex')}`
  readonly #parts: Part[] = []

  append(name: string, value: string | Blob, filename?: string): void {
    if (typeof value === 'string') {
      this.#parts.push({head: this.#head(name), content: Buffer.from(value)})
    } else {
      this.#parts.push({head: this.#head(name, filename ?? 'blob', value.type), blob: value})
    }
  }

  /** A file part read from `path` when the body is sent; exactly `size` bytes are sent. */
  appendFile(name: string, file: {path: string; size: number; type: string}, filename: string): void {
    this.#parts.push({head: this.#head(name, filename, file.type), file: {path: file.path, size: file.size}})
  }

  get contentType(): string {
    return `multipart/form-data; boundary=${this.boundary}`
  }

  get length(): number {
    let total = this.#tail().length
    for (const part of this.#parts) total += part.head.length + partSize(part) + CRLF.length
    return total
  }

  stream(): Readable {
    const parts = this.#parts
    const tail = this.#tail()
    return Readable.from(
      (async function* () {
        for (const part of parts) {
          yield part.head
          if ('content' in part) yield part.content
          else if ('blob' in part) yield* Readable.fromWeb(part.blob.stream() as import('node:stream/web').ReadableStream)
          else if (part.file.size > 0) yield* createReadStream(part.file.path, {start: 0, end: part.file.size - 1, highWaterMark: 64 * 1024})
          yield CRLF
        }
        yield tail
      })(),
      {objectMode: false},
    )
  }

  #head(name: string, filename?: string, type?: string): Buffer {
    const disposition = `form-data; name="${escapeQuoted(name)}"${filename === undefined ? '' : `; filename="${escapeQuoted(filename)}"`}`
    const typeLine = filename === undefined ? '' : `Content-Type: ${type || 'application/octet-stream'}\r\n`
    return Buffer.from(`--${this.boundary}\r\nContent-Disposition: ${disposition}\r\n${typeLine}\r\n`)
  }

  #tail(): Buffer {
    return Buffer.from(`--${this.boundary}--\r\n`)
  }
}

function partSize(part: Part): number {
  if ('content' in part) return part.content.length
  if ('blob' in part) return part.blob.size
  return part.file.size
}

/** As browsers and undici escape names in Content-Disposition (WHATWG multipart/form-data encoding). */
function escapeQuoted(value: string): string {
  return value.replace(/\r/g, '%0D').replace(/\n/g, '%0A').replace(/"/g, '%22')
}
