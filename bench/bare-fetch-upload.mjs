// The other way to stream an upload (issue 15 asks which is faster): fetch with a FormData holding a file-backed Blob,
// which loads Node's internal undici. Same request as `bare-http-send.mjs --document`.
import {openAsBlob} from 'node:fs'

const [apiRoot, token, chatId, text, , path] = process.argv.slice(2)
const form = new FormData()
form.append('chat_id', chatId)
form.append('caption', text)
form.append('document', await openAsBlob(path, {type: 'application/octet-stream'}), 'upload.bin')
const response = await fetch(`${apiRoot}/bot${token}/sendDocument`, {method: 'POST', body: form})
const body = await response.json()
if (!body.ok) throw new Error(body.description)
console.log(body.result.message_id)
