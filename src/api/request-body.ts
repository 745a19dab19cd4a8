import {openAsBlob} from 'node:fs'
import {stat} from 'node:fs/promises'
import {LocalUpload} from './input-file.js'
import {mediaTypeOf} from './media-type.js'
import type {FormDataLike} from './transport.js'

export type RequestBody = {body: string; headers: Record<string, string>} | {body: FormDataLike; headers: Record<string, string>}

/**
 * JSON unless a file is uploaded; then multipart, where objects (reply_markup, link_preview_options) travel as
 * JSON strings. Files are streamed from disk (by the form itself, or by fetch from a file-backed Blob), never held in
 * memory.
 */
export async function buildRequestBody(
  params: Record<string, unknown>,
  createFormData: () => FormDataLike,
): Promise<RequestBody> {
  let uploads = false
  for (const name in params) if (params[name] instanceof LocalUpload) uploads = true
  // JSON leaves out undefined values itself, in the same order: no copy of the parameters needed.
  if (!uploads) return {body: JSON.stringify(params), headers: {'content-type': 'application/json'}}
  const entries = Object.entries(params).filter(([, value]) => value !== undefined)
  const form = createFormData()
  for (const [name, value] of entries) {
    if (value instanceof LocalUpload) await appendUpload(form, name, value)
    else form.append(name, typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value))
  }
  return {body: form, headers: {}}
}

async function appendUpload(form: FormDataLike, name: string, upload: LocalUpload): Promise<void> {
  const type = mediaTypeOf(upload.filename)
  if (form.appendFile) form.appendFile(name, {path: upload.path, size: (await stat(upload.path)).size, type}, upload.filename)
  else form.append(name, await openAsBlob(upload.path, {type}), upload.filename)
}
