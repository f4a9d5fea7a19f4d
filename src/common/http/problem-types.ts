/**
 * Every problem `type` this server answers with, in one place: the document's `type` is
 * `urn:lc-workflow:problem:<slug>`. Clients may switch on a slug, so none is ever renamed or
 * reused for another meaning. A problem without a slug is `about:blank`: its status says it all
 * (401, 403, 404, 405, ...). `ProblemException` takes only these. The comments give the status
 * and a detail as thrown.
 */
export const PROBLEM_TYPES = [
  // --- the request itself ------------------------------------------------------------------
  /** 422, `errors[]` naming each field: "email: must be an email" (ValidationProblem). */
  'validation-error',
  /** 400: "The request body is not valid JSON." */
  'malformed-body',
  /** 413: "The request body is larger than the limit of 1048576 bytes." */
  'body-too-large',
  /** 422: "The request body is nested more than 64 levels deep." */
  'body-too-deep',
  /** 422: "The request body has too many fields or items: at most ... in all." */
  'too-many-keys',
  /** 422: 'The request body uses the reserved field name "__proto__"; remove or rename it.' */
  'forbidden-key',
  /** 408: "The request body arrived too slowly (less than 30720 bytes in 30 s)." */
  'body-too-slow',
  /** 429, Retry-After: "Too many requests. Try again in 30 seconds." */
  'rate-limited',
  /** 429, Retry-After: "Too many failed sign-in attempts. Try again in 15 minute(s)." */
  'login-locked',
  /** 412, `current_version`: "The record has changed since you read it (it is now at version 4). ..." */
  'precondition-failed',
  /** 422: "This Idempotency-Key was already used with a different request. ..." */
  'idempotency-key-reused',
  /** 409: "A request with this Idempotency-Key is still being processed. Retry in a moment." */
  'idempotency-key-in-use',

  // --- records -----------------------------------------------------------------------------
  /** 409, `fields`: "Another user with the same email already exists." */
  'duplicate',
  /** 409: "3 users still belong to this department; move them first." */
  'still-referenced',
  /** 409: "The record was being changed by another request. Please try again." */
  'concurrent-update',
  /** 403: "Managers manage only the officers and viewers of their own branch." (users) */
  'forbidden',
  /** 409: "You cannot deactivate your own account." (users) */
  'conflict',
  /** 409: 'The setting "catalog.currencies" cannot be reset to its default: ...' */
  'setting-in-use',

  // --- the loan workflow -------------------------------------------------------------------
  /**
   * 409, `current_status` and `allowed_actions`: a workflow action the application's status
   * does not allow ('Cannot submit an application in status "approved"; allowed actions: ...').
   */
  'illegal-transition',
  /**
   * 409, `current_status`: an edit or delete the status does not allow ('An application can be
   * edited only while it is a draft; this one is "submitted". ...').
   */
  'illegal-state',
  /** 403, `limit` and `currency`: the approved amount is above the approver's limit. */
  'approval-limit-exceeded',
  /** 409: "A customer with this id number already exists and you cannot see it. ..." */
  'customer-not-visible',
  /** 409: "A customer with this ID card type and ID number is already registered. ..." */
  'duplicate-customer',
  /** 429: "You already have a CSV export running. Wait until it has finished ..." */
  'export-in-progress',

  // --- documents (files and folders) ------------------------------------------------------
  /**
   * 409, `current_status`: the application's status no longer lets the caller change its
   * documents ('The application is "approved": its documents are evidence and no longer change.').
   */
  'documents-locked',
  /** 415: "The file is not an allowed type (PDF, JPEG, PNG, GIF, WebP, HEIC, DOC/DOCX, XLS/XLSX, text)." */
  'file-type-not-allowed',
  /** 413: "The file is larger than the limit of 10485760 bytes." */
  'file-too-large',
  /** 400: "The upload ended before the file did (the body is truncated)." */
  'malformed-multipart',
  /** 409: "This upload was finalized already." */
  'upload-already-finalized',
  /** 422: "The image is too large to preview (over 100000000 pixels)." */
  'image-too-large',
  /** 409: "The folder still holds 3 files and 1 folder; delete them first, or use recursive=true." */
  'folder-not-empty',
  /** 409: "A folder cannot move into its own subtree." */
  'folder-cycle',
  /** 503, Retry-After: "Too many previews are being made right now. Please try again in a few seconds." */
  'previews-busy',

  // --- the server --------------------------------------------------------------------------
  /** 503, Retry-After: "The document storage is not answering. Please try again shortly." */
  'storage-unavailable',
  /** 503, Retry-After: "The database is not answering. Please try again shortly." */
  'database-unavailable',
  /**
   * 503, Retry-After 1: overload on a route that hashes a password (login, first-run set-up,
   * user create, password set or change) when PASSWORD_HASH_QUEUE_MAX hashes already wait:
   * "The server is busy checking other passwords. Please try again in a moment."
   */
  'server-busy',
  /** 503, `down`: "Not ready: database is down." (GET /api/v1/health) */
  'not-ready',
] as const;

export type ProblemType = (typeof PROBLEM_TYPES)[number];
