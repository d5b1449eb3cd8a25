// The broker's API as the audit page reads it: the pasted key travels in X-API-Key on each call, never in a URL or
// a cookie, and lives in this tab's sessionStorage only.

const KEY = 'tokenbroker.apiKey';

export const apiKey = {
  get: () => sessionStorage.getItem(KEY),
  set: (value) => sessionStorage.setItem(KEY, value),
  clear: () => sessionStorage.removeItem(KEY),
};

/** A failed call: the HTTP status (0 when the broker was not reached) and the problem+json detail, if any. */
export class ApiError extends Error {
  constructor(status, detail) {
    super(`${status} ${detail}`);
    this.status = status;
    this.detail = detail;
  }
}

/** The answer to GET path; a non-2xx answer or no answer at all is thrown as an ApiError. */
export async function request(path, accept = 'application/json') {
  let response;
  try {
    response = await fetch(path, {
      headers: { 'X-API-Key': apiKey.get() ?? '', Accept: accept },
      credentials: 'omit',
      cache: 'no-store',
    });
  } catch (unreachable) {
    throw new ApiError(0, unreachable.message);
  }
  if (!response.ok) {
    throw new ApiError(response.status, await detailOf(response));
  }
  return response;
}

export async function json(path) {
  return (await request(path)).json();
}

async function detailOf(response) {
  try {
    const problem = await response.json();
    return problem.detail || problem.title || '';
  } catch (notJson) {
    return '';
  }
}

/** What the auditor reads when a call failed: what happened and what to do about it. */
export function describe(error) {
  if (!(error instanceof ApiError)) {
    return `Something went wrong in this page: ${error.message}`;
  }
  switch (error.status) {
    case 0:
      return 'The broker could not be reached. Check the network and reload the page.';
    case 401:
      return 'The broker did not accept this API key (401). Check that you pasted the whole key and that it has '
        + 'not been revoked or expired.';
    case 403:
      return 'This API key may not read the refresh logs (403): it needs the logs:read scope.';
    case 404:
      return 'Not found (404): the connection does not exist or belongs to a tenant this key may not read.';
    case 429:
      return 'Too many requests (429): wait a moment, then reload.';
    default:
      return `The broker answered ${error.status}${error.detail ? `: ${error.detail}` : '.'}`;
  }
}

/** Whether the failure means the key itself is no good, so the page asks for another. */
export function isKeyRefused(error) {
  return error instanceof ApiError && (error.status === 401 || error.status === 403);
}
