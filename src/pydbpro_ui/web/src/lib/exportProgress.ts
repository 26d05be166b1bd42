/**
 * What a running export has delivered: bytes, a transfer rate, and for CSV and JSON Lines the
 * rows, counted in the stream itself (the server knows the row count only at the end, and
 * counting first would cost a second query).
 */

/** Counts the rows of a format as its bytes arrive. */
export interface RowCounter {
  feed(chunk: Uint8Array): void
  readonly rows: number
}

/** Counts CSV records as bytes arrive: a line feed outside quotes ends one. The server
 * quotes every value (RFC 4180, `""` inside quotes), so a line feed inside a value never
 * counts, and chunk borders in the middle of a value do not matter. */
export class CsvRowCounter implements RowCounter {
  private quoted = false
  private records = 0

  feed(chunk: Uint8Array): void {
    let quoted = this.quoted
    let records = this.records
    for (const byte of chunk) {
      if (byte === 0x22) quoted = !quoted
      else if (byte === 0x0a && !quoted) records += 1
    }
    this.quoted = quoted
    this.records = records
  }

  /** Data rows complete so far (the first line is the header). */
  get rows(): number {
    return Math.max(0, this.records - 1)
  }
}

/** Counts JSON Lines records: every line feed ends one (JSON writes a line feed inside a
 * string as `\n`, so a raw one only ever ends a line). */
export class LineCounter implements RowCounter {
  private lines = 0

  feed(chunk: Uint8Array): void {
    let lines = this.lines
    for (const byte of chunk) if (byte === 0x0a) lines += 1
    this.lines = lines
  }

  get rows(): number {
    return this.lines
  }
}

/** The row counter of a format whose rows can be counted as they arrive, else null. */
export function rowCounter(format: string): RowCounter | null {
  if (format === 'csv') return new CsvRowCounter()
  return format === 'jsonl' ? new LineCounter() : null
}

/** Bytes per second over the last `windowMs`, so the rate follows a stream that speeds up
 * or stalls instead of averaging over the whole download. */
export class RateMeter {
  private samples: { at: number; bytes: number }[] = []

  constructor(private readonly windowMs = 3000) {}

  add(at: number, bytes: number): void {
    this.samples.push({ at, bytes })
    while (this.samples.length > 2 && at - this.samples[1]!.at >= this.windowMs) this.samples.shift()
  }

  /** Bytes per second, or null until two samples at least 200 ms apart exist. */
  rate(): number | null {
    const first = this.samples[0]
    const last = this.samples[this.samples.length - 1]
    if (!first || !last || last.at - first.at < 200) return null
    return ((last.bytes - first.bytes) * 1000) / (last.at - first.at)
  }
}

export interface ExportProgress {
  bytes: number
  rows: number | null
  rate: number | null
}

/** A byte-counting pass-through for the response body: it reports as chunks go by and
 * leaves them unchanged for the file. A `counter` (`rowCounter`) counts the rows too. */
export function progressStream(
  counter: RowCounter | null,
  report: (progress: ExportProgress) => void,
  now: () => number = () => performance.now(),
): TransformStream<Uint8Array, Uint8Array> {
  const meter = new RateMeter()
  let bytes = 0
  meter.add(now(), 0)
  return new TransformStream({
    transform(chunk, controller) {
      bytes += chunk.byteLength
      counter?.feed(chunk)
      meter.add(now(), bytes)
      report({ bytes, rows: counter ? counter.rows : null, rate: meter.rate() })
      controller.enqueue(chunk)
    },
  })
}
