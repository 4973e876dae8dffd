import { describe, expect, it } from 'vitest';
import { DocumentService } from './document.service';
import { TemplateDataError } from './document.errors';
import type { PdfRenderOptions } from './pdf-renderer';
import { commitmentLetterSample, registrationFormSample } from './template-samples';

function recordingRenderer(): { calls: { html: string; options: PdfRenderOptions | undefined }[]; render: (html: string, options?: PdfRenderOptions) => Promise<Buffer> } {
  const calls: { html: string; options: PdfRenderOptions | undefined }[] = [];
  return {
    calls,
    render: (html, options) => {
      calls.push({ html, options });
      return Promise.resolve(Buffer.from('%PDF-1.4 stub'));
    },
  };
}

describe('DocumentService', () => {
  it('M04 renders the registration form to HTML and hands it to the PDF renderer as A4 portrait', async () => {
    const renderer = recordingRenderer();
    const documents = new DocumentService({ renderer });
    const pdf = await documents.renderPdf('registration-form', registrationFormSample);
    expect(pdf.toString()).toBe('%PDF-1.4 stub');
    expect(renderer.calls).toHaveLength(1);
    expect(renderer.calls[0]?.options).toEqual({ format: 'A4', landscape: false });
    expect(renderer.calls[0]?.html).toContain(registrationFormSample.candidate.name);
  });

  it('checks the data against the template schema and names the fields at fault', async () => {
    const documents = new DocumentService({ renderer: recordingRenderer() });
    const bad = {
      ...registrationFormSample,
      photo: 'data:image/svg+xml;base64,PHN2Zy8+',
      candidate: { ...registrationFormSample.candidate, name: ' ', birthDate: '1990/01/01' },
    };
    const failure = documents.renderHtml('registration-form', bad);
    await expect(failure).rejects.toThrow(TemplateDataError);
    const error = await failure.catch((e: unknown) => e);
    expect(error instanceof TemplateDataError && error.issues.map((i) => i.path).sort()).toEqual([
      'candidate.birthDate',
      'candidate.name',
      'photo',
    ]);
  });

  it('renders a draft source instead of the stored template (live preview) and reads versions from the template source', async () => {
    const loaded: string[] = [];
    const documents = new DocumentService({
      renderer: recordingRenderer(),
      templates: {
        load: (name) => {
          loaded.push(name);
          return Promise.resolve({ body: '<p>stored {{candidate.name}}</p>', version: 7 });
        },
      },
    });
    expect(await documents.renderHtml('registration-form', registrationFormSample)).toBe('<p>stored 张晓明</p>');
    expect(await documents.renderHtml('registration-form', registrationFormSample, { source: '<p>draft {{registrationNumber}}</p>' })).toBe(
      '<p>draft BM2025SH000123</p>',
    );
    expect(loaded).toEqual(['registration-form']);
    expect(await documents.renderDocument('registration-form', registrationFormSample)).toEqual({ html: '<p>stored 张晓明</p>', templateVersion: 7 });
  });

  it('M03 renders the built-in file as version 0 when no template source is given', async () => {
    const renderer = recordingRenderer();
    const documents = new DocumentService({ renderer });
    const { pdf, templateVersion } = await documents.renderPdfDocument('commitment-letter', commitmentLetterSample);
    expect(templateVersion).toBe(0);
    expect(pdf.toString()).toBe('%PDF-1.4 stub');
    expect(renderer.calls[0]?.html).toContain('告知承诺书');
    expect(renderer.calls[0]?.html).toContain('310101********1234');
  });
});
