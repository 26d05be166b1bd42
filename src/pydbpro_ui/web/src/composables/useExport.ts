/**
 * Downloads an export with fetch rather than a plain link, so the UI can show rows, bytes and
 * a rate as they arrive, a Cancel button, read X-PyDBPro-Truncated, and show a refused export
 * (403/400) as a message instead of a page of JSON. A big export (lib/download.ts:
 * streamsToDisk) is written as it arrives to a file the user picks, where the browser has the
 * File System Access API; otherwise the file is assembled in memory and then saved, as
 * before: a plain `<a download>` would stream to disk but could report neither progress nor
 * errors, and the console's export is a POST, which a link cannot make.
 */
import { ref } from 'vue'
import { useToast } from 'primevue/usetoast'
import type { ExportFormat } from '@/api/endpoints'
import { isAbort } from '@/api/client'
import { toApiError } from './useAsync'
import {
  filenameFromDisposition, pickSaveFile, readAll, saveBlob, streamToFile, streamsToDisk, suggestedFileName,
} from '@/lib/download'
import { progressStream, rowCounter, type ExportProgress } from '@/lib/exportProgress'
import { formatBytes, formatCount } from '@/lib/format'
import { t } from '@/i18n/en'

export interface ExportSource {
  /** Starts the download request. */
  request: (format: ExportFormat, signal: AbortSignal) => Promise<Response>
  /** The rows the export will hold, when known (table total, or query row count). */
  rows: () => { count: number | null; estimate: boolean }
  fallbackName: string
}

const NOTHING: ExportProgress = { bytes: 0, rows: null, rate: null }

export function useExport(source: ExportSource) {
  const toast = useToast()
  const running = ref<ExportFormat | null>(null)
  const progress = ref<ExportProgress>(NOTHING)
  let controller: AbortController | null = null

  /** Fetches and saves, counting as it goes; the saved file's name and the response. */
  async function download(format: ExportFormat, signal: AbortSignal): Promise<{ filename: string; response: Response }> {
    const big = streamsToDisk(source.rows().count)
    const file = big ? await pickSaveFile(suggestedFileName(source.fallbackName, format, new Date())) : null
    const response = await source.request(format, signal)
    const counted = (response.body ?? new Response(new Uint8Array()).body!).pipeThrough(
      progressStream(rowCounter(format), (now) => (progress.value = now)),
    )
    if (file) {
      await streamToFile(counted, file, signal)
      return { filename: file.name, response }
    }
    const filename = filenameFromDisposition(
      response.headers.get('Content-Disposition'),
      `${source.fallbackName}.${format}`,
    )
    saveBlob(await readAll(counted, response.headers.get('Content-Type') ?? 'application/octet-stream'), filename)
    return { filename, response }
  }

  async function start(format: ExportFormat): Promise<void> {
    if (running.value) return
    controller = new AbortController()
    running.value = format
    progress.value = NOTHING
    try {
      const { filename, response } = await download(format, controller.signal)
      const truncated = response.headers.get('X-PyDBPro-Truncated') === 'true'
      const limit = Number(response.headers.get('X-PyDBPro-Row-Limit') ?? '')
      const { count, estimate } = source.rows()
      const counted = progress.value.rows
      const rows = counted ?? (truncated && limit ? Math.min(limit, count ?? limit) : count)
      toast.add({
        severity: 'success',
        summary: rows === null
          ? t.export.doneUnknown(filename)
          : t.export.done(rows, counted === null && estimate && !truncated, filename),
        life: 5000,
      })
      if (truncated) {
        toast.add({ severity: 'warn', summary: t.export.truncated(formatCount(limit)), life: 8000 })
      }
    } catch (error) {
      if (isAbort(error)) {
        toast.add({ severity: 'info', summary: t.export.cancelled, life: 3000 })
      } else {
        const apiError = toApiError(error)
        if (!apiError.handled) {
          toast.add({ severity: 'error', summary: t.export.failed, detail: apiError.message, life: 8000 })
        }
      }
    } finally {
      running.value = null
      controller = null
    }
  }

  function cancel(): void {
    controller?.abort()
  }

  /** "CSV · 1,234 rows · 2.1 MB · 850 KB/s": what has arrived, as it arrives. */
  function progressText(): string {
    if (!running.value) return ''
    const { bytes, rows, rate } = progress.value
    return t.exportProgress.running(
      running.value.toUpperCase(),
      rows === null ? null : formatCount(rows),
      formatBytes(bytes),
      rate === null ? null : formatBytes(Math.round(rate)),
    )
  }

  return { running, progress, start, cancel, progressText }
}
