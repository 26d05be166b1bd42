/**
 * ECharts, with only the charts and parts the chart view uses (tree-shaken from
 * `echarts/core`). Imported only by the chart view, which is itself loaded on first use, so
 * no other page carries it. The screen draws on a canvas (fast for long series); SVG is
 * rendered on demand for its export, by the library's string renderer, off the page.
 */
import * as echarts from 'echarts/core'
import { BarChart, LineChart, PieChart, ScatterChart } from 'echarts/charts'
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components'
import { CanvasRenderer, SVGRenderer } from 'echarts/renderers'

echarts.use([LineChart, BarChart, ScatterChart, PieChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer, SVGRenderer])

export type Chart = echarts.ECharts
type Options = echarts.EChartsCoreOption

function themeName(dark: boolean): string | undefined {
  return dark ? 'dark' : undefined
}

export function mountChart(element: HTMLElement, dark: boolean): Chart {
  return echarts.init(element, themeName(dark), { renderer: 'canvas' })
}

/** Replaces everything drawn (a new choice may have fewer series than the last). */
export function draw(chart: Chart, options: Options): void {
  chart.setOption(options, { notMerge: true, lazyUpdate: true })
}

/** The drawn chart as PNG, at twice its size, on the page's background colour (decoded
 * here: the CSP's connect-src does not let `fetch` read a data: URL). */
export function pngBlob(chart: Chart, background: string): Blob {
  const url = chart.getDataURL({ type: 'png', pixelRatio: 2, backgroundColor: background })
  const bytes = Uint8Array.from(atob(url.slice(url.indexOf(',') + 1)), (c) => c.charCodeAt(0))
  return new Blob([bytes], { type: 'image/png' })
}

/** The same options drawn as an SVG document of the chart's size (no animation). */
export function svgBlob(chart: Chart, options: Options, dark: boolean, background: string): Blob {
  const offPage = echarts.init(null, themeName(dark), { renderer: 'svg', ssr: true, width: chart.getWidth(), height: chart.getHeight() })
  try {
    offPage.setOption({ ...options, animation: false, backgroundColor: background })
    return new Blob([offPage.renderToSVGString()], { type: 'image/svg+xml' })
  } finally {
    offPage.dispose()
  }
}
