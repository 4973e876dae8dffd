// Typed errors of the document pipeline. `code` is stable for the API's error middleware to map;
// the messages are for operators and developers (none of these is caused by a candidate's input).

export class DocumentError extends Error {
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A template name outside `[a-z0-9-]+` (guards the file lookup against path traversal). */
export class InvalidTemplateNameError extends DocumentError {
  constructor(readonly templateName: string) {
    super('DOCUMENT_TEMPLATE_NAME_INVALID', `Invalid template name ${JSON.stringify(templateName)}: only [a-z0-9-] is allowed`);
  }
}

export class TemplateNotFoundError extends DocumentError {
  constructor(
    readonly templateName: string,
    path: string,
    cause?: unknown,
  ) {
    super('DOCUMENT_TEMPLATE_NOT_FOUND', `Template "${templateName}" not found at ${path}`, { cause });
  }
}

/** The template source does not compile, or uses unescaped output ({{{ }}} / {{& }}). */
export class TemplateSyntaxError extends DocumentError {
  constructor(
    readonly templateName: string,
    detail: string,
    cause?: unknown,
  ) {
    super('DOCUMENT_TEMPLATE_INVALID', `Template "${templateName}": ${detail}`, { cause });
  }
}

/** A helper refused a value, or the template failed while rendering. */
export class TemplateRenderError extends DocumentError {
  constructor(
    readonly templateName: string,
    detail: string,
    cause?: unknown,
  ) {
    super('DOCUMENT_TEMPLATE_RENDER_FAILED', `Template "${templateName}" failed to render: ${detail}`, { cause });
  }
}

export interface TemplateDataIssue {
  /** Dotted path of the field at fault, e.g. `candidate.idNumber`. */
  path: string;
  message: string;
}

/** The data handed to a template does not match its schema. */
export class TemplateDataError extends DocumentError {
  constructor(
    readonly templateName: string,
    readonly issues: TemplateDataIssue[],
  ) {
    super(
      'DOCUMENT_DATA_INVALID',
      `Invalid data for template "${templateName}": ${issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ')}`,
    );
  }
}

export class ChromiumNotFoundError extends DocumentError {
  constructor(
    readonly executablePath: string,
    cause?: unknown,
  ) {
    super(
      'DOCUMENT_CHROMIUM_NOT_FOUND',
      `Chromium was not found at ${executablePath}. Install it (apt-get install chromium) or set CHROMIUM_PATH to the browser executable.`,
      { cause },
    );
  }
}

export class PdfRendererClosedError extends DocumentError {
  constructor() {
    super('DOCUMENT_RENDERER_CLOSED', 'The PDF renderer is closed');
  }
}
