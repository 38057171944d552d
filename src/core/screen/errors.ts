/**
 * Why a file cannot be screened, in one line a person can act on ("row 5,001: more than 5,000 rows ..."). The
 * adapters send `message` as it is; nothing of a screening is ever answered when one of these is thrown.
 */
export class ScreenError extends Error {
  override name = 'ScreenError';
}
