import {createHash} from 'node:crypto'
import type {IncomingMessage} from 'node:http'
import {badRequest} from './api-error.js'
import type {RecordedRequest, UploadedFile} from './types.js'

export interface ParsedBody {
  encoding: RecordedRequest['encoding']
  params: Record<string, unknown>
  files: UploadedFile[]
}

/** Decodes a Bot API request: query string plus a JSON, urlencoded or multipart body, as Telegram accepts. */
export async function parseBody(request: IncomingMessage, url: URL): Promise<ParsedBody> {
  const params: Record<string, unknown> = Object.fromEntries(url.searchParams)
  let encoding: ParsedBody['encoding'] = url.search ? 'query' : 'none'
  const files: UploadedFile[] = []
  const contentType = (request.headers['content-type'] ?? '').toLowerCase()

  if (contentType.startsWith('multipart/form-data')) {
    encoding = 'multipart'
    const headers = new Headers({'content-type': request.headers['content-type'] ?? ''})
    // The fetch API's Request parses multipart for us; duplex 'half' lets it read the incoming stream.
    const form = await new Request(url, {method: 'POST', headers, body: request as never, duplex: 'half'} as RequestInit)
      .formData()
      .catch(() => {
        throw badRequest('invalid multipart/form-data body')
      })
    for (const [field, value] of form) {
      if (typeof value === 'string') {
        params[field] = value
      } else {
        const content = Buffer.from(await value.arrayBuffer())
        files.push({field, name: value.name, size: content.length, sha256: createHash('sha256').update(content).digest('hex'), contentType: value.type, content})
      }
    }
    return {encoding, params, files}
  }

  const body = await readAll(request)
  if (body.length === 0) return {encoding, params, files}
  if (contentType.startsWith('application/json')) {
    encoding = 'json'
    let parsed: unknown
    try {
      parsed = JSON.parse(body.toString('utf8'))
    } catch {
      throw badRequest("can't parse JSON request body")
    }
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) Object.assign(params, parsed)
  } else if (contentType.startsWith('application/x-www-form-urlencoded')) {
    encoding = 'urlencoded'
    Object.assign(params, Object.fromEntries(new URLSearchParams(body.toString('utf8'))))
  }
  return {encoding, params, files}
}

async function readAll(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of request) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
}
