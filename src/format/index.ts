export {
  escapeHtml,
  escapeHtmlAttribute,
  escapeMarkdownV2,
  escapeMarkdownV2Code,
  escapeMarkdownV2Url,
} from './escape.js'
export {fitMessage, type FitOptions, type FittedMessage, shownTextLength} from './fit-message.js'
export {buildInlineKeyboard, parseButton, parseButtonRow, type SimpleButton} from './inline-keyboard.js'
export {decodeEntities, htmlToPlainText, keepSafeLinks} from './plain-text.js'
export {withoutOpenLink} from './markdown-v2-syntax.js'
export {parseParseMode, type ParseMode} from './parse-mode.js'
export {
  CAPTION_LIMIT,
  MESSAGE_LIMIT,
  splitCaption,
  splitMessage,
  type CaptionSplit,
  type SplitOptions,
} from './split-message.js'
