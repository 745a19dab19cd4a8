export type Rgb = readonly [number, number, number]

/** A pixel buffer to draw a chart into: filled rectangles and thick straight lines. */
export class Raster {
  readonly pixels: Uint8Array

  constructor(
    readonly width: number,
    readonly height: number,
    background: Rgb,
  ) {
    this.pixels = new Uint8Array(width * height * 3)
    this.fill(0, 0, width, height, background)
  }

  set(x: number, y: number, color: Rgb): void {
    const px = Math.round(x)
    const py = Math.round(y)
    if (px < 0 || py < 0 || px >= this.width || py >= this.height) return
    this.pixels.set(color, (py * this.width + px) * 3)
  }

  get(x: number, y: number): Rgb {
    const at = (y * this.width + x) * 3
    return [this.pixels[at]!, this.pixels[at + 1]!, this.pixels[at + 2]!]
  }

  fill(x: number, y: number, width: number, height: number, color: Rgb): void {
    for (let row = Math.max(0, Math.round(y)); row < Math.min(this.height, Math.round(y + height)); row++) {
      for (let column = Math.max(0, Math.round(x)); column < Math.min(this.width, Math.round(x + width)); column++) this.set(column, row, color)
    }
  }

  /** A line `thickness` pixels wide (a square brush stepped along it). */
  line(x0: number, y0: number, x1: number, y1: number, color: Rgb, thickness = 1): void {
    const steps = Math.max(1, Math.ceil(Math.max(Math.abs(x1 - x0), Math.abs(y1 - y0))))
    const half = (thickness - 1) / 2
    for (let step = 0; step <= steps; step++) {
      const x = x0 + ((x1 - x0) * step) / steps
      const y = y0 + ((y1 - y0) * step) / steps
      this.fill(x - half, y - half, thickness, thickness, color)
    }
  }
}
