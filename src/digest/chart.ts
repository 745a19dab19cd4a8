import {formatSpan} from '../support/duration.js'
import {periodLabel} from './render-digest.js'
import type {ChartSeries} from './chart-data.js'
import {encodePng} from './png.js'
import {Raster, type Rgb} from './raster.js'

/** Line colours, each matching a square emoji so that the caption can be the legend (the PNG holds no text). */
export const PALETTE: ReadonlyArray<{color: Rgb; emoji: string}> = [
  {color: [221, 46, 68], emoji: '🟥'},
  {color: [85, 172, 238], emoji: '🟦'},
  {color: [120, 177, 89], emoji: '🟩'},
  {color: [244, 144, 12], emoji: '🟧'},
  {color: [170, 142, 214], emoji: '🟪'},
  {color: [253, 203, 88], emoji: '🟨'},
  {color: [193, 105, 79], emoji: '🟫'},
  {color: [49, 55, 61], emoji: '⬛'},
]

const WHITE: Rgb = [255, 255, 255]
const PANEL: Rgb = [246, 247, 249]
const GRID: Rgb = [218, 221, 226]

/** Where things are drawn, in pixels. */
export const LAYOUT = {width: 800, height: 400, margin: 12, gap: 16} as const

export interface Chart {
  png: Buffer
  /** The legend and the scales, for sendPhoto's caption (plain text, at most 1,024 characters). */
  caption: string
  width: number
  height: number
}

/**
 * Two panels over the period: uptime % per bucket (top, 0 to 100) and p95 latency per bucket (bottom, 0 to the
 * highest p95), one coloured line per check; gaps where a check has no result.
 */
export function renderChart(series: readonly ChartSeries[], periodMs: number): Chart {
  const {width, height, margin, gap} = LAYOUT
  const raster = new Raster(width, height, WHITE)
  const panelHeight = (height - 2 * margin - gap) / 2
  const top = {x: margin, y: margin, width: width - 2 * margin, height: panelHeight}
  const bottom = {...top, y: margin + panelHeight + gap}
  for (const panel of [top, bottom]) {
    raster.fill(panel.x, panel.y, panel.width, panel.height, PANEL)
    for (const fraction of [0, 0.25, 0.5, 0.75, 1]) {
      const y = panel.y + panel.height - 1 - fraction * (panel.height - 1)
      raster.line(panel.x, y, panel.x + panel.width - 1, y, GRID)
    }
  }
  const maxLatency = Math.max(1, ...series.flatMap((check) => check.p95.filter((value): value is number => value !== undefined)))
  series.forEach((check, index) => {
    const {color} = PALETTE[index % PALETTE.length]!
    plot(raster, top, check.uptime.map((value) => (value === undefined ? undefined : value / 100)), color)
    plot(raster, bottom, check.p95.map((value) => (value === undefined ? undefined : value / maxLatency)), color)
  })
  const buckets = series[0]?.uptime.length ?? 1
  const legend = series.map((check, index) => `${PALETTE[index % PALETTE.length]!.emoji} ${check.name}`).join(' · ')
  const scales = `Uptime (top, 0-100%) and p95 latency (bottom, 0-${maxLatency}ms) per ${formatSpan(Math.round(periodMs / buckets))}, last ${periodLabel(periodMs)}`
  const caption = `${scales}\n${legend}`
  return {png: encodePng(width, height, raster.pixels), caption: caption.length > 1024 ? `${caption.slice(0, 1023)}…` : caption, width, height}
}

interface Box {
  x: number
  y: number
  width: number
  height: number
}

/** Where the centre of bucket `index` of `count` is, and where value `fraction` (0..1) is, in `box`. */
export function pointIn(box: Box, index: number, count: number, fraction: number): [number, number] {
  return [box.x + ((index + 0.5) * box.width) / count, box.y + box.height - 1 - fraction * (box.height - 1)]
}

function plot(raster: Raster, box: Box, values: ReadonlyArray<number | undefined>, color: Rgb): void {
  let previous: [number, number] | undefined
  values.forEach((value, index) => {
    if (value === undefined) {
      previous = undefined
      return
    }
    const point = pointIn(box, index, values.length, value)
    if (previous) raster.line(previous[0], previous[1], point[0], point[1], color, 2)
    raster.fill(point[0] - 2, point[1] - 2, 5, 5, color)
    previous = point
  })
}
