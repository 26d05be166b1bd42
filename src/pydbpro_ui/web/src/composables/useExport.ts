/**
 * Downloads an export with fetch rather than a plain link, so the UI can show progress and a
 * Cancel button, read X-PyDBPro-Truncated, and show a refused export (403/400) as a message
 * instead of a page of JSON. The file is assembled in memory before it is saved.
 */
import { ref } from 'vue'
import { useToast } from 'primevue/usetoast'
import type { ExportFormat } from '@/api/endpoints'
import { isAbort } from '@/api/client'
import { toApiError } from './useAsync'
import { filenameFromDisposition, readWithProgress, saveBlob } from '@/lib/download'
import { formatBytes, formatCount } from '@/lib/format'
import { t } from '@/i18n/en'

export interface ExportSource {
  /** Starts the download request. */
  request: (format: ExportFormat, signal: AbortSignal) => Promise<Response>
  /** The rows the export will hold, when known (table total, or query row count). */
  rows: () => { count: number | null; estimate: boolean }
  fallbackName: string
}

export function useExport(source: ExportSource) {
  const toast = useToast()
  const running = ref<ExportFormat | null>(null)
  const received = ref(0)
  let controller: AbortController | null = null

  async function start(format: ExportFormat): Promise<void> {
    if (running.value) return
    controller = new AbortController()
    running.value = format
    received.value = 0
    try {
      const response = await source.request(format, controller.signal)
      const truncated = response.headers.get('X-PyDBPro-Truncated') === 'true'
      const limit = Number(response.headers.get('X-PyDBPro-Row-Limit') ?? '')
      const filename = filenameFromDisposition(
        response.headers.get('Content-Disposition'),
        `${source.fallbackName}.${format}`,
      )
      const blob = await readWithProgress(response, (bytes) => (received.value = bytes))
      saveBlob(blob, filename)
      const { count, estimate } = source.rows()
      const rows = truncated && limit ? Math.min(limit, count ?? limit) : count
      toast.add({
        severity: 'success',
        summary: rows === null
          ? t.export.doneUnknown(filename)
          : t.export.done(rows, estimate && !truncated, filename),
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

  const progressText = (): string =>
    running.value ? t.export.running(running.value.toUpperCase(), formatBytes(received.value)) : ''

  return { running, received, start, cancel, progressText }
}
