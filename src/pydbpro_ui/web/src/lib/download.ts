/**
 * Saving a fetched file: straight to a file the user picks where the browser has the File
 * System Access API (Chromium), else assembled in memory and saved by a blob link click.
 */

/** `attachment; filename="a.csv"; filename*=UTF-8''a%20b.csv` → "a b.csv" (RFC 6266). */
export function filenameFromDisposition(header: string | null, fallback: string): string {
  if (!header) return fallback
  const extended = /filename\*\s*=\s*([^']*)'[^']*'([^;]+)/i.exec(header)
  if (extended?.[2]) {
    try {
      return decodeURIComponent(extended[2].trim())
    } catch {
      // fall through to the plain form
    }
  }
  const plain = /filename\s*=\s*"((?:[^"\\]|\\.)*)"|filename\s*=\s*([^;]+)/i.exec(header)
  const name = plain?.[1]?.replace(/\\(.)/g, '$1') ?? plain?.[2]?.trim()
  return name || fallback
}

type SaveFilePicker = (options: { suggestedName: string }) => Promise<FileSystemFileHandle>

function savePicker(): SaveFilePicker | null {
  const picker = (globalThis as { showSaveFilePicker?: SaveFilePicker }).showSaveFilePicker
  return typeof picker === 'function' ? picker.bind(globalThis) : null
}

/** From this many rows on (or when the count is not known), an export is written to a file
 * the user picks, as it arrives, where the browser can; smaller ones download as before,
 * without a dialog, as holding a few megabytes in memory costs nothing. */
export const STREAM_TO_DISK_ROWS = 100_000

/** Whether this export goes straight to disk: the browser has the File System Access API
 * (a secure page in Chromium) and the export is big or of unknown size. */
export function streamsToDisk(rows: number | null): boolean {
  return savePicker() !== null && (rows === null || rows >= STREAM_TO_DISK_ROWS)
}

/** Asks where to save; must run while the click that started the export still counts as a
 * user gesture, so it comes before the request. Closing the picker rejects with AbortError. */
export async function pickSaveFile(suggestedName: string): Promise<FileSystemFileHandle> {
  const picker = savePicker()
  if (!picker) throw new Error('the File System Access API is not available')
  return picker({ suggestedName })
}

/** Writes a body into the picked file as it arrives; aborting `signal` (or a broken
 * download) discards the file instead of leaving half of it. */
export async function streamToFile(
  body: ReadableStream<Uint8Array>,
  file: FileSystemFileHandle,
  signal: AbortSignal,
): Promise<void> {
  const writable = await file.createWritable()
  await body.pipeTo(writable, { signal })
}

/** The fallback: the whole body in memory, then a blob download. */
export async function readAll(body: ReadableStream<Uint8Array>, type: string): Promise<Blob> {
  return new Response(body, { headers: { 'Content-Type': type } }).blob()
}

/** `customers` and `csv` at 2026-12-06 18:04:05 UTC → `customers_20261206-180405.csv`, the
 * server's own naming, for the picker that opens before the response (and its name) exists. */
export function suggestedFileName(base: string, extension: string, at: Date): string {
  const stamp = at.toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-')
  return `${base.replace(/[^\w.-]+/g, '_')}_${stamp}.${extension}`
}

export function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob)
  const link = document.createElement('a')
  link.href = url
  link.download = filename
  link.rel = 'noopener'
  document.body.appendChild(link)
  link.click()
  link.remove()
  // Give the browser time to start the download before the blob is released.
  setTimeout(() => URL.revokeObjectURL(url), 60_000)
}
