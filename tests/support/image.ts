import { PNG } from 'pngjs';

export interface Image {
  width: number;
  height: number;
  data: Buffer;
}

export function decodePng(buf: Buffer): Image {
  const png = PNG.sync.read(buf);
  return { width: png.width, height: png.height, data: png.data };
}

/** Standard deviation of luminance and the number of distinct coarse colours. */
export function variety(img: Image): { stddev: number; colours: number; mean: number } {
  let sum = 0;
  let sum2 = 0;
  const colours = new Set<number>();
  const n = img.width * img.height;
  for (let i = 0; i < n; i++) {
    const r = img.data[i * 4]!, g = img.data[i * 4 + 1]!, b = img.data[i * 4 + 2]!;
    const l = 0.2126 * r + 0.7152 * g + 0.0722 * b;
    sum += l;
    sum2 += l * l;
    colours.add(((r >> 4) << 8) | ((g >> 4) << 4) | (b >> 4));
  }
  const mean = sum / n;
  return { stddev: Math.sqrt(Math.max(0, sum2 / n - mean * mean)), colours: colours.size, mean };
}

/** RGB values of one pixel column. */
export function column(img: Image, x: number): number[] {
  const out: number[] = [];
  for (let y = 0; y < img.height; y++) for (let c = 0; c < 3; c++) out.push(img.data[(y * img.width + x) * 4 + c]!);
  return out;
}

export function meanAbsDiff(a: number[], b: number[]): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i]! - b[i]!);
  return s / a.length;
}
