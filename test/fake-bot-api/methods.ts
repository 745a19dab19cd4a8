import type {MethodHandler} from './method-context.js'
import {messageMethods} from './methods-messages.js'
import {updateMethods} from './methods-updates.js'
import {chatFullInfo} from './state.js'

const allMethods: Record<string, MethodHandler> = {
  getMe: ({bot}) => bot.user,
  getChat: ({state, params}) => chatFullInfo(state.resolveChat(params.raw.chat_id).info),
  ...messageMethods,
  ...updateMethods,
}

const byLowerCaseName = new Map(Object.entries(allMethods).map(([name, handler]) => [name.toLowerCase(), handler]))

/** Telegram matches method names case-insensitively. */
export function findMethod(name: string): MethodHandler | undefined {
  return byLowerCaseName.get(name.toLowerCase())
}
