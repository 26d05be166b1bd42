import { describe, expect, it } from 'vitest'
import {
  CsvRowCounter, LineCounter, RateMeter, progressStream, rowCounter, type ExportProgress,
} from './exportProgress'
import { STREAM_TO_DISK_ROWS, streamsToDisk, suggestedFileName } from './download'

const bytes = (text: string) => new TextEncoder().encode(text)

describe('CsvRowCounter', () => {
  it('counts data rows after the header, across chunk borders', () => {
    const counter = new CsvRowCounter()
    counter.feed(bytes('"id","name"\n"1","a'))
    expect(counter.rows).toBe(0)
    counter.feed(bytes('"\n"2",'))
    expect(counter.rows).toBe(1)
    counter.feed(bytes('\n'))
    expect(counter.rows).toBe(2)
  })

  it('does not count line feeds or doubled quotes inside a quoted value', () => {
    const counter = new CsvRowCounter()
    counter.feed(bytes('"note"\n"two\nlines"\n"say ""hi""\n"\n'))
    expect(counter.rows).toBe(2)
  })

  it('counts NULLs (empty unquoted fields) and a header-only file as no rows', () => {
    const counter = new CsvRowCounter()
    counter.feed(bytes('"a","b"\n'))
    expect(counter.rows).toBe(0)
    counter.feed(bytes(',\n,"x"\n'))
    expect(counter.rows).toBe(2)
  })
})

describe('LineCounter', () => {
  it('counts one JSON Lines row per line feed, across chunk borders', () => {
    const counter = new LineCounter()
    counter.feed(bytes('{"id":1,"note":"two\\nlines"}\n{"id"'))
    expect(counter.rows).toBe(1)
    counter.feed(bytes(':2}\n'))
    expect(counter.rows).toBe(2)
  })

  it('is the counter of JSON Lines only: a JSON document is not counted', () => {
    expect(rowCounter('jsonl')).toBeInstanceOf(LineCounter)
    expect(rowCounter('csv')).toBeInstanceOf(CsvRowCounter)
    expect(rowCounter('json')).toBeNull()
  })
})

describe('RateMeter', () => {
  it('has no rate until 200 ms have passed', () => {
    const meter = new RateMeter()
    meter.add(0, 0)
    meter.add(100, 50_000)
    expect(meter.rate()).toBeNull()
    meter.add(500, 100_000)
    expect(meter.rate()).toBe(200_000)
  })

  it('follows the last window, not the average since the start', () => {
    const meter = new RateMeter(1000)
    meter.add(0, 0)
    meter.add(1000, 1_000_000) // fast first second
    meter.add(2000, 1_000_000) // then a stall
    meter.add(3000, 1_000_000)
    expect(meter.rate()).toBe(0)
    meter.add(3500, 1_500_000) // it picks up again: the window still holds the stall
    expect(meter.rate()).toBeCloseTo(333_333, 0)
    meter.add(4000, 2_000_000)
    expect(meter.rate()).toBe(1_000_000)
  })
})

describe('progressStream', () => {
  it('passes the bytes through unchanged and reports rows, bytes and rate', async () => {
    let clock = 0
    const seen: ExportProgress[] = []
    const chunks = ['"id"\n"1"\n', '"2"\n"3"\n']
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const chunk of chunks) controller.enqueue(bytes(chunk))
        controller.close()
      },
    })
    const counted = body.pipeThrough(progressStream(rowCounter('csv'), (p) => seen.push(p), () => (clock += 500)))
    expect(await new Response(counted).text()).toBe(chunks.join(''))
    expect(seen).toEqual([
      { bytes: 9, rows: 1, rate: 18 },
      { bytes: 17, rows: 3, rate: 17 },
    ])
  })

  it('reports no rows for formats it cannot count', async () => {
    const seen: ExportProgress[] = []
    const counted = new Response('PK\x03\x04').body!.pipeThrough(progressStream(rowCounter('xlsx'), (p) => seen.push(p)))
    await new Response(counted).arrayBuffer()
    expect(seen.at(-1)).toMatchObject({ bytes: 4, rows: null })
  })
})

describe('suggestedFileName', () => {
  it("names the file as the server does: base, UTC time stamp, extension", () => {
    const at = new Date(Date.UTC(2026, 11, 6, 18, 4, 5))
    expect(suggestedFileName('customers', 'csv', at)).toBe('customers_20261206-180405.csv')
    expect(suggestedFileName('my table/2', 'pdf', at)).toBe('my_table_2_20261206-180405.pdf')
  })
})

describe('streamsToDisk', () => {
  const holder = globalThis as { showSaveFilePicker?: unknown }

  it('streams big or unknown exports only where the browser has a save picker', () => {
    delete holder.showSaveFilePicker
    expect(streamsToDisk(null)).toBe(false)
    expect(streamsToDisk(STREAM_TO_DISK_ROWS * 10)).toBe(false)
    holder.showSaveFilePicker = () => Promise.reject(new Error('not in a unit test'))
    try {
      expect(streamsToDisk(null)).toBe(true)
      expect(streamsToDisk(STREAM_TO_DISK_ROWS)).toBe(true)
      expect(streamsToDisk(STREAM_TO_DISK_ROWS - 1)).toBe(false)
      expect(streamsToDisk(2_500)).toBe(false)
    } finally {
      delete holder.showSaveFilePicker
    }
  })
})
