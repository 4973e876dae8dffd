/**
 * The typed errors every adapter of a city platform throws (payment, e-receipt, courier, 随申办),
 * one family per platform so callers can tell them apart with `instanceof` and by `name`:
 *
 * - the platform error (base): the platform answered with an error, timed out, or could not be
 *   reached; `code` is the platform's error code, or `NETWORK`, `TIMEOUT`, `HTTP_<status>`,
 *   `BAD_SIGNATURE`, `BAD_RESPONSE`; `status` the HTTP status of the answer, null when there was none;
 * - unavailable: down, unreachable, too slow, a 5xx or 429: the outcome is unknown, try again later;
 * - refused: the platform refused the request (4xx); `field` names the parameter at fault;
 * - response: an answer without the platform's valid signature, or not of the documented shape.
 */

export interface PlatformErrorNames {
  platform: string;
  unavailable: string;
  refused: string;
  response: string;
}

/** A platform's family of error classes, each reporting its own `name` (e.g. `PaymentRefusedError`). */
export function platformErrorClasses(names: PlatformErrorNames) {
  class PlatformError extends Error {
    override name = names.platform;
    constructor(
      message: string,
      readonly code: string,
      readonly status: number | null,
    ) {
      super(message);
    }
  }

  class UnavailableError extends PlatformError {
    override name = names.unavailable;
  }

  class RefusedError extends PlatformError {
    override name = names.refused;
    constructor(
      message: string,
      code: string,
      status: number,
      readonly field: string | null,
    ) {
      super(message, code, status);
    }
  }

  class ResponseError extends PlatformError {
    override name = names.response;
  }

  return { PlatformError, UnavailableError, RefusedError, ResponseError };
}

export type PlatformErrorClasses = ReturnType<typeof platformErrorClasses>;
