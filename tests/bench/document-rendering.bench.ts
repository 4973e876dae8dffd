import { DocumentService } from '../../api/src/documents/document.service';
import { PdfRenderer } from '../../api/src/documents/pdf-renderer';
import { registrationFormSample } from '../../api/src/documents/template-samples';

// Benchmark of the document pipeline; run by `npm run bench`, never a timed test.

export interface DocumentBenchmarkResult {
  /** One registration form at a time on a warm browser: template + PDF + ToUnicode repair. */
  warmSingleMs: { median: number; p95: number; min: number; samples: number };
  /** `concurrent` forms at once on a pool of `poolSize` pages. */
  concurrent: { renders: number; poolSize: number; wallMs: number; perSecond: number; peakOpenPages: number };
  pdfBytes: number;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

export async function benchmarkDocumentRendering(options: { samples?: number; concurrent?: number; poolSize?: number } = {}): Promise<DocumentBenchmarkResult> {
  const samples = options.samples ?? 20;
  const concurrent = options.concurrent ?? 20;
  const poolSize = options.poolSize ?? 4;
  const renderer = new PdfRenderer({ poolSize });
  const documents = new DocumentService({ renderer });
  try {
    // Warm-up: browser launch, page creation, font loading, template compilation.
    for (let i = 0; i < 3; i += 1) await documents.renderPdf('registration-form', registrationFormSample);

    const times: number[] = [];
    let pdfBytes = 0;
    for (let i = 0; i < samples; i += 1) {
      const started = performance.now();
      pdfBytes = (await documents.renderPdf('registration-form', registrationFormSample)).length;
      times.push(performance.now() - started);
    }
    times.sort((a, b) => a - b);

    // Fill the whole pool once so the concurrent round measures reuse, not page creation.
    await Promise.all(Array.from({ length: poolSize }, () => documents.renderPdf('registration-form', registrationFormSample)));
    const started = performance.now();
    await Promise.all(Array.from({ length: concurrent }, () => documents.renderPdf('registration-form', registrationFormSample)));
    const wallMs = performance.now() - started;

    return {
      warmSingleMs: { median: Math.round(percentile(times, 50)), p95: Math.round(percentile(times, 95)), min: Math.round(times[0] ?? 0), samples },
      concurrent: {
        renders: concurrent,
        poolSize,
        wallMs: Math.round(wallMs),
        perSecond: Math.round((concurrent / wallMs) * 1000 * 10) / 10,
        peakOpenPages: renderer.stats().peakOpenPages,
      },
      pdfBytes,
    };
  } finally {
    await renderer.close();
  }
}
