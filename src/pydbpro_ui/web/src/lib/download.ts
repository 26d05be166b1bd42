/** Saving a fetched file: the name from Content-Disposition, then a blob link click. */

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

/** Reads a response body to the end, reporting bytes as they arrive. */
export async function readWithProgress(
  response: Response,
  onBytes: (received: number) => void,
): Promise<Blob> {
  const type = response.headers.get('Content-Type') ?? 'application/octet-stream'
  if (!response.body) return response.blob()
  const reader = response.body.getReader()
  const chunks: Uint8Array[] = []
  let received = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    chunks.push(value)
    received += value.byteLength
    onBytes(received)
  }
  return new Blob(chunks as BlobPart[], { type })
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
